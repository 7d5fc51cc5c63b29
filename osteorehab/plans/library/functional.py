"""Everyday movements, done the spine-sparing way (clinical-reference 4.1, 4.2): standing up from
a chair (Too Fit To Fracture strength for the legs; Otago's sit to stand, 4.3), hinging at the
hips to pick things up and lift, carrying, reaching, stepping into the bath or shower, and getting
up from the floor, taught with a chair first, from kneeling.

Picking something up from the floor is listed so that the safety layer can refuse it where
lifting from the floor is excluded (4.1). Sit to stand comes first: it is the everyday movement
the prescription adds to the strength work.
"""

from osteorehab.plans.exercises import Category, Exercise, Intensity
from osteorehab.plans.library._common import (
    BODY_WEIGHT,
    FALLS,
    LOW_IMPACT,
    NONE,
    SPINAL_FLEXION,
    SPINE_SPARING,
    THERAPIST,
    UNSET,
    steps,
)

_SIT_TO_STAND = (
    "Too Fit To Fracture: strength 8-12 reps, 1-3 sets, starting lower [clinical-reference 4.1]; "
    "Otago Exercise Programme: sit to stand, from using the hands to no hands "
    "[clinical-reference 4.3]"
)
_SKILL = f"{SPINE_SPARING}; {THERAPIST}"
_FLOOR = (
    "Getting up from the floor, taught with support first, from kneeling; Strong, Steady and "
    "Straight: 'Steady', exercise according to ability with emphasis on falls "
    f"[clinical-reference 4.2]; {THERAPIST}"
)

