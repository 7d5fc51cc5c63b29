"""Simplified tai chi forms, described in our own words, as balance work: Too Fit To Fracture
lists Tai Chi in the balance progression from static to dynamic (clinical-reference 4.1). The
reference gives no dose per form, so the therapist sets it.

The forms move slowly, with the feet placed without a foot strike: impact "none", and no
spinal flexion (the turns come from the hips, not by twisting the back). Standing on one leg
without support carries the high-fall-risk contraindication; the chair-supported version does not.
"""

from osteorehab.plans.exercises import Category, Exercise
from osteorehab.plans.library._common import FALLS, NONE, TAI_CHI, UNSET, steps

TAI_CHI_FORMS = (
    Exercise(
        code="tai_chi_commencing_form",
        category=Category.TAI_CHI,
        name_en="Tai chi: commencing form",
        name_zh="太极：起势",
        instructions_en=steps(
            "Stand tall with your feet shoulder-width apart, knees soft, arms by your sides.",
            "Breathing in, float both arms slowly forwards and up to shoulder height, palms down.",
            "Breathing out, bend your knees slightly and press your hands gently down to hip "
            "height.",
            "Move slowly and smoothly, keeping your back straight.",
        ),
        instructions_zh=steps(
            "双脚与肩同宽站立，膝盖放松，双臂自然下垂。",
            "吸气，双臂缓缓向前平举至肩高，掌心向下。",
            "呼气，膝盖微屈，双手轻轻下按至髋部高度。",
            "动作缓慢连贯，背部挺直。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        contraindications=NONE,
        alternatives=("tai_chi_cloud_hands",),
    ),
    Exercise(
        code="tai_chi_cloud_hands",
        category=Category.TAI_CHI,
        name_en="Tai chi: cloud hands",
        name_zh="太极：云手",
        instructions_en=steps(
            "Stand tall with your feet apart and knees soft, near a counter or sturdy chair.",
            "Turn your hips and body together slowly to one side; one hand circles up in front "
            "of your face while the other circles down.",
            "Shift your weight to that side and bring the other foot in a small step towards it.",
            "Change hands and turn the other way; keep the movement slow and flowing.",
        ),
        instructions_zh=steps(
            "双脚分开站直，膝盖放松，靠近台面或结实的椅子。",
            "髋部带动身体慢慢转向一侧；一只手在面前向上画圈，另一只手向下画圈。",
            "重心移向这一侧，另一只脚向它收拢一小步。",
            "两手交换，转向另一侧；动作缓慢，连绵不断。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        contraindications=NONE,
        alternatives=("tai_chi_commencing_form",),
    ),
    Exercise(
        code="tai_chi_wild_horses_mane",
        category=Category.TAI_CHI,
        name_en="Tai chi: part the wild horse's mane",
        name_zh="太极：野马分鬃",
        instructions_en=steps(
            "Stand tall with your feet together, knees soft, hands in front of your body as if "
            "holding a ball.",
            "Step one foot forward and a little out to the side, heel first, then shift your "
            "weight onto it.",
            "As you shift, open your hands: the front hand rises to eye height, the back hand "
            "presses down beside the hip.",
            "Bring the back foot in, hold the ball again, and step with the other foot.",
        ),
        instructions_zh=steps(
            "并脚站直，膝盖放松，双手在身前做抱球状。",
            "一只脚向前略偏外迈出，脚跟先着地，再把重心移过去。",
            "重心前移的同时分开双手：前手升至眼高，后手下按于髋旁。",
            "收回后脚，再次抱球，换另一只脚迈步。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        contraindications=NONE,
        alternatives=("tai_chi_brush_knee_push",),
    ),
    Exercise(
        code="tai_chi_brush_knee_push",
        category=Category.TAI_CHI,
        name_en="Tai chi: brush knee and push",
        name_zh="太极：搂膝拗步",
        instructions_en=steps(
            "Stand tall, knees soft, one hand near your ear and the other in front of your chest.",
            "Step forward, heel first; as your weight moves forward, the lower hand sweeps past "
            "the front knee.",
            "At the same time push the upper hand gently forwards at chest height.",
            "Keep your back upright; bring the back foot in and repeat on the other side.",
        ),
        instructions_zh=steps(
            "站直，膝盖放松，一只手在耳旁，另一只手在胸前。",
            "向前迈步，脚跟先着地；重心前移时，下方的手从前膝上方搂过。",
            "同时，上方的手在胸前高度轻轻向前推出。",
            "上身保持正直；收回后脚，换另一侧重复。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        contraindications=NONE,
        alternatives=("tai_chi_wild_horses_mane",),
    ),
    Exercise(
        code="tai_chi_golden_rooster_supported",
        category=Category.TAI_CHI,
        name_en="Tai chi: golden rooster stands on one leg, holding a chair",
        name_zh="太极：扶椅金鸡独立",
        instructions_en=steps(
            "Stand tall beside the back of a sturdy chair, one hand resting on it.",
            "Shift your weight onto the leg next to the chair.",
            "Slowly raise the other knee in front of you, lifting the free hand to shoulder "
            "height.",
            "Hold, lower slowly, then turn around and change sides.",
        ),
        instructions_zh=steps(
            "站在结实椅子的椅背旁，一只手轻扶椅背。",
            "重心移到靠近椅子的那条腿上。",
            "慢慢抬起另一侧膝盖，空着的手抬到肩高。",
            "保持住，慢慢放下，再转身换另一侧。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        equipment=("chair",),
        supported=True,
        contraindications=NONE,
        progression="tai_chi_golden_rooster",
    ),
    Exercise(
        code="tai_chi_golden_rooster",
        category=Category.TAI_CHI,
        name_en="Tai chi: golden rooster stands on one leg",
        name_zh="太极：金鸡独立",
        instructions_en=steps(
            "Stand tall near a sturdy chair that you can grab if you need to.",
            "Shift your weight onto one leg.",
            "Slowly raise the other knee in front of you and lift the hand on the same side to "
            "shoulder height.",
            "Hold, lower slowly and change sides; put the foot down at once if you wobble.",
        ),
        instructions_zh=steps(
            "站在结实的椅子旁，需要时可以随时扶住。",
            "重心移到一条腿上。",
            "慢慢抬起另一侧膝盖，同侧的手抬到肩高。",
            "保持住，慢慢放下后换另一侧；一旦晃动立即放下脚。",
        ),
        dose=UNSET,
        source=TAI_CHI,
        equipment=("chair",),
        contraindications=frozenset({FALLS}),  # one leg, without support
        regression="tai_chi_golden_rooster_supported",
    ),
)
