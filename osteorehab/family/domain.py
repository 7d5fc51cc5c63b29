"""The caregiver guide: how a family member can help the person they support. Pure data, no
Django; written in our own words, in English and Simplified Chinese side by side (the guide is
read whole, in one language, so both texts are kept here rather than in the catalogue).

Sources, section by section:

- Supporting exercise: clinical-reference 4.1 (Too Fit To Fracture, HIGH: spine-sparing —
  modify rapid, repetitive, weighted, end-range flexion or twisting; avoid lifting from or
  lowering to the floor) and 4.2 (Royal Osteoporosis Society, Strong, Steady and Straight, HIGH:
  avoid postures of high spinal flexion in exercise and daily life, such as sit-ups and
  toe-touching, and use the hip hinge; impact no more than brisk walking after a vertebral or
  multiple fractures, hence "no jumping without asking"; benefits outweigh risks). Encouraging
  rather than pushing, and stopping for new pain or dizziness, repeat the program's own plan
  handout (osteorehab.plans.handout).
- The home-safety walk-through: the program's own checklist, `osteorehab.homesafety.domain`
  (LOCAL PROGRAM CHOICES for clinical review; clinical-reference 3.5 names home hazards only as
  something to assess), shown room by room by `walk_through`.
- After a fall: NEEDS CLINICAL REVIEW before release. The clinical reference has only the
  severity indicators after a fall (3.6, World Falls Guidelines 2022, LOW-MEDIUM: injury, two or
  more falls in 12 months, frailty, lying on the floor or unable to get up, loss of
  consciousness), which decide when not to lift the person and call for help, and why every
  fall is told to the team. The first-aid steps themselves (stay calm, check for injury, how to
  get up from the floor unaided, what to watch for in the following days) are general advice
  written for this program, not taken from a cited source.
- Looking after yourself as a carer: the program's own advice, no clinical source.
"""

from dataclasses import dataclass

from osteorehab.homesafety.domain import ROOMS


@dataclass(frozen=True)
class Words:
    en: str
    zh: str

    def of(self, language: str) -> str:
        """The text in the language (Chinese for any zh code, English otherwise)."""
        return self.zh if language.lower().startswith("zh") else self.en


@dataclass(frozen=True)
class Section:
    code: str
    title: Words
    intro: Words
    points: tuple[Words, ...]
    note: Words | None = None  # where the advice comes from, in the reader's words


EXERCISE = Section(
    "exercise",
    Words("Supporting exercise", "支持锻炼"),
    Words(
        "Exercise helps bones and balance, and doing it regularly matters more than doing it "
        "hard. The care team chose each exercise in the plan and how much of it. Your part is to "
        "encourage, not to push.",
        "锻炼对骨骼和平衡都有好处，坚持比用力更重要。计划里的每项运动和运动量都是照护团队专门"
        "安排的。您要做的是鼓励，而不是催促。",
    ),
    (
        Words(
            'Praise the effort, not the result: "You did your exercises today, well done." '
            "Never compare them with other people, or with how they used to be.",
            "称赞努力，而不是结果：“今天你把锻炼做完了，真棒！”不要拿他们和别人比，也不要和他们"
            "以前比。",
        ),
        Words(
            "Keep to the plan: the days, the exercises and the amounts on the page for this "
            "person. Do not add exercises, weights or jumping without asking the care team.",
            "按计划进行：照着此人页面上列出的日子、项目和运动量来做。未经照护团队同意，不要自行"
            "增加项目、负重或跳跃动作。",
        ),
        Words(
            'Bend at the hips and knees, not at the back (the "hip hinge"): keep the back '
            "straight, push the bottom back and bend the knees, as if sitting down onto a chair.",
            "弯身时用髋部和膝盖，而不是弯背（即“髋关节铰链”动作）：保持背部挺直，臀部向后推，"
            "同时屈膝，就像要坐到椅子上一样。",
        ),
        Words(
            "Avoid bending forward and twisting the back, above all when lifting or carrying; "
            "avoid sit-ups and touching the toes. Keep what is carried close to the body.",
            "避免向前弯腰和扭转背部，提东西、搬东西时尤其要注意；也不要做仰卧起坐或弯腰摸脚尖"
            "的动作。搬东西时让物品贴近身体。",
        ),
        Words(
            "Offer to pick things up from the floor and to lift heavy or low things, and keep "
            "everyday things between waist and shoulder height.",
            "主动帮他们从地上捡东西、搬重物或拿低处的东西；把常用的东西放在腰部到肩部之间的高度。",
        ),
        Words(
            "For balance exercises, stay close, with a sturdy support within reach (a kitchen "
            "counter or a heavy chair) and a clear floor.",
            "做平衡练习时，请守在旁边，让他们伸手就能扶到稳固的东西（比如厨房台面或沉重的椅子），"
            "地上不要有杂物。",
        ),
        Words(
            "Walk together: a walk at a comfortable pace is good exercise and good company.",
            "一起散步：以舒适的速度散步，既是很好的锻炼，也是很好的陪伴。",
        ),
        Words(
            "Stop at once if an exercise brings new or worse pain, dizziness or unusual "
            "breathlessness, and tell the care team. For chest pain that does not pass with "
            "rest, call the emergency number.",
            "如果锻炼时出现新的疼痛或疼痛加重、头晕或异常气短，请立即停下，并告诉照护团队。如果"
            "胸痛休息后仍不缓解，请拨打急救电话。",
        ),
        Words(
            "Moving is safer than not moving: exercise done the way the plan shows does more good "
            "than harm, even with fragile bones.",
            "活动比不活动更安全：按计划的方式锻炼，即使骨骼脆弱，也是利大于弊。",
        ),
        Words(
            "Send a few kind words from their page on this site: they appear on their home page.",
            "可以在本网站上此人的页面里给他们发几句鼓励的话，这些话会显示在他们的主页上。",
        ),
    ),
    Words(
        'Based on "Too Fit To Fracture" (Osteoporosis Canada) and "Strong, Steady and '
        'Straight" (Royal Osteoporosis Society).',
        "依据加拿大骨质疏松协会的《Too Fit To Fracture》建议和英国皇家骨质疏松协会的"
        "《Strong, Steady and Straight》专家共识。",
    ),
)