FUNCTIONAL = (
    Exercise(
        code="sit_to_stand_hands",
        category=Category.FUNCTIONAL,
        name_en="Sit to stand, using your hands",
        name_zh="借手支撑从椅子上站起",
        instructions_en=steps(
            "Sit near the front of a sturdy chair with armrests, feet flat and slightly behind "
            "your knees.",
            "Put your hands on the armrests and lean forward from the hips with a straight back.",
            "Push with your legs and hands to stand up tall.",
            "Reach back for the armrests and sit down slowly, bending at the hips and knees.",
        ),
        instructions_zh=steps(
            "坐在带扶手的结实椅子前半部，双脚平放，略在膝盖后方。",
            "双手放在扶手上，背部挺直，以髋部为轴身体前倾。",
            "双腿和双手一起用力，站直。",
            "向后扶住扶手，屈髋屈膝，慢慢坐下。",
        ),
        dose=BODY_WEIGHT,
        source=_SIT_TO_STAND,
        equipment=("chair",),
        muscle_groups=("legs",),
        intensity=Intensity.MODERATE,
        supported=True,
        contraindications=NONE,
        progression="sit_to_stand",
    ),
    Exercise(
        code="sit_to_stand",
        category=Category.FUNCTIONAL,
        name_en="Sit to stand without using your hands",
        name_zh="不用手从椅子上站起",
        instructions_en=steps(
            "Sit near the front of a sturdy chair, feet flat and slightly behind your knees, arms "
            "crossed on your chest.",
            "Lean forward from the hips, keeping your back straight.",
            "Push through your heels to stand up tall.",
            "Sit down slowly and with control, bending at the hips and knees.",
        ),
        instructions_zh=steps(
            "坐在结实椅子的前半部，双脚平放，略在膝盖后方，双臂交叉于胸前。",
            "背部挺直，以髋部为轴身体前倾。",
            "脚跟用力蹬地，站直。",
            "屈髋屈膝，有控制地慢慢坐下。",
        ),
        dose=BODY_WEIGHT,
        source=_SIT_TO_STAND,
        equipment=("chair",),
        muscle_groups=("legs",),
        intensity=Intensity.MODERATE,
        contraindications=NONE,
        regression="sit_to_stand_hands",
    ),
    Exercise(
        code="hip_hinge_table_pickup",
        category=Category.FUNCTIONAL,
        name_en="Hip hinge to pick something up from a table",
        name_zh="屈髋从桌上拿取物品",
        instructions_en=steps(
            "Stand close to a table with a light object, such as a cup, on it.",
            "Soften your knees and push your hips back, keeping your back straight, to lean "
            "towards the table.",
            "Pick up the object, hold it close, and push your hips forward to stand tall.",
            "Put it back the same way: hinge at the hips and never round your back.",
        ),
        instructions_zh=steps(
            "靠近桌子站立，桌上放一件轻的物品，比如杯子。",
            "膝盖微屈，臀部向后推，背部挺直，身体向桌子倾斜。",
            "拿起物品贴近身体，髋部向前推，站直。",
            "用同样的方法放回去：以髋部为轴，绝不弓背。",
        ),
        dose=UNSET,
        source=_SKILL,
        equipment=("counter",),
        muscle_groups=("legs", "back"),
        contraindications=NONE,
        progression="lifting_box_hip_hinge",
        alternatives=("golfers_lift_chair_seat",),
    ),
    Exercise(
        code="lifting_box_hip_hinge",
        category=Category.FUNCTIONAL,
        name_en="Lifting a light box from a table with a hip hinge",
        name_zh="屈髋从桌上搬起轻箱子",
        instructions_en=steps(
            "Stand close to the table with your feet apart and the box right in front of you.",
            "Hinge at the hips and bend your knees a little, keeping your back straight.",
            "Hold the box in both hands close to your body and stand up by pushing your hips "
            "forward.",
            "To turn, move your feet, not your back; put the box down the same way.",
        ),
        instructions_zh=steps(
            "靠近桌子站立，双脚分开，箱子就在正前方。",
            "以髋部为轴前倾，膝盖稍弯，背部挺直。",
            "双手抱住箱子贴近身体，髋部向前推，站直。",
            "转身时移动双脚，不要扭腰；放下时方法相同。",
        ),
        dose=UNSET,
        source=_SKILL,
        equipment=("counter",),
        muscle_groups=("legs", "back", "arms"),
        contraindications=NONE,
        regression="hip_hinge_table_pickup",
    ),
    Exercise(
        code="golfers_lift_chair_seat",
        category=Category.FUNCTIONAL,
        name_en="Golfer's lift from a chair seat, holding the counter",
        name_zh="扶台单腿后抬取物（从椅面）",
        instructions_en=steps(
            "Stand next to the counter, holding it with one hand; put a light object on a chair "
            "seat in front of you.",
            "Keeping your back straight, hinge forward at the hips and let one leg lift straight "
            "out behind you as a counterweight.",
            "Reach down with your free hand, pick up the object and come back up to stand tall.",
            "Move slowly and keep holding the counter throughout.",
        ),
        instructions_zh=steps(
            "站在台面旁，一只手扶住台面；在面前的椅面上放一件轻物品。",
            "背部挺直，以髋部为轴向前俯身，同时一条腿向后伸直抬起，保持平衡。",
            "用空着的手拿起物品，再慢慢站直。",
            "动作放慢，全程扶住台面。",
        ),
        dose=UNSET,
        source=_SKILL,
        equipment=("counter", "chair"),
        supported=True,
        contraindications=NONE,
        progression="golfers_lift_floor",
        alternatives=("hip_hinge_table_pickup",),
    ),
    Exercise(
        code="golfers_lift_floor",
        category=Category.FUNCTIONAL,
        name_en="Golfer's lift from the floor, holding the counter",
        name_zh="扶台单腿后抬取物（从地面）",
        instructions_en=steps(
            "Only if your therapist has cleared picking things up from the floor.",
            "Stand next to the counter, holding it with one hand; a light object is on the "
            "floor near your foot.",
            "Hinge forward at the hips with a straight back, letting one leg lift behind you, "
            "and pick the object up.",
            "Come back up slowly to stand tall, still holding the counter.",
        ),
        instructions_zh=steps(
            "须经治疗师同意可以从地面取物，方可练习。",
            "站在台面旁，一只手扶住台面；一件轻物品放在脚边地面上。",
            "背部挺直，以髋部为轴向前俯身，一条腿向后抬起，拿起物品。",
            "继续扶住台面，慢慢站直。",
        ),
        dose=UNSET,
        source=(
            "Listed so that the safety layer can refuse it where lifting from the floor is "
            f"excluded. {_SKILL}"
        ),
        equipment=("counter",),
        supported=True,
        floor_lift=True,
        contraindications=SPINAL_FLEXION,  # vertebral fracture, for the floor lift
        regression="golfers_lift_chair_seat",
    ),
    Exercise(
        code="carrying_shopping_bags",
        category=Category.FUNCTIONAL,
        name_en="Carrying shopping bags close to the body",
        name_zh="贴身提购物袋",
        instructions_en=steps(
            "Split the shopping into two bags of similar weight, one for each hand.",
            "Pick the bags up from a table or chair, not from the floor, with a hip hinge.",
            "Walk tall with the bags close to your sides and your shoulders back.",
            "Make more trips rather than carrying a heavy load.",
        ),
        instructions_zh=steps(
            "把东西分装在两个重量相近的袋子里，两手各提一个。",
            "从桌上或椅子上提起袋子，不要从地上提；用屈髋的方法。",
            "身体挺直行走，袋子贴近身体两侧，肩膀向后。",
            "宁可多走几趟，也不要一次提太重。",
        ),
        dose=UNSET,
        source=_SKILL,
        muscle_groups=("arms",),
        impact="low",
        contraindications=LOW_IMPACT,
    ),
    Exercise(
        code="reaching_to_shelf",
        category=Category.FUNCTIONAL,
        name_en="Reaching to a shelf safely",
        name_zh="安全地够取架子上的物品",
        instructions_en=steps(
            "Keep the things you use often between waist and shoulder height.",
            "Stand close to the shelf, facing it, with your feet apart; hold the counter or shelf "
            "edge with one hand.",
            "Reach up with the other hand without arching your back or rising onto your toes.",
            "Never stand on a chair; ask for help with high shelves.",
        ),
        instructions_zh=steps(
            "常用的东西放在腰部到肩膀之间的高度。",
            "面对架子靠近站立，双脚分开，一只手扶住台面或架子边缘。",
            "用另一只手向上够取，不要后仰，也不要踮脚。",
            "绝不要站在椅子上；高处的东西请别人帮忙拿。",
        ),
        dose=UNSET,
        source=_SKILL,
        equipment=("counter",),
        supported=True,
        contraindications=NONE,
    ),
    Exercise(
        code="stepping_into_bath_or_shower",
        category=Category.FUNCTIONAL,
        name_en="Stepping into a bath or shower safely",
        name_zh="安全地跨入浴缸或淋浴间",
        instructions_en=steps(
            "Hold a fixed grab rail, not a towel rail or the shower door.",
            "Step in sideways, one foot at a time, lifting each foot clearly over the edge.",
            "Use a non-slip mat inside, and sit on a bath seat if you have one.",
            "Step out the same way, holding the rail until both feet are on a dry floor.",
        ),
        instructions_zh=steps(
            "扶住固定的扶手，不要扶毛巾架或淋浴门。",
            "侧身跨入，一次一只脚，每只脚都要抬高跨过边缘。",
            "里面铺防滑垫；有洗澡椅的话坐着洗。",
            "用同样的方法出来，扶着扶手，直到双脚都踩在干地面上。",
        ),
        dose=UNSET,
        source=_SKILL,
        impact="low",
        supported=True,  # the grab rail
        contraindications=LOW_IMPACT,
    ),
    Exercise(
        code="kneel_to_stand_with_chair",
        category=Category.FUNCTIONAL,
        name_en="From kneeling to standing, holding a chair",
        name_zh="扶椅从跪姿站起",
        instructions_en=steps(
            "With your therapist's help, kneel on a folded towel or pillow in front of a sturdy "
            "chair, hands on the seat.",
            "Bring your stronger leg forward and put that foot flat on the floor.",
            "Lean on the chair with both hands and push up through the front leg to stand.",
            "Turn and sit down on the chair to rest.",
        ),
        instructions_zh=steps(
            "在治疗师协助下，跪在叠好的毛巾或枕头上，面前放结实的椅子，双手扶椅面。",
            "把力气较大的那条腿向前迈出，脚平放在地上。",
            "双手撑住椅子，前腿用力，站起来。",
            "转身坐到椅子上休息。",
        ),
        dose=UNSET,
        source=_FLOOR,
        equipment=("chair", "pillow"),
        supported=True,
        contraindications=NONE,
        progression="floor_to_stand_with_chair",
    ),
    Exercise(
        code="floor_to_stand_with_chair",
        category=Category.FUNCTIONAL,
        name_en="Getting up from the floor using a chair",
        name_zh="借助椅子从地上起身",
        instructions_en=steps(
            "Start sitting on a mat with a sturdy chair close by; have your therapist with you "
            "the first times.",
            "Roll onto your side, then push up onto your hands and knees.",
            "Crawl to the chair and put your hands on the seat.",
            "Bring one foot forward, push up through that leg and the chair to stand, then sit "
            "on the chair.",
        ),
        instructions_zh=steps(
            "先坐在垫子上，旁边放一把结实的椅子；前几次请治疗师在旁陪同。",
            "侧身翻转，再撑起成双手双膝着地的姿势。",
            "爬到椅子前，双手扶住椅面。",
            "一只脚向前踩地，借助这条腿和椅子用力站起，然后坐到椅子上。",
        ),
        dose=UNSET,
        source=_FLOOR,
        equipment=("mat", "chair"),
        supported=True,
        contraindications=NONE,
        progression="floor_to_stand",
        regression="kneel_to_stand_with_chair",
    ),
    Exercise(
        code="floor_to_stand",
        category=Category.FUNCTIONAL,
        name_en="Getting up from the floor without support",
        name_zh="不借助支撑从地上起身",
        instructions_en=steps(
            "Start sitting on a mat in a clear space, with a chair nearby in case you need it.",
            "Roll onto your side, then up onto your hands and knees.",
            "Bring one foot forward so that you are half-kneeling, hands on your front thigh.",
            "Push up through the front leg to stand, keeping your back straight.",
        ),
        instructions_zh=steps(
            "先坐在空旷处的垫子上，旁边放一把椅子以备需要。",
            "侧身翻转，再撑起成双手双膝着地的姿势。",
            "一只脚向前踩地成单膝跪姿，双手放在前腿大腿上。",
            "前腿用力站起，背部保持挺直。",
        ),
        dose=UNSET,
        source=_FLOOR,
        equipment=("mat",),
        contraindications=frozenset({FALLS}),  # without support
        regression="floor_to_stand_with_chair",
    ),
)
