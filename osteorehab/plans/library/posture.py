"""Posture and spinal extension ("Straight", clinical-reference 4.2): daily spinal extensor work,
5-10 minutes with endurance holds of 3-5 seconds (Too Fit To Fracture, 4.1). None of them needs
lying face down; the one done lying on the back uses a pillow under the head.

The hold starts at the lower end of 3-5 seconds; the reference gives no number of repetitions.
"""

from osteorehab.plans.exercises import Category, Exercise
from osteorehab.plans.library._common import HOLD, NONE, SPINAL_EXTENSION, steps

POSTURE = (
    Exercise(
        code="seated_back_extension",
        category=Category.POSTURE,
        name_en="Seated back extension",
        name_zh="坐姿伸背",
        instructions_en=steps(
            "Sit tall near the front of a sturdy chair, feet flat, hands resting on your thighs.",
            "Lift your chest and lengthen your spine, as if a string pulls the top of your head "
            "up.",
            "Draw your shoulders gently back and down, and hold.",
            "Relax without slumping, then repeat.",
        ),
        instructions_zh=steps(
            "坐在结实椅子的前半部，双脚平放，双手放在大腿上。",
            "挺起胸口，脊柱向上延伸，好像头顶被一根线向上提。",
            "肩膀轻轻向后、向下收，保持住。",
            "放松但不要塌腰驼背，然后重复。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("chair",),
        contraindications=NONE,
        progression="standing_back_extension_wall",
        alternatives=("seated_band_back_extension",),
    ),
    Exercise(
        code="standing_back_extension_wall",
        category=Category.POSTURE,
        name_en="Standing back extension against a wall",
        name_zh="靠墙站姿伸背",
        instructions_en=steps(
            "Stand with your back to a wall, heels a small step away from it.",
            "Press the backs of your shoulders, and if you can the back of your head, gently "
            "towards the wall.",
            "Keep your chin level and tucked in; do not tip your head back.",
            "Hold, then relax. Never force your head to reach the wall.",
        ),
        instructions_zh=steps(
            "背对墙站立，脚跟离墙一小步。",
            "把肩部后侧（能做到的话连同后脑勺）轻轻向墙面靠。",
            "下巴保持水平并微收，不要仰头。",
            "保持后放松。不要勉强让头碰到墙。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("wall",),
        contraindications=NONE,
        regression="seated_back_extension",
    ),
    Exercise(
        code="wall_posture_check",
        category=Category.POSTURE,
        name_en="Wall posture check",
        name_zh="靠墙姿势检查",
        instructions_en=steps(
            "Stand with your heels, bottom and shoulder blades against a wall.",
            "Tuck your chin in gently and let the back of your head move towards the wall, "
            "without tipping your head back.",
            "Notice how standing tall feels, and hold.",
            "Step away from the wall keeping that posture; check it like this during the day.",
        ),
        instructions_zh=steps(
            "脚跟、臀部和肩胛骨贴墙站立。",
            "轻轻收下巴，让后脑勺向墙面靠近，但不要仰头。",
            "感受挺直站立的感觉，保持住。",
            "保持这个姿势离开墙面；白天常用这个方法检查姿势。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("wall",),
        contraindications=NONE,
        alternatives=("standing_back_extension_wall",),
    ),
    Exercise(
        code="chin_tucks",
        category=Category.POSTURE,
        name_en="Chin tucks",
        name_zh="收下巴",
        instructions_en=steps(
            "Sit tall on a chair, looking straight ahead.",
            "Gently glide your chin straight back, making a double chin; do not nod down.",
            "Hold, then relax.",
            "Keep your shoulders relaxed throughout.",
        ),
        instructions_zh=steps(
            "坐直在椅子上，眼睛平视前方。",
            "下巴轻轻向后平移，做出双下巴，不要低头。",
            "保持后放松。",
            "全程肩膀放松。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("chair",),
        contraindications=NONE,
    ),
    Exercise(
        code="shoulder_blade_squeeze",
        category=Category.POSTURE,
        name_en="Shoulder blade squeeze",
        name_zh="夹肩胛骨",
        instructions_en=steps(
            "Sit or stand tall with your arms by your sides.",
            "Squeeze your shoulder blades back and down, as if tucking them into your back "
            "pockets.",
            "Hold, keeping your chin level.",
            "Relax, then repeat.",
        ),
        instructions_zh=steps(
            "坐直或站直，双臂自然下垂。",
            "把肩胛骨向后、向下夹紧，好像要把它们放进裤子后口袋。",
            "保持住，下巴保持水平。",
            "放松后重复。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        contraindications=NONE,
        alternatives=("band_pull_apart",),
    ),
    Exercise(
        code="wall_arm_slides",
        category=Category.POSTURE,
        name_en="Arm slides up the wall",
        name_zh="靠墙滑臂",
        instructions_en=steps(
            "Stand close to a wall, facing it, with your forearms and hands on the wall at "
            "shoulder height.",
            "Slide your arms up the wall as high as is comfortable, letting your chest lift.",
            "Keep your lower back still; do not arch it.",
            "Hold, then slide your arms back down.",
        ),
        instructions_zh=steps(
            "面对墙近距离站立，前臂和手掌贴墙，与肩同高。",
            "双臂沿墙向上滑到舒适的高度，胸口随之挺起。",
            "腰部保持不动，不要过度后仰。",
            "保持后再把双臂滑下来。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("wall",),
        contraindications=NONE,
    ),
    Exercise(
        code="lying_shoulder_press_back",
        category=Category.POSTURE,
        name_en="Shoulder press-back lying on your back, with a pillow",
        name_zh="垫枕仰卧压肩",
        instructions_en=steps(
            "Lie on your back on a bed or mat with a pillow under your head and your knees bent.",
            "Gently press the backs of your shoulders down into the bed, letting your chest lift "
            "a little.",
            "Keep your chin tucked in and your head on the pillow.",
            "Hold, then relax.",
        ),
        instructions_zh=steps(
            "仰卧在床上或垫子上，头下垫枕头，屈膝。",
            "把肩部后侧轻轻向下压向床面，胸口稍稍挺起。",
            "下巴微收，头始终枕在枕头上。",
            "保持后放松。",
        ),
        dose=HOLD,
        source=SPINAL_EXTENSION,
        equipment=("mat", "pillow"),
        contraindications=NONE,  # the pillow: not lying flat
        alternatives=("seated_back_extension",),
    ),
)