HOME = Section(
    "home",
    Words("The home-safety walk-through", "居家安全巡查"),
    Words(
        "Walk through the home together, room by room, and ask the questions below. They are "
        'the questions the care team asks in its home-safety check. Each "no" is something to '
        "put right.",
        "请和他们一起在家里逐个房间走一遍，问问下面这些问题。照护团队做居家安全检查时问的也是"
        "这些问题。每一个回答“否”的地方，都需要改进。",
    ),
    (
        Words(
            "Go at their pace, and decide together what to change: it is their home.",
            "按他们的节奏来，改什么要一起商量决定：毕竟这是他们的家。",
        ),
        Words(
            "Put the small things right at once: a loose rug, a trailing cable, a dark corner "
            "with a bulb gone.",
            "小问题马上解决：松动的地毯、拖在地上的电线、灯泡坏了的昏暗角落。",
        ),
        Words(
            "Tell the care team what you cannot put right, and anything new, such as a change in "
            "their walking or their eyesight.",
            "自己解决不了的问题，以及任何新情况（比如走路或视力有变化），请告诉照护团队。",
        ),
        Words(
            "The tasks the care team gave you after its home-safety check are on the page for "
            "this person; mark them done there.",
            "照护团队在居家安全检查后交给您的任务，列在此人的页面上，完成后请在那里标记。",
        ),
    ),
    Words(
        "The questions are the program's own home-safety checklist.",
        "这些问题来自本项目自己的居家安全检查清单。",
    ),
)

