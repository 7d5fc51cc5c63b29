"""Gait and centre-of-gravity shifting: weight shifts at the counter, stepping in different
directions, step-ups, marching, walking with head turns, stepping over obstacles, and Otago's
walking plan (at least twice a week, about 30 minutes; clinical-reference 4.3).

Weight shifts keep the feet on the floor ("none"); stepping and walking are "low" impact (4.2).
"""

from osteorehab.plans.exercises import Category, Dose, Exercise
from osteorehab.plans.library._common import FALLS, GAIT, LOW_IMPACT, NONE, UNSET, steps

GAIT_EXERCISES = (
    Exercise(
        code="weight_shift_side_to_side",
        category=Category.GAIT,
        name_en="Side-to-side weight shift at the counter",
        name_zh="扶台左右移重心",
        instructions_en=steps(
            "Stand tall facing the counter, feet apart, both hands resting on it.",
            "Slowly shift your weight onto one foot, letting the other foot feel light.",
            "Shift back through the middle and onto the other foot.",
            "Keep your body upright: move from the ankles and hips, not by bending sideways.",
        ),
        instructions_zh=steps(
            "面向台面站直，双脚分开，双手轻扶台面。",
            "慢慢把重心移到一只脚上，另一只脚感觉变轻。",
            "经过中间，再把重心移到另一只脚上。",
            "身体保持直立，靠踝和髋移动，不要侧弯腰。",
        ),
        dose=UNSET,
        source=GAIT,
        equipment=("counter",),
        supported=True,
        contraindications=NONE,
        progression="weight_shift_forward_back",
    ),
    Exercise(
        code="weight_shift_forward_back",
        category=Category.GAIT,
        name_en="Forward and back weight shift at the counter",
        name_zh="扶台前后移重心",
        instructions_en=steps(
            "Stand tall side-on to the counter, one hand on it, one foot a small step in front "
            "of the other.",
            "Slowly move your weight onto the front foot, letting the back heel lift.",
            "Then rock back onto the back foot, letting the front toes lift.",
            "Keep your body upright, then change which foot is in front.",
        ),
        instructions_zh=steps(
            "侧身站在台面旁，一只手扶台，两脚前后相距一小步。",
            "慢慢把重心移到前脚，后脚跟自然抬起。",
            "再向后移到后脚，前脚尖自然抬起。",
            "身体保持直立，然后换另一只脚在前。",
        ),
        dose=UNSET,
        source=GAIT,
        equipment=("counter",),
        supported=True,
        contraindications=NONE,
        progression="stepping_in_all_directions",
        regression="weight_shift_side_to_side",
    ),
    Exercise(
        code="stepping_in_all_directions",
        category=Category.GAIT,
        name_en="Stepping in different directions at the counter",
        name_zh="扶台多方向迈步",
        instructions_en=steps(
            "Stand tall side-on to the counter, one hand on it.",
            "Step forward with the outer foot, then bring it back.",
            "Step out to the side and back, then step behind you and back.",
            "Move your weight fully onto the stepping foot each time; then change sides.",
        ),
        instructions_zh=steps(
            "侧身站在台面旁，一只手扶住台面。",
            "外侧的脚向前迈一步，再收回。",
            "再向侧面迈一步并收回，然后向后迈一步并收回。",
            "每一步都把重心完全移到迈出的脚上；然后换边。",
        ),
        dose=UNSET,
        source=GAIT,
        equipment=("counter",),
        impact="low",
        supported=True,
        contraindications=LOW_IMPACT,
        progression="obstacle_stepping",
        regression="weight_shift_forward_back",
    ),
    Exercise(
        code="obstacle_stepping",
        category=Category.GAIT,
        name_en="Stepping over small obstacles",
        name_zh="跨越小障碍物",
        instructions_en=steps(
            "Put a few soft, low objects, such as rolled-up towels, on the floor of a hallway.",
            "Start next to a wall or counter that you can touch if you need to.",
            "Walk along and step over each one, lifting your foot clearly.",
            "Look ahead to plan your steps rather than staring at your feet.",
        ),
        instructions_zh=steps(
            "在走廊地面上放几个柔软的低矮物品，例如卷起的毛巾。",
            "从靠近墙壁或台面的地方开始，需要时可以扶一下。",
            "边走边逐个跨过，脚要抬高。",
            "目光看向前方，提前规划步子，不要一直盯着脚。",
        ),
        dose=UNSET,
        source=GAIT,
        impact="low",
        contraindications=LOW_IMPACT | {FALLS},  # unsupported, dynamic
        regression="stepping_in_all_directions",
    ),
    Exercise(
        code="step_ups_supported",
        category=Category.GAIT,
        name_en="Step-ups, holding a rail or the counter",
        name_zh="扶扶手上下台阶",
        instructions_en=steps(
            "Stand facing a low step, with a rail or counter beside you to hold.",
            "Step up with one foot, bring the other foot up, and stand tall on the step.",
            "Step down with the first foot, then the other.",
            "Lead with the same foot for all the repetitions, then change.",
        ),
        instructions_zh=steps(
            "面对一级矮台阶站立，旁边有可扶的扶手或台面。",
            "一只脚踏上台阶，另一只脚跟上，在台阶上站直。",
            "先放下第一只脚，再放下另一只脚。",
            "同一只脚先上，做完规定次数后再换另一只脚。",
        ),
        dose=UNSET,
        source=GAIT,
        equipment=("step", "counter"),
        impact="low",
        supported=True,
        contraindications=LOW_IMPACT,
        alternatives=("stair_walking_handrail",),
    ),
    Exercise(
        code="marching_on_the_spot_supported",
        category=Category.GAIT,
        name_en="Marching on the spot at the counter",
        name_zh="扶台原地踏步",
        instructions_en=steps(
            "Stand tall facing the counter, both hands resting on it.",
            "Lift one knee up in front of you, then put the foot down.",
            "Lift the other knee, marching gently on the spot.",
            "Stand tall throughout; do not lean on the counter.",
        ),
        instructions_zh=steps(
            "面向台面站直，双手轻扶台面。",
            "抬起一侧膝盖，再把脚放下。",
            "换另一侧膝盖抬起，轻轻原地踏步。",
            "全程身体挺直，不要趴在台面上。",
        ),
        dose=UNSET,
        source=GAIT,
        equipment=("counter",),
        impact="low",
        supported=True,
        contraindications=LOW_IMPACT,
        alternatives=("seated_marching",),
    ),
    Exercise(
        code="walking_with_head_turns",
        category=Category.GAIT,
        name_en="Walking with head turns",
        name_zh="边走边转头",
        instructions_en=steps(
            "Walk at a comfortable pace along a hallway, close to a wall or counter.",
            "Every few steps, turn your head slowly to look to one side, then to the other.",
            "Keep walking in a straight line while you look.",
            "Stop and steady yourself if you feel dizzy.",
        ),
        instructions_zh=steps(
            "沿走廊以舒适的速度行走，靠近墙壁或台面。",
            "每走几步，慢慢转头看向一侧，再看向另一侧。",
            "转头时仍然沿直线行走。",
            "感到头晕时停下，扶稳后再继续。",
        ),
        dose=UNSET,
        source=GAIT,
        impact="low",
        contraindications=LOW_IMPACT | {FALLS},  # unsupported, dynamic
        alternatives=("walking_and_turning",),
    ),
    Exercise(
        code="otago_walking_plan",
        category=Category.GAIT,
        name_en="Walking plan",
        name_zh="步行计划",
        instructions_en=steps(
            "Walk at your usual pace, with your usual walking aid if you have one.",
            "Choose safe, even, well-lit paths, and wear supportive shoes.",
            "Build up gradually to the time your therapist sets.",
            "Slow down or rest if you are too out of breath to talk.",
        ),
        instructions_zh=steps(
            "按平常的速度行走；平时用助行器的，请照常使用。",
            "选择平坦、光线好的安全路线，穿合脚防滑的鞋。",
            "按治疗师设定的时间逐步延长步行时间。",
            "喘得说不出话时就放慢速度或休息。",
        ),
        dose=Dose(minutes=30),
        source=(
            "Otago Exercise Programme walking plan: walk at least 2x/week, about 30 min "
            "[clinical-reference 4.3]"
        ),
        equipment=("walking_aid",),
        impact="low",
        contraindications=LOW_IMPACT,
        alternatives=("brisk_walking",),
    ),
)
