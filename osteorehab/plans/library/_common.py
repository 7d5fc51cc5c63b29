"""What the category modules share: the numbered-steps helper, the contraindication sets that the
library's rules call for, and the source strings that cite clinical-reference section 4.

The contraindication rules (checked in tests/test_library.py):
- vertebral fracture: spinal flexion or twisting, lifting from the floor, high intensity, and
  moderate or high impact (4.1, 4.2);
- recent fracture: impact above "low" and high intensity;
- high fall risk: balance without support at Otago levels C and D, eyes closed, moderate or high
  impact, and getting up from the floor without support (4.2 "Steady", 4.3);
- severe kyphosis: lying flat on the back without a pillow, lying face down, loading overhead;
- acute pain: moderate or high impact, high intensity, heavy resistance;
- the physician's impact restriction: every exercise with impact above "none".

Impact levels (4.2): "none" when the feet stay on the ground or move slowly without a foot strike
(tai chi steps, weight shifts); "low" for walking and stepping at walking pace, "no more than
brisk walking"; "moderate" for stamps, heel drops, hops and jogging; "high" for jumps.
"""

from osteorehab.plans.exercises import Contraindication, Dose

VERTEBRAL = Contraindication.VERTEBRAL_FRACTURE
RECENT = Contraindication.RECENT_FRACTURE
FALLS = Contraindication.HIGH_FALL_RISK
KYPHOSIS = Contraindication.SEVERE_KYPHOSIS
PAIN = Contraindication.ACUTE_PAIN
RESTRICTED = Contraindication.PHYSICIAN_RESTRICTED_IMPACT

NONE: frozenset[Contraindication] = frozenset()
LOW_IMPACT = frozenset({RESTRICTED})
MODERATE_IMPACT = frozenset({VERTEBRAL, RECENT, FALLS, PAIN, RESTRICTED})
HIGH_IMPACT = MODERATE_IMPACT
HIGH_INTENSITY = frozenset({VERTEBRAL, RECENT, PAIN})
SPINAL_FLEXION = frozenset({VERTEBRAL})

# Sources. Where the reference gives no number for a dose field, the field is None and the source
# says so; the therapist sets it.
THERAPIST = "dose set by the therapist: the reference gives none"
TFTF_STRENGTH = (
    "Too Fit To Fracture: strength 8-12 reps, 1-3 sets, starting lower [clinical-reference 4.1]; "
    "Strong, Steady and Straight: all major muscle groups [clinical-reference 4.2]"
)
OTAGO_STRENGTH = (
    "Otago Exercise Programme leg strengthening, ankle cuff weights from about 1 kg "
    "[clinical-reference 4.3]; Too Fit To Fracture: strength 8-12 reps, 1-3 sets, starting lower "
    "[clinical-reference 4.1]"
)
OTAGO_BALANCE = (
    "Otago Exercise Programme balance exercise with graded support [clinical-reference 4.3]; "
    "Too Fit To Fracture: balance daily, at least 15-20 min in all [clinical-reference 4.1]; "
    f"repetitions and hold times: {THERAPIST}"
)
TFTF_BALANCE = (
    "Too Fit To Fracture: balance daily, at least 15-20 min in all, static to dynamic "
    f"[clinical-reference 4.1]; repetitions and hold times: {THERAPIST}"
)
GAIT = (
    "Too Fit To Fracture: balance daily, at least 15-20 min in all, static to dynamic "
    "[clinical-reference 4.1]; Strong, Steady and Straight: 'Steady' strength and balance "
    f"[clinical-reference 4.2]; {THERAPIST}"
)
SPINAL_EXTENSION = (
    "Too Fit To Fracture: spinal extensor training daily 5-10 min, endurance holds 3-5 s "
    "[clinical-reference 4.1]; Strong, Steady and Straight: 'Straight' [clinical-reference 4.2]; "
    f"repetitions: {THERAPIST}"
)
AEROBIC = (
    "Too Fit To Fracture: aerobic at least 5 days/week, at least 30 min/day in bouts of at least "
    "10 min, moderate only after vertebral fracture [clinical-reference 4.1]; WHO 2020: "
    "150-300 min/week moderate [clinical-reference 4.5]"
)
MODERATE_IMPACTS = (
    "Strong, Steady and Straight: at least 50 moderate impacts per session (stamps, hops, jumps, "
    "jogging) [clinical-reference 4.2]"
)
LIFTMOR = (
    "LIFTMOR: supervised high-intensity resistance and impact training, 5 sets x 5 reps at "
    "> 80-85 % 1RM after about a month at lower loads [clinical-reference 4.4]"
)
LIFTMOR_LOAD_EN = (
    "Above 80-85% of the one-repetition maximum (1RM), only after about a month of practice at "
    "lower loads, supervised by trained staff"
)
LIFTMOR_LOAD_ZH = (
    "超过一次最大重量（1RM）的80-85%；须先以较轻负荷练习约一个月，并由专业人员全程监督"
)
FLEXIBILITY = (
    "Too Fit To Fracture: spine-sparing, no end-range flexion or twisting [clinical-reference "
    f"4.1]; Strong, Steady and Straight: no toe-touching [clinical-reference 4.2]; {THERAPIST}"
)
TAI_CHI = (
    "Too Fit To Fracture: Tai Chi in the balance progression, balance daily, at least 15-20 min "
    f"in all [clinical-reference 4.1]; {THERAPIST}"
)
SPINE_SPARING = (
    "Too Fit To Fracture: spine-sparing, hip-hinge, avoid lifting from or lowering to the floor "
    "[clinical-reference 4.1]; Strong, Steady and Straight: use a hip hinge in daily life "
    "[clinical-reference 4.2]"
)


def steps(*lines: str) -> str:
    """Numbered steps, one per line: "1. ...\\n2. ..."."""
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


# Strength: 8-12 reps (8-12 RM), starting at 1 set (4.1 "start lower").
STRENGTH = Dose(sets=1, reps=8, reps_max=12)
OTAGO_WEIGHT = Dose(
    sets=1,
    reps=8,
    reps_max=12,
    load_en="Ankle cuff weight, about 1 kg to start",
    load_zh="踝部沙袋，起始约1公斤",
)
BODY_WEIGHT = Dose(sets=1, reps=8, reps_max=12, load_en="Your own body weight", load_zh="自身体重")
EIGHT_TO_TWELVE_RM = Dose(
    sets=1,
    reps=8,
    reps_max=12,
    load_en="A weight or band you can move 8-12 times with good form (8-12 RM)",
    load_zh="选用能以正确姿势完成8-12次的重量或弹力带（8-12RM）",
)
# Back extensor strength: 8-12 reps, each with a 3-5 s endurance hold from its lower end (4.1).
BACK_EXTENSORS = Dose(sets=1, reps=8, reps_max=12, hold_seconds=3)
LIFTMOR_DOSE = Dose(sets=5, reps=5, reps_max=5, load_en=LIFTMOR_LOAD_EN, load_zh=LIFTMOR_LOAD_ZH)
HOLD = Dose(hold_seconds=3)  # spinal extension holds 3-5 s, from the lower end (4.1)
AEROBIC_BOUT = Dose(minutes=10)  # bouts of at least 10 min (4.1)
FIFTY_IMPACTS = Dose(impacts=50)  # at least 50 moderate impacts per session (4.2)
UNSET = Dose()  # the reference gives no number: the therapist sets the dose
