"""Stretches that keep the back straight: calves, hamstrings (hinging at the hips), chest, hip
flexors and the front of the thigh. The reference gives no hold time or number of repetitions for
stretching, so the therapist sets the dose.

The standing toe touch is listed only so that the safety layer can refuse it: toe-touching is
the high spinal flexion that Strong, Steady and Straight advises against (clinical-reference 4.2).
"""

from osteorehab.plans.exercises import Category, Exercise
from osteorehab.plans.library._common import FLEXIBILITY, NONE, SPINAL_FLEXION, UNSET, steps

FLEXIBILITY_EXERCISES = (
    Exercise(
        code="calf_stretch_wall",
        category=Category.FLEXIBILITY,
        name_en="Calf stretch against a wall",
        name_zh="扶墙小腿拉伸",
        instructions_en=steps(
            "Stand facing a wall with both hands on it at shoulder height.",
            "Step one foot back, keeping that leg straight and its heel on the floor.",
            "Bend the front knee and lean your whole body towards the wall until you feel a "
            "stretch in the back calf.",
            "Keep your back straight; hold, then change legs.",
        ),
        instructions_zh=steps(
            "面对墙站立，双手与肩同高撑在墙上。",
            "一只脚向后退一步，这条腿伸直，脚跟踩实地面。",
            "前腿屈膝，整个身体向墙倾斜，直到后腿小腿有拉伸感。",
            "背部挺直；保持后换另一条腿。",
        ),
        dose=UNSET,
        source=FLEXIBILITY,
        equipment=("wall",),
        contraindications=NONE,
    ),
    Exercise(
        code="seated_hamstring_stretch",
        category=Category.FLEXIBILITY,
        name_en="Seated hamstring stretch with a straight back",
        name_zh="坐姿大腿后侧拉伸（背部挺直）",
        instructions_en=steps(
            "Sit tall near the front of a sturdy chair.",
            "Straighten one leg out in front, heel on the floor and toes pointing up.",
            "Keeping your back straight, lean forward from the hips until you feel a stretch "
            "behind the thigh.",
            "Do not round your back or reach for your toes; hold, then change legs.",
        ),
        instructions_zh=steps(
            "坐在结实椅子的前半部，身体坐直。",
            "一条腿向前伸直，脚跟着地，脚尖朝上。",
            "背部挺直，以髋部为轴向前倾，直到大腿后侧有拉伸感。",
            "不要弓背，也不要伸手去够脚尖；保持后换腿。",
        ),
        dose=UNSET,
        source=FLEXIBILITY,
        equipment=("chair",),
        contraindications=NONE,
    ),
    Exercise(
        code="doorway_chest_stretch",
        category=Category.FLEXIBILITY,
        name_en="Chest opener in a doorway",
        name_zh="门框扩胸拉伸",
        instructions_en=steps(
            "Stand in a doorway and put your forearms on the door frame, elbows at shoulder "
            "height.",
            "Step one foot forward slowly until you feel a stretch across the front of your chest.",
            "Stand tall and keep your chin level.",
            "Hold, then step back.",
        ),
        instructions_zh=steps(
            "站在门口，前臂贴在两侧门框上，手肘与肩同高。",
            "一只脚慢慢向前迈一步，直到胸前有拉伸感。",
            "身体挺直，下巴保持水平。",
            "保持后退回原位。",
        ),
        dose=UNSET,
        source=FLEXIBILITY,
        contraindications=NONE,
    ),
    Exercise(
        code="hip_flexor_stretch_counter",
        category=Category.FLEXIBILITY,
        name_en="Hip flexor stretch, holding the counter",
        name_zh="扶台髋前侧拉伸",
        instructions_en=steps(
            "Stand side-on to the counter, holding it with one hand.",
            "Step the outer foot back into a long stride, back heel lifted.",
            "Tuck your bottom under and move your hips forward until you feel a stretch at the "
            "front of the back hip.",
            "Keep your body upright; hold, then change sides.",
        ),
        instructions_zh=steps(
            "侧身站在台面旁，一只手扶住台面。",
            "外侧的脚向后退一大步，后脚跟抬起。",
            "收紧臀部，髋部向前推，直到后腿髋部前侧有拉伸感。",
            "身体保持直立；保持后换另一侧。",
        ),
        dose=UNSET,
        source=FLEXIBILITY,
        equipment=("counter",),
        supported=True,
        contraindications=NONE,
    ),
    Exercise(
        code="thigh_stretch_counter",
        category=Category.FLEXIBILITY,
        name_en="Front thigh stretch, holding the counter",
        name_zh="扶台大腿前侧拉伸",
        instructions_en=steps(
            "Stand tall side-on to the counter, holding it with one hand.",
            "Bend the outer knee and bring the heel towards your bottom.",
            "Hold the ankle with your free hand, or loop a towel around it.",
            "Keep your knees side by side and your body upright; hold, then change sides.",
        ),
        instructions_zh=steps(
            "侧身站直在台面旁，一只手扶住台面。",
            "弯曲外侧膝盖，把脚跟拉向臀部。",
            "另一只手握住脚踝，或用毛巾套住脚踝拉住。",
            "两膝并拢，身体直立；保持后换另一侧。",
        ),
        dose=UNSET,
        source=FLEXIBILITY,
        equipment=("counter",),
        supported=True,
        contraindications=NONE,
    ),
    Exercise(
        code="standing_toe_touch",
        category=Category.FLEXIBILITY,
        name_en="Standing toe touch",
        name_zh="站立弯腰摸脚尖",
        instructions_en=steps(
            "Only if your therapist has cleared it: this bends the spine forward to its end range.",
            "Stand with your feet together and your knees straight.",
            "Bend forward, rounding your back, and reach down towards your toes.",
            "Roll back up slowly.",
        ),
        instructions_zh=steps(
            "须经治疗师同意方可练习：此动作会使脊柱前屈到底。",
            "双脚并拢站立，膝盖伸直。",
            "弯腰向前，背部拱起，双手向下够脚尖。",
            "再慢慢卷起身体站直。",
        ),
        dose=UNSET,
        source=(
            "Listed so that the safety layer can refuse it: toe-touching is high spinal "
            f"flexion [clinical-reference 4.2]. {FLEXIBILITY}"
        ),
        spinal_flexion=True,
        contraindications=SPINAL_FLEXION,
        alternatives=("seated_hamstring_stretch",),
    ),
)
