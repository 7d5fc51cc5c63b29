"""The built-in program presets: a starting week of exercises from the built-in library for four
kinds of patient, in our own words in English and Simplified Chinese. Pure Python, no Django; a
migration writes them into the database, where a therapist applies one to a plan and the safety
layer (`domain.py`) checks it against that patient like any other change.

Days and doses follow the prescription's own settings (`domain.py`, clinical-reference 4.1-4.5):
strength twice a week at one set, balance every day for at least 15 minutes in all, spinal
extension every day for 5 minutes, aerobic bouts of at least 10 minutes five days a week, impact
on most days. An empty dose field keeps the exercise's own dose.

The presets for a vertebral fracture, a high risk of falls and frailty hold only exercises with no
impact, no spinal flexion, no lifting from the floor, no high intensity and no contraindication
tag: after a vertebral fracture impact may not exceed brisk walking (4.2) and at risk of falls
strength and balance come before any impact (4.2), so such a patient's safety layer usually
allows none yet.
"""

from dataclasses import dataclass

from osteorehab.assessments.instruments.base import gettext_noop
from osteorehab.plans.domain import AEROBIC_DAYS, EVERY_DAY, IMPACT_DAYS, STRENGTH_DAYS


@dataclass(frozen=True)
class PresetItem:
    exercise: str  # the code of a built-in exercise
    days: tuple[int, ...]  # 0 is Monday
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class Preset:
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    items: tuple[PresetItem, ...]


def _strength(*codes: str) -> tuple[PresetItem, ...]:
    return tuple(PresetItem(code, STRENGTH_DAYS, sets=1) for code in codes)


def _daily(minutes: int, *codes: str) -> tuple[PresetItem, ...]:
    return tuple(PresetItem(code, EVERY_DAY, minutes=minutes) for code in codes)


VERTEBRAL_EARLY = Preset(
    # the names are marked for the catalogue: a plan's item names the preset it came from
    name_en=gettext_noop("Vertebral fracture, early phase"),
    name_zh="椎体骨折，早期",
    description_en=(
        "Spine-sparing: back extension and posture every day, strength seated or holding on, "
        "balance holding on, seated aerobic work. No impact, no bending or twisting of the "
        "spine, no lifting from the floor."
    ),
    description_zh=(
        "保护脊柱：每天做背部伸展和姿势练习，坐着或扶着做力量练习，扶着做平衡练习，坐着做有氧运动。"
        "不做冲击性运动，不弯腰、不扭转脊柱，不从地面搬起重物。"
    ),
    items=(
        *_daily(5, "seated_back_extension"),
        PresetItem("shoulder_blade_squeeze", EVERY_DAY),
        *_daily(8, "knee_bends_supported", "tandem_stance_supported"),
        *_strength(
            "knee_extension_ankle_weight",
            "seated_band_back_extension",
            "seated_band_row",
            "wall_push_up",
            "sit_to_stand_hands",
        ),
        PresetItem("hip_hinge_table_pickup", STRENGTH_DAYS),
        PresetItem("seated_marching", AEROBIC_DAYS, minutes=10),
    ),
)

FALL_RISK_SUPPORTED = Preset(
    name_en=gettext_noop("High fall risk, supported balance first"),
    name_zh="跌倒高风险，先做有支撑的平衡练习",
    description_en=(
        "Otago-type leg strength with ankle weights and balance holding on to a counter, "
        "every day, before any work without support or any impact."
    ),
    description_zh=(
        "奥塔戈式练习：戴沙袋做腿部力量练习，每天扶着台面做平衡练习；"
        "在此之前不做无支撑练习，也不做冲击性运动。"
    ),
    items=(
        *_daily(
            5,
            "knee_bends_supported",
            "tandem_stance_supported",
            "one_leg_stand_supported",
            "weight_shift_side_to_side",
            "seated_back_extension",
        ),
        *_strength(
            "knee_extension_ankle_weight",
            "knee_flexion_ankle_weight",
            "hip_abduction_ankle_weight",
            "calf_raises_supported",
            "toe_raises_supported",
            "sit_to_stand_hands",
        ),
        PresetItem("seated_marching", AEROBIC_DAYS, minutes=10),
    ),
)

OSTEOPENIA_ACTIVE = Preset(
    name_en=gettext_noop("Osteopenia, active"),
    name_zh="骨量减少，积极锻炼",
    description_en=(
        "For low bone mass without a vertebral fracture, at low risk of falls, once the "
        "physician allows impact: progressive strength, balance without support, tai chi, "
        "brisk walking and moderate impact on most days."
    ),
    description_zh=(
        "适用于骨量减少、无椎体骨折、跌倒风险低，且医生已允许冲击性运动的患者："
        "循序渐进的力量练习、无支撑平衡练习、太极、快走，以及大多数日子做中等强度冲击练习。"
    ),
    items=(
        *_strength(
            "standing_band_back_extension",
            "counter_squat",
            "counter_push_up",
            "seated_band_row",
            "band_pull_apart",
            "sit_to_stand",
        ),
        PresetItem("lifting_box_hip_hinge", STRENGTH_DAYS),
        *_daily(5, "tandem_stance", "one_leg_stand", "standing_back_extension_wall"),
        *_daily(10, "tai_chi_cloud_hands"),
        PresetItem("brisk_walking", AEROBIC_DAYS, minutes=30),
        PresetItem("heel_drops", IMPACT_DAYS),
    ),
)

FRAIL_FALLS = Preset(
    name_en=gettext_noop("Frail, falls focus"),
    name_zh="体弱，重点预防跌倒",
    description_en=(
        "Exercise according to ability with the emphasis on falls: seated strength and aerobic "
        "work, standing up from a chair with the hands, weight shifts and balance holding on, "
        "and practice at getting up from a kneel with a chair."
    ),
    description_zh=(
        "量力而行，重点预防跌倒：坐着做力量练习和有氧运动，用手撑着从椅子上站起，"
        "扶着做重心转移和平衡练习，并借助椅子练习从跪姿站起。"
    ),
    items=(
        *_daily(
            5,
            "weight_shift_side_to_side",
            "knee_bends_supported",
            "tandem_stance_supported",
            "seated_back_extension",
        ),
        *_strength(
            "knee_extension_ankle_weight",
            "seated_biceps_curl",
            "seated_band_row",
            "sit_to_stand_hands",
        ),
        PresetItem("kneel_to_stand_with_chair", STRENGTH_DAYS),
        PresetItem("seated_marching", AEROBIC_DAYS, minutes=10),
    ),
)

PRESETS = (VERTEBRAL_EARLY, FALL_RISK_SUPPORTED, OSTEOPENIA_ACTIVE, FRAIL_FALLS)
