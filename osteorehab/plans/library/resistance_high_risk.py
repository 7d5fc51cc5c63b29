"""Resistance exercises that some patients must not do, flagged so that the safety layer refuses
them: loaded spinal flexion and twisting (the curl-up, the weighted trunk twist; 4.1, 4.2), and
LIFTMOR's supervised high-intensity lifts (deadlift from the floor, back squat, overhead press at
5 x 5 above 80-85 % 1RM, 4.4). They are in the library so that a therapist can see why they are
excluded, and so that the LIFTMOR lifts can be prescribed in a supervised gym where allowed.
"""

from osteorehab.plans.exercises import Category, Exercise, Intensity
from osteorehab.plans.library._common import (
    HIGH_INTENSITY,
    KYPHOSIS,
    LIFTMOR,
    LIFTMOR_DOSE,
    SPINAL_FLEXION,
    STRENGTH,
    steps,
)

_FLEXION = (
    "Listed so that the safety layer can refuse it: Too Fit To Fracture modifies weighted, "
    "end-range flexion or twisting; strength 8-12 reps, 1-3 sets [clinical-reference 4.1]; "
    "Strong, Steady and Straight: no sit-ups or loaded flexion after vertebral fracture "
    "[clinical-reference 4.2]"
)

RESISTANCE_HIGH_RISK = (
    Exercise(
        code="curl_up",
        category=Category.RESISTANCE,
        name_en="Curl-up (sit-up)",
        name_zh="仰卧卷腹（仰卧起坐）",
        instructions_en=steps(
            "Only if your therapist has cleared it: this bends the spine forward under load.",
            "Lie on your back on a mat with your knees bent, feet flat and arms crossed on your "
            "chest.",
            "Curl your head and shoulders up off the mat.",
            "Lower back down slowly.",
        ),
        instructions_zh=steps(
            "须经治疗师同意方可练习：此动作会使脊柱负重前屈。",
            "仰卧在垫子上，屈膝，双脚平放，双臂交叉放在胸前。",
            "把头和肩膀向上卷起，离开垫面。",
            "再慢慢躺回去。",
        ),
        dose=STRENGTH,
        source=_FLEXION,
        equipment=("mat",),
        intensity=Intensity.MODERATE,
        spinal_flexion=True,
        # lying flat on the back without a pillow
        contraindications=SPINAL_FLEXION | {KYPHOSIS},
    ),
    Exercise(
        code="weighted_trunk_twist",
        category=Category.RESISTANCE,
        name_en="Weighted trunk twist",
        name_zh="负重转体",
        instructions_en=steps(
            "Only if your therapist has cleared it: this twists the spine under load.",
            "Sit tall on a chair, holding one hand weight in both hands in front of your chest.",
            "Turn your upper body to one side as far as it goes, then to the other side.",
            "Move slowly and keep the weight close to your body.",
        ),
        instructions_zh=steps(
            "须经治疗师同意方可练习：此动作会使脊柱负重扭转。",
            "坐直在椅子上，双手在胸前握住一只哑铃。",
            "上身尽量转向一侧，再转向另一侧。",
            "动作放慢，哑铃贴近身体。",
        ),
        dose=STRENGTH,
        source=_FLEXION,
        equipment=("dumbbells", "chair"),
        intensity=Intensity.MODERATE,
        spinal_flexion=True,  # flexion or twisting
        contraindications=SPINAL_FLEXION,
    ),
    Exercise(
        code="liftmor_deadlift",
        category=Category.RESISTANCE,
        name_en="Barbell deadlift from the floor (LIFTMOR, supervised)",
        name_zh="杠铃硬拉（LIFTMOR，须监督）",
        instructions_en=steps(
            "Only in a supervised gym, after screening and the month of practice at lower loads.",
            "Stand with the bar over the middle of your feet; hinge at the hips and bend your "
            "knees to grip it.",
            "Brace your trunk, keep your back straight and stand up by pushing the floor away.",
            "Lower the bar to the floor under control, hinging at the hips.",
        ),
        instructions_zh=steps(
            "仅限在有监督的健身房练习，须先通过筛查并以较轻负荷练习约一个月。",
            "杠铃位于脚掌中部上方，以髋为轴、屈膝下蹲握住杠铃。",
            "收紧躯干，背部挺直，双脚蹬地站起。",
            "以髋为轴，有控制地把杠铃放回地面。",
        ),
        dose=LIFTMOR_DOSE,
        source=LIFTMOR,
        equipment=("barbell",),
        muscle_groups=("legs", "back"),
        intensity=Intensity.VIGOROUS,
        high_intensity=True,
        floor_lift=True,
        contraindications=HIGH_INTENSITY,
        regression="standing_band_back_extension",
    ),
    Exercise(
        code="liftmor_back_squat",
        category=Category.RESISTANCE,
        name_en="Barbell back squat (LIFTMOR, supervised)",
        name_zh="杠铃颈后深蹲（LIFTMOR，须监督）",
        instructions_en=steps(
            "Only in a supervised gym, in a rack with safety bars, after screening and the month "
            "of practice at lower loads.",
            "Rest the bar across the top of your back, hands just wider than your shoulders.",
            "Sit your hips back and down, keeping your chest up and your back straight.",
            "Stand back up by pushing through your whole foot.",
        ),
        instructions_zh=steps(
            "仅限在有监督的健身房、带保护杠的深蹲架内练习，须先完成筛查和适应期。",
            "把杠铃放在上背部，双手握杠略宽于肩。",
            "臀部向后向下坐，挺胸，背部挺直。",
            "全脚掌发力，重新站起。",
        ),
        dose=LIFTMOR_DOSE,
        source=LIFTMOR,
        equipment=("barbell",),
        muscle_groups=("legs", "back"),
        intensity=Intensity.VIGOROUS,
        high_intensity=True,
        # the bar loads the top of the back: refused with severe kyphosis as well
        contraindications=HIGH_INTENSITY | {KYPHOSIS},
        regression="counter_squat",
    ),
    Exercise(
        code="liftmor_overhead_press",
        category=Category.RESISTANCE,
        name_en="Barbell overhead press (LIFTMOR, supervised)",
        name_zh="杠铃站姿推举（LIFTMOR，须监督）",
        instructions_en=steps(
            "Only in a supervised gym, after screening and the month of practice at lower loads.",
            "Stand tall holding the bar at the front of your shoulders, hands just wider than "
            "your shoulders.",
            "Brace your trunk and press the bar straight up above your head.",
            "Lower it under control to your shoulders; do not lean back.",
        ),
        instructions_zh=steps(
            "仅限在有监督的健身房练习，须先通过筛查并完成适应期。",
            "站直，双手握杠略宽于肩，杠铃置于肩前。",
            "收紧躯干，把杠铃垂直推过头顶。",
            "有控制地放回肩前，身体不要后仰。",
        ),
        dose=LIFTMOR_DOSE,
        source=LIFTMOR,
        equipment=("barbell",),
        muscle_groups=("shoulders", "arms"),
        intensity=Intensity.VIGOROUS,
        high_intensity=True,
        contraindications=HIGH_INTENSITY | {KYPHOSIS},  # loading overhead
        regression="seated_overhead_press",
    ),
)
