"""Low-intensity aerobic exercise (clinical-reference 4.1, 4.5): bouts of at least 10 minutes
towards at least 30 minutes on at least 5 days a week (about 150 minutes a week, moderate), at
moderate intensity only after a vertebral fracture. Never instead of strength and balance (4.1).

The first safe one is prescribed: brisk walking, or stationary cycling where impact is not
allowed at all.
"""

from osteorehab.plans.exercises import Category, Exercise, Intensity
from osteorehab.plans.library._common import (
    AEROBIC,
    AEROBIC_BOUT,
    FALLS,
    LOW_IMPACT,
    NONE,
    steps,
)

AEROBIC_EXERCISES = (
    Exercise(
        code="brisk_walking",
        category=Category.AEROBIC,
        name_en="Brisk walking",
        name_zh="快走",
        instructions_en=steps(
            "Wear supportive shoes and walk on a safe, even path.",
            "Use your usual walking aid if you have one.",
            "Walk a little faster than usual, so that you breathe harder but can still talk.",
            "Stand tall and swing your arms.",
            "Slow down for a while before you stop.",
        ),
        instructions_zh=steps(
            "穿合脚的鞋，在平坦安全的路上行走。",
            "平时用助行器的，请照常使用。",
            "比平时走得快一些，呼吸加快但仍能说话。",
            "身体挺直，双臂自然摆动。",
            "停下之前先放慢速度走一会儿。",
        ),
        dose=AEROBIC_BOUT,
        source=AEROBIC,
        equipment=("walking_aid",),
        impact="low",
        intensity=Intensity.MODERATE,
        contraindications=LOW_IMPACT,
        alternatives=("stationary_cycling", "water_walking"),
    ),
    Exercise(
        code="stationary_cycling",
        category=Category.AEROBIC,
        name_en="Stationary cycling",
        name_zh="固定自行车",
        instructions_en=steps(
            "Get on and off holding the handlebars firmly.",
            "Set the seat so that your knee is still slightly bent at the bottom of each turn.",
            "Sit upright, holding the handlebars without hunching forward.",
            "Pedal at a steady pace that makes you breathe harder but still lets you talk.",
            "Pedal slowly for a while at the end to cool down.",
        ),
        instructions_zh=steps(
            "上下车时双手扶稳车把。",
            "调节座椅高度，踏板踩到最低时膝盖仍微屈。",
            "上身坐直，双手扶车把，不要弓背前趴。",
            "以稳定的节奏蹬车，呼吸加快但仍能说话。",
            "结束前放慢速度蹬一会儿，让身体缓和下来。",
        ),
        dose=AEROBIC_BOUT,
        source=AEROBIC,
        intensity=Intensity.MODERATE,
        contraindications=NONE,
        alternatives=("seated_marching", "brisk_walking"),
    ),
    Exercise(
        code="water_walking",
        category=Category.AEROBIC,
        name_en="Walking in water",
        name_zh="水中行走",
        instructions_en=steps(
            "Use the steps and handrail to get into and out of the pool.",
            "Walk in the shallow end, where the water comes up to your waist or chest.",
            "Walk forwards with long steps, swinging your arms through the water.",
            "Stand tall; hold the pool edge or rail if you feel unsteady.",
        ),
        instructions_zh=steps(
            "借助台阶和扶手出入泳池。",
            "在泳池浅水区行走，水深到腰部或胸部。",
            "大步向前走，双臂在水中摆动。",
            "身体挺直；站不稳时扶住池边或扶手。",
        ),
        dose=AEROBIC_BOUT,
        source=AEROBIC,
        impact="low",
        intensity=Intensity.MODERATE,
        contraindications=LOW_IMPACT,
        alternatives=("brisk_walking", "stationary_cycling"),
    ),
    Exercise(
        code="seated_marching",
        category=Category.AEROBIC,
        name_en="Seated marching",
        name_zh="坐姿踏步",
        instructions_en=steps(
            "Sit tall near the front of a sturdy chair, feet flat.",
            "Lift one knee, then the other, marching on the spot.",
            "Swing your arms in time with your legs.",
            "March faster to work harder, and slower to rest.",
        ),
        instructions_zh=steps(
            "坐在结实椅子的前半部，身体坐直，双脚平放。",
            "左右膝盖交替抬起，原地踏步。",
            "双臂配合双腿摆动。",
            "想加大强度就踏快些，想休息就放慢。",
        ),
        dose=AEROBIC_BOUT,
        source=AEROBIC,
        equipment=("chair",),
        intensity=Intensity.LIGHT,
        contraindications=NONE,
        alternatives=("stationary_cycling",),
    ),
    Exercise(
        code="dancing_to_music",
        category=Category.AEROBIC,
        name_en="Dancing to music",
        name_zh="随音乐跳舞",
        instructions_en=steps(
            "Choose music you enjoy with a steady beat, and clear a safe space near a counter or "
            "chair.",
            "Step side to side, and forwards and back, in time with the music.",
            "Add arm movements once you feel steady.",
            "Keep your back straight and avoid quick spins.",
        ),
        instructions_zh=steps(
            "选一首节奏平稳、自己喜欢的音乐，在台面或椅子旁留出安全的空间。",
            "随着音乐左右、前后踏步。",
            "站稳以后再加上手臂动作。",
            "背部挺直，避免快速旋转。",
        ),
        dose=AEROBIC_BOUT,
        source=(
            f"{AEROBIC}; Too Fit To Fracture lists dancing in the balance progression "
            "[clinical-reference 4.1]"
        ),
        impact="low",
        intensity=Intensity.MODERATE,
        contraindications=LOW_IMPACT | {FALLS},  # unsupported, dynamic
        alternatives=("seated_marching",),
    ),
)
