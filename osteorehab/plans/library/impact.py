"""Impact exercise at the three levels of Strong, Steady and Straight (clinical-reference 4.2):
low (no more than brisk walking), moderate (heel drops, stamps, hops, jogging: at least 50
impacts per session), and high (jumps, and LIFTMOR's jumping chin-ups with drop landings, 4.4).

Listed from the lowest level up: the prescription starts at the first one the safety layer
allows and proposes the next one only when the patient finds it easy.
"""

from osteorehab.plans.exercises import Category, Exercise, Intensity
from osteorehab.plans.library._common import (
    AEROBIC_BOUT,
    FIFTY_IMPACTS,
    HIGH_IMPACT,
    HIGH_INTENSITY,
    KYPHOSIS,
    LIFTMOR,
    LOW_IMPACT,
    MODERATE_IMPACT,
    MODERATE_IMPACTS,
    THERAPIST,
    UNSET,
    steps,
)

_LOW = (
    "Strong, Steady and Straight: impact no greater than brisk walking after vertebral or "
    "multiple fractures [clinical-reference 4.2]"
)

IMPACT = (
    Exercise(
        code="brisk_marching_on_the_spot",
        category=Category.IMPACT,
        name_en="Brisk marching on the spot",
        name_zh="快速原地踏步",
        instructions_en=steps(
            "Stand tall next to the counter so that you can hold it if you need to.",
            "March on the spot briskly, lifting your knees and putting each foot down firmly.",
            "Swing your arms and keep your back straight.",
            "Slow down if you are too out of breath to talk.",
        ),
        instructions_zh=steps(
            "站在台面旁，需要时可以扶住。",
            "有力地原地踏步，膝盖抬起，每一步踏实。",
            "双臂自然摆动，背部挺直。",
            "喘得说不出话时就放慢速度。",
        ),
        dose=AEROBIC_BOUT,
        source=(f"{_LOW}; Too Fit To Fracture: bouts of at least 10 min [clinical-reference 4.1]"),
        equipment=("counter",),
        impact="low",
        intensity=Intensity.MODERATE,
        contraindications=LOW_IMPACT,
        progression="heel_drops",
        alternatives=("brisk_walking",),
    ),
    Exercise(
        code="stair_climbing",
        category=Category.IMPACT,
        name_en="Climbing stairs at a brisk pace",
        name_zh="快步爬楼梯",
        instructions_en=steps(
            "Hold the handrail all the way up and all the way down.",
            "Walk up the stairs at a brisk pace, placing your whole foot on each step.",
            "Walk down slowly, one step at a time.",
            "Rest on a step if you are too out of breath to talk.",
        ),
        instructions_zh=steps(
            "上下楼梯全程扶住扶手。",
            "以较快的步伐走上楼梯，每一步全脚掌踩在台阶上。",
            "下楼时放慢，一级一级往下走。",
            "喘得说不出话时，停在台阶上休息。",
        ),
        dose=UNSET,
        source=f"{_LOW}; {THERAPIST}",
        impact="low",
        intensity=Intensity.MODERATE,
        supported=True,  # the handrail
        contraindications=LOW_IMPACT,
        alternatives=("brisk_marching_on_the_spot",),
    ),
    Exercise(
        code="heel_drops",
        category=Category.IMPACT,
        name_en="Heel drops, holding the counter",
        name_zh="扶台提踵后落地",
        instructions_en=steps(
            "Stand tall facing the counter, holding on with both hands.",
            "Rise up onto your toes.",
            "Let your heels drop down firmly onto the floor, with a thud.",
            "Keep your knees soft and your back straight.",
        ),
        instructions_zh=steps(
            "面向台面站直，双手扶住台面。",
            "踮起脚尖。",
            "让脚跟用力落回地面，发出咚的一声。",
            "膝盖放松微屈，背部挺直。",
        ),
        dose=FIFTY_IMPACTS,
        source=MODERATE_IMPACTS,
        equipment=("counter",),
        impact="moderate",
        intensity=Intensity.LIGHT,
        supported=True,
        contraindications=MODERATE_IMPACT,
        progression="stamping",
        regression="brisk_marching_on_the_spot",
    ),
    Exercise(
        code="stamping",
        category=Category.IMPACT,
        name_en="Stamping, holding the counter",
        name_zh="扶台跺脚",
        instructions_en=steps(
            "Stand tall side-on to the counter, holding it with one hand.",
            "Lift one foot a little and stamp it down firmly.",
            "Change feet and keep going, like marching with a stamp.",
            "Keep your back straight and your knees soft.",
        ),
        instructions_zh=steps(
            "侧身站在台面旁，一只手扶住台面。",
            "一只脚稍微抬起，再用力跺下。",
            "左右脚交替，像带着跺脚的踏步。",
            "背部挺直，膝盖放松。",
        ),
        dose=FIFTY_IMPACTS,
        source=MODERATE_IMPACTS,
        equipment=("counter",),
        impact="moderate",
        intensity=Intensity.MODERATE,
        supported=True,
        contraindications=MODERATE_IMPACT,
        progression="small_hops",
        regression="heel_drops",
    ),
    Exercise(
        code="small_hops",
        category=Category.IMPACT,
        name_en="Small hops on both feet, holding the counter",
        name_zh="扶台双脚小跳",
        instructions_en=steps(
            "Stand tall facing the counter, holding on lightly with both hands.",
            "Hop a little way off the floor on both feet.",
            "Land softly on the balls of your feet with your knees slightly bent.",
            "Stop if you feel pain in your back, hips or knees.",
        ),
        instructions_zh=steps(
            "面向台面站直，双手轻扶台面。",
            "双脚一起轻轻跳离地面。",
            "用前脚掌轻轻落地，膝盖微屈。",
            "背部、髋部或膝盖疼痛时立即停止。",
        ),
        dose=FIFTY_IMPACTS,
        source=MODERATE_IMPACTS,
        equipment=("counter",),
        impact="moderate",
        intensity=Intensity.MODERATE,
        supported=True,
        contraindications=MODERATE_IMPACT,
        progression="vertical_jumps",
        regression="stamping",
        alternatives=("jogging",),
    ),
    Exercise(
        code="jogging",
        category=Category.IMPACT,
        name_en="Jogging",
        name_zh="慢跑",
        instructions_en=steps(
            "Warm up with a few minutes of brisk walking.",
            "Jog slowly on a flat, even surface, in supportive shoes.",
            "Land lightly and keep your body upright.",
            "Walk whenever you need to; you can mix jogging and walking.",
        ),
        instructions_zh=steps(
            "先快走几分钟热身。",
            "穿合脚的鞋，在平坦的路面上慢跑。",
            "落地轻柔，身体保持直立。",
            "需要时就改为步行；慢跑和步行可以交替进行。",
        ),
        dose=FIFTY_IMPACTS,
        source=MODERATE_IMPACTS,
        impact="moderate",
        intensity=Intensity.VIGOROUS,
        contraindications=MODERATE_IMPACT,
        alternatives=("small_hops",),
    ),
    Exercise(
        code="vertical_jumps",
        category=Category.IMPACT,
        name_en="Vertical jumps",
        name_zh="原地纵跳",
        instructions_en=steps(
            "Only if the physician allows high impact.",
            "Stand tall with your feet hip-width apart in a clear space.",
            "Bend your knees a little and jump straight up.",
            "Land softly on both feet with your knees bent, then stand tall again.",
        ),
        instructions_zh=steps(
            "须经医生允许进行高冲击运动方可练习。",
            "在空旷处站直，双脚与髋同宽。",
            "膝盖微屈，向上直跳。",
            "双脚轻柔落地，膝盖弯曲缓冲，再站直。",
        ),
        dose=UNSET,
        source=(
            "Strong, Steady and Straight: jumps as impact exercise [clinical-reference 4.2]; "
            "LIFTMOR: high-intensity impact, supervised [clinical-reference 4.4]; number of "
            f"jumps: {THERAPIST} for high impacts"
        ),
        impact="high",
        intensity=Intensity.VIGOROUS,
        high_intensity=True,
        contraindications=HIGH_IMPACT | HIGH_INTENSITY,
        regression="small_hops",
    ),
    Exercise(
        code="jumping_chin_up_drop_landing",
        category=Category.IMPACT,
        name_en="Jumping chin-up with drop landing (LIFTMOR, supervised)",
        name_zh="跳跃引体向上加落地缓冲（LIFTMOR，须监督）",
        instructions_en=steps(
            "Only in a supervised gym, after screening and the month of practice at lower loads.",
            "Stand under a bar set just above your reach; jump up, grab it and pull your chin "
            "above the bar.",
            "Hold briefly at the top, then let go and drop to the floor.",
            "Land on both feet with your knees bent to absorb the landing, then stand tall.",
        ),
        instructions_zh=steps(
            "仅限在有监督的健身房练习，须先通过筛查并以较轻负荷练习约一个月。",
            "站在比伸手高度略高的单杠下，起跳抓杠，把下巴拉过单杠。",
            "在顶部稍停，然后松手落下。",
            "双脚落地，屈膝缓冲，再站直。",
        ),
        dose=UNSET,
        source=f"{LIFTMOR}; the reference gives 5 x 5 for the lifts, not for this: {THERAPIST}",
        equipment=("pull_up_bar",),
        impact="high",
        intensity=Intensity.VIGOROUS,
        high_intensity=True,
        # hanging from an overhead bar loads the arms overhead
        contraindications=HIGH_IMPACT | HIGH_INTENSITY | {KYPHOSIS},
        alternatives=("vertical_jumps",),
    ),
)