FALL = Section(
    "fall",
    Words("What to do after a fall", "跌倒后怎么办"),
    Words(
        "If they fall, how you help in the first minutes matters. Keep this page where you can "
        "find it.",
        "如果他们跌倒了，最初几分钟您怎么帮忙很重要。请把这一页放在随时找得到的地方。",
    ),
    (
        Words(
            "Stay calm, and help them stay calm. Do not hurry to get them up: let them lie still "
            "for a moment and catch their breath.",
            "保持冷静，也帮他们平静下来。不要急着把他们扶起来，先让他们静静躺一会儿，缓口气。",
        ),
        Words(
            "Check for injury: ask where it hurts, and look for pain in the hip, back, wrist or "
            "head, for bleeding, or for an arm or leg at an odd angle. Ask whether they hit their "
            "head or fainted.",
            "检查有没有受伤：问他们哪里疼，留意髋部、背部、手腕或头部是否疼痛，有没有出血，手臂"
            "或腿的姿势是否异常。问问他们有没有撞到头或晕倒过。",
        ),
        Words(
            "If they are hurt, cannot get up, hit their head, fainted, or have new severe pain in "
            "the back or hip: do not lift them. Call the emergency number, keep them warm with a "
            "blanket, and stay with them until help comes.",
            "如果他们受了伤、自己起不来、撞到了头、晕倒过，或者背部或髋部突然剧痛：不要把他们"
            "抬起来。请拨打急救电话，给他们盖上毯子保暖，一直陪着他们等救援到来。",
        ),
        Words(
            "If they are not hurt and feel ready, let them get up by themselves, slowly, while "
            "you steady a sturdy chair and talk them through it: roll onto the side, come up onto "
            "hands and knees, move to the chair, put one foot flat on the floor and push up, then "
            "turn and sit. Do not take their weight yourself.",
            "如果他们没有受伤，也觉得可以起来，请让他们自己慢慢起身，您在旁边扶稳一把结实的椅子，"
            "一步步提醒他们：先翻身侧躺，再用双手和双膝撑起，挪到椅子旁，一只脚平踩地面，撑着"
            "站起来，然后转身坐下。不要自己去承担他们的体重。",
        ),
        Words(
            "Tell the care team about every fall the same day, even without injury: when and "
            "where it happened, and what they were doing. Each fall helps the team judge the risk "
            "of the next one.",
            "每次跌倒都请在当天告诉照护团队，即使没有受伤也要说，包括跌倒的时间、地点和当时在做"
            "什么。每一次跌倒都能帮助团队判断再次跌倒的风险。",
        ),
        Words(
            "In the following days, watch for new pain in the back or hip, a change in their "
            "walking, drowsiness or confusion. If you see any, contact the care team or a doctor.",
            "在接下来的几天里，留意是否出现新的背痛或髋部疼痛、走路方式改变、嗜睡或意识混乱。"
            "一旦出现，请联系照护团队或医生。",
        ),
        Words(
            "Fear of falling again is common after a fall. Be patient, and help them back to "
            "their usual activities and exercises step by step.",
            "跌倒后害怕再次跌倒是很常见的。请耐心一些，帮助他们一步一步恢复日常活动和锻炼。",
        ),
    ),
    Words(
        "This is general advice. Ask the care team what applies to the person you support.",
        "以上是一般性建议。请向照护团队了解哪些适用于您照顾的人。",
    ),
)

YOURSELF = Section(
    "yourself",
    Words("Looking after yourself", "照顾好自己"),
    Words(
        "Caring for someone is work, and you matter too. You help them best when you are well.",
        "照顾一个人很辛苦，您自己也同样重要。您自己身心健康，才能更好地帮助他们。",
    ),
    (
        Words(
            "You do not have to do everything. Share the tasks with others in the family or with "
            "friends.",
            "您不必事事都自己扛，可以和其他家人或朋友分担。",
        ),
        Words(
            "Keep your own routines: meals, sleep, time outdoors and your own doctor's "
            "appointments.",
            "保持自己的生活规律：按时吃饭、睡觉，常到户外走走，也别耽误自己看病。",
        ),
        Words(
            "Protect your own back: do not lift them from the floor, and lift heavy things with "
            "the hip hinge too.",
            "保护好自己的腰背：不要把他们从地上抬起来；搬重物时，您自己也要用“髋关节铰链”的方式。",
        ),
        Words(
            "Feeling tired, worried or low at times is common. Talk to someone you trust; if it "
            "goes on for weeks, talk to your own doctor.",
            "有时感到疲惫、担心或情绪低落是很常见的。找信任的人聊一聊；如果持续几周都这样，请去"
            "看看自己的医生。",
        ),
        Words(
            "Ask the care team when you are unsure. Questions are welcome.",
            "拿不准的时候，就问照护团队。欢迎您随时提问。",
        ),
        Words(
            "Notice progress together, however small: a longer walk, a steadier step, a good day.",
            "一起留意每一点进步，哪怕很小：多走了一段路，步子更稳了，或者只是过了愉快的一天。",
        ),
    ),
)

GUIDE = (EXERCISE, HOME, FALL, YOURSELF)
SECTIONS_BY_CODE = {section.code: section for section in GUIDE}


def walk_through(language: str) -> list[tuple[str, list[str]]]:
    """The home-safety checklist as questions to ask on a walk through the home, room by room,
    in the language ("yes" is safe, as on the checklist)."""
    chinese = language.lower().startswith("zh")
    return [
        (
            room.name_zh if chinese else room.name,
            [item.question_zh if chinese else item.question for item in room.items],
        )
        for room in ROOMS
    ]
