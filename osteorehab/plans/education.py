"""The education modules: short lessons in plain words for older adults, in English and
Simplified Chinese, each with a short multiple-choice quiz. Pure Python, no Django.

The text is our own wording (no guideline or manual is copied, clinical-reference 8). Every
clinical fact in it (an amount, a dose, a cut-off) comes from the clinical reference; the
section is cited in a comment next to the section that uses it, and in the module's `sources`.
The amounts in the nutrition module are the ones `nutrition.py` computes with (checked by
tests/test_education.py).

Advice that the reference does not cover (how to get up from the floor, keeping warm while
waiting for help, when not to try to get up) is general first-aid guidance, marked in the
module's sources as needing the clinical team's review.

`grade` marks a quiz. The passing mark is a LOCAL PROGRAM SETTING, not from the reference
(which says nothing about education quizzes): every question answered correctly, unless the
program passes another `pass_mark`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from osteorehab.assessments.instruments.base import InputError

__all__ = [
    "MODULES",
    "MODULES_BY_CODE",
    "PASSING_RULE",
    "Module",
    "Option",
    "Question",
    "QuestionResult",
    "QuizResult",
    "Section",
    "grade",
    "module",
]


@dataclass(frozen=True)
class Section:
    heading_en: str
    heading_zh: str
    text_en: str  # paragraphs separated by a blank line; list lines start with "- "
    text_zh: str


@dataclass(frozen=True)
class Option:
    code: str
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class Question:
    code: str
    text_en: str
    text_zh: str
    options: tuple[Option, ...]
    answer: str  # the code of the correct option
    explanation_en: str
    explanation_zh: str

    def __post_init__(self) -> None:
        codes = [option.code for option in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.code}: option codes repeat: {codes}")
        if self.answer not in codes:
            raise ValueError(f"question {self.code}: answer {self.answer!r} is not an option")


@dataclass(frozen=True)
class Module:
    code: str
    title_en: str
    title_zh: str
    summary_en: str
    summary_zh: str
    sections: tuple[Section, ...]
    quiz: tuple[Question, ...]
    sources: tuple[str, ...]  # where each clinical fact comes from

    def __post_init__(self) -> None:
        codes = [question.code for question in self.quiz]
        if len(set(codes)) != len(codes):
            raise ValueError(f"module {self.code}: question codes repeat: {codes}")

    def question(self, code: str) -> Question:
        for question in self.quiz:
            if question.code == code:
                return question
        raise KeyError(code)


def _options(*texts: tuple[str, str]) -> tuple[Option, ...]:
    """Options coded a, b, c, … in the order given."""
    return tuple(Option(chr(ord("a") + i), en, zh) for i, (en, zh) in enumerate(texts))


# Sources, as the modules list them.
WHO_1994 = "clinical-reference 3.1: WHO densitometric classification (WHO 1994, TRS 843)"
T_SCORE = "clinical-reference 3.2: T-score against the young-adult reference"
TFTF = "clinical-reference 4.1: Too Fit To Fracture (Giangregorio et al. 2014, 2015)"
SSS = "clinical-reference 4.2: Royal Osteoporosis Society, Strong, Steady and Straight (2019)"
OTAGO = "clinical-reference 4.3: Otago Exercise Programme (Campbell & Robertson)"
STEADI = "clinical-reference 3.5: CDC STEADI (public domain); assessment list MEDIUM confidence"
WFG = (
    "clinical-reference 3.6: World Falls Guidelines 2022 (Montero-Odasso et al.), severity "
    "indicators (LOW-MEDIUM confidence); NICE NG249 (2025)"
)
IOM = "clinical-reference 4.6: IOM 2011 RDAs and tolerable upper intake (Ross et al. 2011)"
ESPEN = "clinical-reference 4.6: ESPEN 2014 protein (Deutz et al. 2014)"
IOF = "clinical-reference 4.6: IOF calcium calculator approach (weekly food frequency)"
PDC = "clinical-reference 5: Proportion of Days Covered (Pharmacy Quality Alliance)"
FIRST_AID = (
    "General first-aid guidance (getting up from the floor, keeping warm, when not to get up): "
    "not in the clinical reference; to be reviewed by the clinical team"
)


OSTEOPOROSIS_BASICS = Module(
    code="osteoporosis_basics",
    title_en="Osteoporosis: the basics",
    title_zh="认识骨质疏松",
    summary_en=(
        "What osteoporosis is, how it is measured, and why it can be improved and managed by you."
    ),
    summary_zh="什么是骨质疏松，怎样检查，以及为什么它可以改善、可以自我管理。",
    sections=(
        # fragility fracture: clinical-reference 3.1; low-trauma fractures: 4.2
        Section(
            heading_en="What is osteoporosis?",
            heading_zh="什么是骨质疏松？",
            text_en=(
                "Osteoporosis means that the bones have become thinner and weaker than they "
                "should be.\n\n"
                "Weak bones break more easily, sometimes after only a small bump or a fall from "
                "standing. A bone broken in this way is called a fragility fracture."
            ),
            text_zh=(
                "骨质疏松是指骨头变得比正常情况更薄、更脆弱。\n\n"
                "脆弱的骨头更容易折断，有时只是轻轻碰了一下，或者站着时摔了一跤，就会骨折。"
                "这样发生的骨折叫做“脆性骨折”。"
            ),
        ),
        # T-score and the WHO classes, exact boundaries: clinical-reference 3.1, 3.2
        Section(
            heading_en="How is it measured?",
            heading_zh="怎样检查？",
            text_en=(
                "A bone density scan (called DXA) shows how dense your bones are. The result is "
                "a T-score: it compares your bones with those of healthy young adults.\n\n"
                "- A T-score of -1.0 or higher is normal.\n"
                "- Lower than -1.0 but higher than -2.5 is called low bone mass.\n"
                "- A T-score of -2.5 or lower means osteoporosis.\n\n"
                "These groups are used for women after menopause and for men aged 50 and over."
            ),
            text_zh=(
                "骨密度检查（DXA，双能X线骨密度测定）可以看出骨头的密度。结果用“T值”表示，"
                "就是把您的骨头和健康年轻成年人的骨头相比。\n\n"
                "- T值在 -1.0 及以上：正常。\n"
                "- T值低于 -1.0、但高于 -2.5：低骨量。\n"
                "- T值在 -2.5 及以下：骨质疏松。\n\n"
                "这种分类用于绝经后的女性和50岁及以上的男性。"
            ),
        ),
        # what helps: exercise 4.1, nutrition 4.6, medicine 5
        Section(
            heading_en="It can be improved, and you can manage it",
            heading_zh="骨质疏松可以改善，您也可以自我管理",
            text_en=(
                "Osteoporosis is not something you simply have to accept. The disease can be "
                "improved and self-regulated: what you do every day makes a difference.\n\n"
                "Three things work together: regular exercise for strength and balance; enough "
                "calcium, vitamin D and protein in your food; and taking the bone medicine your "
                "doctor prescribes. This program helps you with all three."
            ),
            text_zh=(
                "骨质疏松并不是只能默默接受的事。这种病是可以改善、可以自我调节的，"
                "您每天做的事情都会带来变化。\n\n"
                "三件事相互配合：坚持做增强力量和平衡的运动；饮食中有足够的钙、维生素D和蛋白质；"
                "按医生的处方用药。本项目会在这三方面帮助您。"
            ),
        ),
        # resistance + balance, not aerobic alone; physiotherapist after vertebral fracture:
        # clinical-reference 4.1; benefits outweigh risks: 4.2
        Section(
            heading_en="Exercise is safe and helps",
            heading_zh="运动是安全的，也是有益的",
            text_en=(
                "Experts recommend strength exercises and balance exercises for people with "
                "osteoporosis, not walking alone. The benefits of exercise are greater than the "
                "risks.\n\n"
                "If you have had a broken bone in your spine, a physiotherapist should help you "
                "choose your exercises first. Your care team adapts the program to you."
            ),
            text_zh=(
                "专家建议骨质疏松患者做力量练习和平衡练习，而不只是散步。运动的好处大于风险。\n\n"
                "如果您曾经有过脊椎骨折，请先让康复治疗师帮您挑选合适的运动。"
                "您的康复团队会根据您的情况调整方案。"
            ),
        ),
    ),
    quiz=(
        # clinical-reference 3.1: exactly -2.5 is osteoporosis
        Question(
            code="basics_t_score",
            text_en="A bone density scan gives a T-score of -2.5. What does this mean?",
            text_zh="骨密度检查的T值是 -2.5，这说明什么？",
            options=_options(
                ("Normal bones", "骨头正常"),
                ("Low bone mass", "低骨量"),
                ("Osteoporosis", "骨质疏松"),
            ),
            answer="c",
            explanation_en=(
                "A T-score of -2.5 or lower means osteoporosis. Exactly -2.5 already counts."
            ),
            explanation_zh="T值在 -2.5 及以下就是骨质疏松，正好等于 -2.5 也算。",
        ),
        Question(
            code="basics_improve",
            text_en="Can osteoporosis be improved?",
            text_zh="骨质疏松能改善吗？",
            options=_options(
                ("No, nothing can be done", "不能，什么办法也没有"),
                (
                    "Yes: exercise, food and medicine all help",
                    "能：运动、饮食和药物都有帮助",
                ),
                ("Only by resting as much as possible", "只能尽量多休息"),
            ),
            answer="b",
            explanation_en=(
                "The disease can be improved and self-regulated. Exercise, calcium, vitamin D "
                "and protein, and the medicine your doctor prescribes work together."
            ),
            explanation_zh="这种病可以改善、可以自我调节。运动、钙、维生素D、蛋白质和医生开的药物相互配合。",
        ),
        # clinical-reference 4.1
        Question(
            code="basics_exercise",
            text_en="Which exercise is recommended for people with osteoporosis?",
            text_zh="骨质疏松患者适合做哪种运动？",
            options=_options(
                ("Walking only", "只散步"),
                ("Strength and balance exercises", "力量练习和平衡练习"),
                ("No exercise at all", "完全不运动"),
            ),
            answer="b",
            explanation_en=(
                "Experts recommend strength and balance exercises, not walking alone. Walking "
                "is good too, but it is not enough on its own."
            ),
            explanation_zh="专家建议做力量练习和平衡练习，而不只是散步。散步也有好处，但单靠散步不够。",
        ),
    ),
    sources=(WHO_1994, T_SCORE, TFTF, SSS, IOM, PDC),
)


FALL_PREVENTION = Module(
    code="fall_prevention",
    title_en="Preventing falls",
    title_zh="预防跌倒",
    summary_en="Why falls matter, the signs that make a fall more likely, and what helps.",
    summary_zh="为什么要重视跌倒，哪些情况更容易跌倒，以及怎样预防。",
    sections=(
        # the three key questions, any "yes" = at risk: clinical-reference 3.5
        Section(
            heading_en="Why falls matter",
            heading_zh="为什么要重视跌倒",
            text_en=(
                "When bones are weak, a fall can break a bone. Preventing falls is an important "
                "part of protecting your bones.\n\n"
                "Ask yourself three questions: Have I fallen in the past year? Do I feel "
                "unsteady when I stand or walk? Do I worry about falling?\n\n"
                "If the answer to any of them is yes, tell your care team. They will check your "
                "risk of falling more closely."
            ),
            text_zh=(
                "骨头脆弱时，摔一跤就可能骨折。预防跌倒是保护骨头的重要一环。\n\n"
                "问问自己三个问题：过去一年里我摔倒过吗？我站着或走路时觉得不稳吗？"
                "我担心自己会摔倒吗？\n\n"
                "只要有一个回答是“是”，就请告诉您的康复团队，他们会进一步评估您的跌倒风险。"
            ),
        ),
        # Stay Independent checklist items; assessment list (MEDIUM): clinical-reference 3.5
        Section(
            heading_en="Signs that make a fall more likely",
            heading_zh="哪些情况更容易跌倒",
            text_en=(
                "The fall checklist used by clinics asks about signs like these:\n\n"
                "- you use, or were told to use, a walking stick or walker\n"
                "- you hold on to furniture when walking at home\n"
                "- you push with your hands to stand up from a chair\n"
                "- you have trouble stepping up onto a curb\n"
                "- you often have to rush to the toilet\n"
                "- you have lost some feeling in your feet\n"
                "- a medicine makes you light-headed or more tired than usual\n"
                "- you take medicine to help you sleep or for your mood\n"
                "- you often feel sad or low\n\n"
                "Your care team may also check your medicines, your blood pressure when you "
                "stand up, your eyesight, your feet and shoes, your vitamin D and hazards in "
                "your home."
            ),
            text_zh=(
                "医院常用的跌倒风险自查表会问到下面这些情况：\n\n"
                "- 您在用（或医生建议您用）拐杖或助行器\n"
                "- 在家走路时要扶着家具\n"
                "- 从椅子上站起来时要用手撑\n"
                "- 迈上马路台阶有困难\n"
                "- 经常要急着赶去厕所\n"
                "- 脚上的感觉变迟钝了\n"
                "- 有的药让您头晕或比平时更疲倦\n"
                "- 在吃帮助睡眠或调节情绪的药\n"
                "- 经常感到难过或情绪低落\n\n"
                "康复团队还可能检查您的用药、站起来时的血压、视力、双脚和鞋子、维生素D水平，"
                "以及家里有没有容易绊倒的地方。"
            ),
        ),
        # balance daily 15-20 min, strength >= 2 days/week, tai chi, dancing: 4.1;
        # Otago about 35 % fewer falls, most in >= 80 y and prior fallers: 4.3
        Section(
            heading_en="Exercise that prevents falls",
            heading_zh="能预防跌倒的运动",
            text_en=(
                "Strength and balance exercise helps prevent falls. In a well-known home "
                "program (the Otago program), leg-strength and balance exercises cut falls by "
                "about 35%. People over 80 and people who had fallen before gained the most.\n\n"
                "Aim for balance exercises every day, for about 15 to 20 minutes, and strength "
                "exercises on at least 2 days a week. Tai Chi and dancing also train balance. "
                "Your program shows you which exercises to do."
            ),
            text_zh=(
                "力量和平衡练习可以帮助预防跌倒。在一个有名的居家锻炼项目（Otago项目）中，"
                "腿部力量和平衡练习让跌倒减少了约35%，80岁以上的人和以前摔倒过的人受益最大。\n\n"
                "建议每天做平衡练习，每次约15到20分钟；每周至少2天做力量练习。"
                "太极拳和跳舞也能锻炼平衡。您的方案会告诉您具体做哪些练习。"
            ),
        ),
        # what to raise with the care team: clinical-reference 3.5 (assessment list, MEDIUM)
        Section(
            heading_en="What you can do",
            heading_zh="您可以做什么",
            text_en=(
                "- Do your balance and strength exercises.\n"
                "- Tell your care team about any fall, and if you feel unsteady.\n"
                "- Ask your doctor or pharmacist to look at any medicine that makes you "
                "light-headed or sleepy.\n"
                "- Tell the team about problems with your eyesight or your feet, and about "
                "anything at home you could trip over, so they can help."
            ),
            text_zh=(
                "- 坚持做平衡和力量练习。\n"
                "- 摔倒过或觉得站不稳时，告诉康复团队。\n"
                "- 如果有药让您头晕或犯困，请医生或药师帮您看看。\n"
                "- 视力或双脚有问题、家里有容易绊倒的东西，都告诉团队，他们会帮助您。"
            ),
        ),
    ),
    quiz=(
        # clinical-reference 3.5
        Question(
            code="falls_three_questions",
            text_en="Which of these is one of the three questions about falls?",
            text_zh="下面哪一个是关于跌倒的三个问题之一？",
            options=_options(
                ("Have I fallen in the past year?", "过去一年里我摔倒过吗？"),
                ("Do I drink tea every day?", "我每天喝茶吗？"),
                ("Do I live in a flat?", "我住在楼房里吗？"),
            ),
            answer="a",
            explanation_en=(
                "The three questions are: Have I fallen in the past year? Do I feel unsteady "
                "when standing or walking? Do I worry about falling?"
            ),
            explanation_zh="三个问题是：过去一年里我摔倒过吗？站着或走路时觉得不稳吗？担心自己会摔倒吗？",
        ),
        # clinical-reference 3.5: any "yes" = screened at risk
        Question(
            code="falls_any_yes",
            text_en="You answer yes to one of the three questions. What should you do?",
            text_zh="三个问题中有一个您回答了“是”，应该怎么做？",
            options=_options(
                ("Nothing: one yes does not matter", "不用管，一个“是”没关系"),
                (
                    "Tell your care team, so they can check your risk of falling",
                    "告诉康复团队，让他们评估您的跌倒风险",
                ),
                ("Stop going out of the house", "从此不再出门"),
            ),
            answer="b",
            explanation_en="Any yes means a closer check of your fall risk is worthwhile.",
            explanation_zh="只要有一个“是”，就值得进一步评估跌倒风险。",
        ),
        # clinical-reference 4.1: balance daily
        Question(
            code="falls_balance_often",
            text_en="How often should you do balance exercises?",
            text_zh="平衡练习应该多久做一次？",
            options=_options(
                ("Every day", "每天"),
                ("Once a month", "每月一次"),
                ("Only after a fall", "只在摔倒以后"),
            ),
            answer="a",
            explanation_en="Balance exercises are best done every day, for about 15 to 20 minutes.",
            explanation_zh="平衡练习最好每天做，每次约15到20分钟。",
        ),
    ),
    sources=(STEADI, TFTF, OTAGO),
)


SAFE_MOVEMENT = Module(
    code="safe_movement",
    title_en="Moving safely: protect your back",
    title_zh="安全活动，保护脊柱",
    summary_en="How to bend, lift and turn in a way that protects the bones of your spine.",
    summary_zh="怎样弯腰、拿东西和转身，才能保护脊椎骨。",
    sections=(
        # avoid high or loaded spinal flexion, and twisting: clinical-reference 4.1, 4.2
        Section(
            heading_en="Why the way you bend matters",
            heading_zh="为什么弯腰的方式很重要",
            text_en=(
                "With osteoporosis, the bones of the spine need protecting. Rounding your back "
                "to bend forward a long way, above all while lifting or holding something, and "
                "twisting your back put extra strain on them.\n\n"
                "You do not need to stop moving. You only need to move in a way that is kind to "
                "your spine."
            ),
            text_zh=(
                "得了骨质疏松，脊椎骨需要特别保护。弓着背大幅度向前弯腰（尤其是同时提着或"
                "拿着东西时）以及扭转腰背，都会给脊椎骨增加压力。\n\n"
                "您不需要因此不敢活动，只要换一种保护脊柱的方式活动就好。"
            ),
        ),
        # hip hinge: clinical-reference 4.2
        Section(
            heading_en="The hip hinge",
            heading_zh="屈髋动作（“髋铰链”）",
            text_en=(
                "The hip hinge is the safe way to lean forward. Keep your back long and "
                "straight, and bend at the hips, as if you were closing a door behind you with "
                "your bottom. Let your knees bend a little too.\n\n"
                "Practise with a sturdy chair or a kitchen counter in front of you to hold on "
                "to. Use the hip hinge whenever you lean forward: at the washbasin, at a "
                "cupboard, or when you sit down."
            ),
            text_zh=(
                "屈髋是向前倾身的安全方法：保持背部挺直、拉长，从髋部向前屈，"
                "就像用臀部把身后的门关上一样，膝盖也稍微弯一点。\n\n"
                "练习时，面前放一把结实的椅子或扶着厨房台面。凡是要向前倾身的时候都用这个动作，"
                "比如在洗手池前、从柜子里拿东西、坐下的时候。"
            ),
        ),
        # no sit-ups or toe-touching, no loaded flexion: 4.2; modify rapid, repetitive,
        # weighted, end-range flexion or twisting; no lifting from or lowering to the floor: 4.1
        Section(
            heading_en="Movements to avoid",
            heading_zh="要避免的动作",
            text_en=(
                "- Avoid sit-ups and touching your toes.\n"
                "- Avoid bending forward a long way with a rounded back, especially while "
                "holding something.\n"
                "- Do not twist your back while lifting or carrying. Turn your whole body by "
                "moving your feet instead.\n"
                "- Avoid lifting things from the floor or putting them down on the floor. Keep "
                "things you use often between waist and chest height.\n"
                "- Avoid quick, repeated bending or twisting of the back."
            ),
            text_zh=(
                "- 不做仰卧起坐，不做弯腰摸脚尖的动作。\n"
                "- 不要弓着背大幅度向前弯腰，拿着东西时更要注意。\n"
                "- 提东西或搬东西时不要扭腰，要挪动双脚，让整个身体一起转过去。\n"
                "- 尽量不从地上搬起东西，也不把东西放到地上。常用的东西放在腰到胸口的高度。\n"
                "- 避免快速、反复地弯腰或扭腰。"
            ),
        ),
        # back-extensor training daily 5-10 min, holds 3-5 s: 4.1; posture ("Straight"): 4.2;
        # after vertebral or multiple low-trauma fractures, impact up to brisk walking: 4.2
        Section(
            heading_en="Standing tall",
            heading_zh="挺直身体",
            text_en=(
                "Exercises for the muscles along your back help you stand straighter. Do them "
                "every day for 5 to 10 minutes, holding each position for 3 to 5 seconds. Your "
                "program includes them.\n\n"
                "If you have had a broken bone in your spine, or several bones broken after "
                "small falls or bumps, keep any jumping or jarring to no more than brisk "
                "walking, and ask your physiotherapist before you start a new exercise."
            ),
            text_zh=(
                "锻炼背部肌肉的练习可以帮您站得更直。每天做5到10分钟，每个姿势保持3到5秒。"
                "您的方案里已经包括这些练习。\n\n"
                "如果您有过脊椎骨折，或者因为轻微摔倒、碰撞而多次骨折，运动时的冲击不要超过快走，"
                "开始新的练习之前请先问康复治疗师。"
            ),
        ),
    ),
    quiz=(
        # clinical-reference 4.2: hip hinge
        Question(
            code="movement_lean_forward",
            text_en="What is the safest way to lean forward, for example at the washbasin?",
            text_zh="向前倾身（比如在洗手池前）最安全的方法是什么？",
            options=_options(
                ("Round your back and bend down", "弓着背弯下腰"),
                (
                    "Keep your back straight and bend at the hips",
                    "保持背部挺直，从髋部向前屈",
                ),
                ("Twist to one side as you bend", "一边弯腰一边扭向一侧"),
            ),
            answer="b",
            explanation_en=(
                "The hip hinge keeps your back straight and protects the bones of your spine."
            ),
            explanation_zh="屈髋动作能让背部保持挺直，保护脊椎骨。",
        ),
        # clinical-reference 4.2
        Question(
            code="movement_avoid",
            text_en="Which of these should you avoid?",
            text_zh="下面哪一项应该避免？",
            options=_options(
                ("Sit-ups and touching your toes", "仰卧起坐和弯腰摸脚尖"),
                ("Standing tall", "挺直身体站立"),
                ("Turning by moving your feet", "挪动双脚来转身"),
            ),
            answer="a",
            explanation_en="Sit-ups and toe-touching bend the spine a long way forward.",
            explanation_zh="仰卧起坐和摸脚尖会让脊柱大幅度向前弯曲。",
        ),
        # clinical-reference 4.1: twisting
        Question(
            code="movement_turning",
            text_en="You need to put a bag on a table behind you. How should you turn?",
            text_zh="您要把一个包放到身后的桌子上，应该怎样转身？",
            options=_options(
                ("Twist at the waist while holding the bag", "拿着包扭腰转过去"),
                ("Step round with your feet so your whole body turns", "挪动双脚，整个身体一起转"),
                ("Lean back and reach behind you", "身体后仰，伸手往后够"),
            ),
            answer="b",
            explanation_en=(
                "Moving your feet turns your whole body, so your back does not twist while it "
                "carries a load."
            ),
            explanation_zh="挪动双脚让整个身体一起转，腰背在拿着东西时就不会扭转。",
        ),
        # clinical-reference 4.2: after vertebral fracture, impact up to brisk walking
        Question(
            code="movement_after_spine_fracture",
            text_en=("After a broken bone in the spine, how much jumping or jarring is suitable?"),
            text_zh="有过脊椎骨折以后，多大的冲击是合适的？",
            options=_options(
                ("No more than brisk walking", "不超过快走"),
                ("Jumping and hopping every day", "每天跳跃、单脚跳"),
                ("Running", "跑步"),
            ),
            answer="a",
            explanation_en=(
                "After a broken bone in the spine, keep impact to no more than brisk walking."
            ),
            explanation_zh="有过脊椎骨折以后，运动时的冲击不要超过快走。",
        ),
    ),
    sources=(TFTF, SSS),
)


NUTRITION = Module(
    code="nutrition",
    title_en="Food for strong bones: calcium, vitamin D and protein",
    title_zh="强健骨骼的饮食：钙、维生素D和蛋白质",
    summary_en="How much calcium, vitamin D and protein you need each day, and how to check.",
    summary_zh="每天需要多少钙、维生素D和蛋白质，以及怎样了解自己吃够了没有。",
    sections=(
        # IOM 2011 calcium RDAs: clinical-reference 4.6 (the same table as nutrition.RDA_TABLE)
        Section(
            heading_en="Calcium",
            heading_zh="钙",
            text_en=(
                "Calcium is one of the main building materials of bone. The recommended amount "
                "each day is:\n\n"
                "- adults aged 19 to 50: 1000 mg\n"
                "- men aged 51 to 70: 1000 mg\n"
                "- women aged 51 to 70: 1200 mg\n"
                "- everyone over 70: 1200 mg\n\n"
                "Dairy foods such as milk and yogurt, and other calcium-rich foods, are good "
                "sources."
            ),
            text_zh=(
                "钙是构成骨骼的主要材料之一。每天建议的摄入量是：\n\n"
                "- 19到50岁的成年人：1000毫克\n"
                "- 51到70岁的男性：1000毫克\n"
                "- 51到70岁的女性：1200毫克\n"
                "- 70岁以上的所有人：1200毫克\n\n"
                "牛奶、酸奶等奶制品以及其他富含钙的食物都是钙的好来源。"
            ),
        ),
        # IOM 2011 vitamin D RDAs, tolerable upper intake 4000 IU/d (verified), serum 25(OH)D
        # target >= 50 nmol/L (20 ng/mL): clinical-reference 4.6
        Section(
            heading_en="Vitamin D",
            heading_zh="维生素D",
            text_en=(
                "Vitamin D helps your body use calcium. The recommended amount is 600 IU a day "
                "up to age 70, and 800 IU a day over 70.\n\n"
                "Your doctor may check your vitamin D with a blood test. The aim is a level of "
                "at least 50 nmol/L (20 ng/mL). Do not take more than 4000 IU a day unless your "
                "doctor tells you to. Ask your care team whether you need a supplement."
            ),
            text_zh=(
                "维生素D帮助身体利用钙。建议的摄入量是：70岁及以下每天600国际单位（IU），"
                "70岁以上每天800国际单位。\n\n"
                "医生可能会抽血查维生素D水平，目标是至少50 nmol/L（20 ng/mL）。"
                "除非医生要求，每天不要超过4000国际单位。需不需要补充剂，请问您的康复团队。"
            ),
        ),
        # ESPEN 2014 protein: healthy older adults at least 1.0-1.2 g/kg/day; acute or chronic
        # illness 1.2-1.5 g/kg/day: clinical-reference 4.6 (the 60 kg example is 60 x 1.0-1.2)
        Section(
            heading_en="Protein",
            heading_zh="蛋白质",
            text_en=(
                "Protein keeps your muscles strong, and strong muscles help you stay steady on "
                "your feet.\n\n"
                "Healthy older adults need at least 1.0 to 1.2 g of protein a day for each "
                "kilogram of body weight. For someone who weighs 60 kg, that is about 60 to "
                "72 g a day.\n\n"
                "During an illness, or with a long-term illness, the need is "
                "higher: 1.2 to 1.5 g for each kilogram. Ask your care team which amount is "
                "right for you."
            ),
            text_zh=(
                "蛋白质让肌肉保持有力，有力的肌肉帮助您站得稳、走得稳。\n\n"
                "健康的老年人每天每公斤体重至少需要1.0到1.2克蛋白质。"
                "比如体重60公斤的人，每天大约需要60到72克。\n\n"
                "生病期间或者患有慢性病时需要得更多："
                "每公斤体重1.2到1.5克。具体多少适合您，请问您的康复团队。"
            ),
        ),
        # IOF weekly food-frequency approach: clinical-reference 4.6
        Section(
            heading_en="How the program helps",
            heading_zh="本项目怎样帮助您",
            text_en=(
                "The program asks how many servings of calcium-rich foods you eat in a usual "
                "week. From this it works out about how much calcium you get each day, and "
                "compares it with the amount recommended for your age.\n\n"
                "Your care team works out your own targets from your age, sex and weight. "
                "Small changes, such as one more serving of a calcium-rich food, add up."
            ),
            text_zh=(
                "项目会问您平常一周吃几份富含钙的食物，据此算出您每天大约摄入多少钙，"
                "再和您这个年龄的建议量作比较。\n\n"
                "康复团队会根据您的年龄、性别和体重，为您定出个人目标。"
                "小小的改变，比如多吃一份富含钙的食物，积少成多。"
            ),
        ),
    ),
    quiz=(
        # clinical-reference 4.6: women 51-70 y, 1200 mg
        Question(
            code="nutrition_calcium_woman_60",
            text_en="How much calcium is recommended each day for a woman aged 60?",
            text_zh="60岁的女性每天建议摄入多少钙？",
            options=_options(
                ("600 mg", "600毫克"),
                ("1000 mg", "1000毫克"),
                ("1200 mg", "1200毫克"),
            ),
            answer="c",
            explanation_en="Women aged 51 to 70 need 1200 mg of calcium a day.",
            explanation_zh="51到70岁的女性每天需要1200毫克钙。",
        ),
        # clinical-reference 4.6: > 70 y, 800 IU; 4000 IU is the upper intake
        Question(
            code="nutrition_vitamin_d_75",
            text_en="How much vitamin D is recommended each day for someone aged 75?",
            text_zh="75岁的人每天建议摄入多少维生素D？",
            options=_options(
                ("600 IU", "600国际单位"),
                ("800 IU", "800国际单位"),
                ("4000 IU", "4000国际单位"),
            ),
            answer="b",
            explanation_en=(
                "Over 70, the recommended amount is 800 IU a day. 4000 IU is the most to take "
                "without a doctor's advice, not a target."
            ),
            explanation_zh="70岁以上每天建议800国际单位。4000国际单位是没有医生指导时的上限，不是目标。",
        ),
        # clinical-reference 4.6: ESPEN 1.0-1.2 g/kg/day x 70 kg = 70-84 g
        Question(
            code="nutrition_protein_70kg",
            text_en=(
                "A healthy older adult weighs 70 kg. About how much protein do they need each "
                "day, at least?"
            ),
            text_zh="一位健康的老年人体重70公斤，每天至少大约需要多少蛋白质？",
            options=_options(
                ("About 35 g", "约35克"),
                ("About 70 to 84 g", "约70到84克"),
                ("About 210 g", "约210克"),
            ),
            answer="b",
            explanation_en="At least 1.0 to 1.2 g for each kilogram: 70 to 84 g for 70 kg.",
            explanation_zh="每公斤体重至少1.0到1.2克：70公斤就是70到84克。",
        ),
        # clinical-reference 4.6: IOF approach
        Question(
            code="nutrition_calcium_estimate",
            text_en="How does the program estimate the calcium you get from food?",
            text_zh="项目怎样估算您从食物中获得的钙？",
            options=_options(
                (
                    "From the servings of calcium-rich foods you eat in a usual week",
                    "根据您平常一周吃几份富含钙的食物",
                ),
                ("From your weight", "根据您的体重"),
                ("From your height", "根据您的身高"),
            ),
            answer="a",
            explanation_en=(
                "It adds up the calcium in a usual week's servings and divides by 7 to give a "
                "daily amount."
            ),
            explanation_zh="把平常一周各份食物里的钙加起来，再除以7，就是每天的量。",
        ),
    ),
    sources=(IOM, ESPEN, IOF),
)


MEDICATION = Module(
    code="medication",
    title_en="Taking your bone medicine",
    title_zh="坚持用好抗骨质疏松药",
    summary_en="Why taking your medicine regularly matters, and how to keep on track.",
    summary_zh="为什么要按时用药，以及怎样坚持下去。",
    sections=(
        Section(
            heading_en="Why it matters",
            heading_zh="为什么按时用药很重要",
            text_en=(
                "Your doctor prescribed a medicine to protect your bones. It can only help if "
                "you take it as prescribed, for as long as prescribed.\n\n"
                "It is easy to forget a dose, especially of a medicine that is not taken every "
                "day. This module gives you some help."
            ),
            text_zh=(
                "医生给您开药是为了保护骨骼。只有按医嘱用药、用够疗程，药物才能发挥作用。\n\n"
                "漏服一次很容易发生，尤其是不需要每天用的药。这一课会教您一些好办法。"
            ),
        ),
        # PDC >= 0.80 = adherent, 79 % is not: clinical-reference 5
        Section(
            heading_en="How the care team looks at it",
            heading_zh="康复团队怎样了解您的用药情况",
            text_en=(
                "The care team counts the days on which you had your medicine, out of all the "
                "days in a period. This is called the proportion of days covered. Covering at "
                "least 80 out of every 100 days (80%) counts as taking the medicine regularly; "
                "79% does not.\n\n"
                "This is not a test. It helps the team see when you might need support."
            ),
            text_zh=(
                "康复团队会统计一段时间里您手上有药可用的天数占总天数的比例，"
                "这叫“用药覆盖天数比例”。每100天中至少有80天有药（80%）算是规律用药，"
                "79%就不算。\n\n"
                "这不是考试，而是帮助团队及时发现您什么时候需要帮助。"
            ),
        ),
        # long-interval medicines and their covered days 7, 30, 182, 365: clinical-reference 5
        Section(
            heading_en="Medicines taken once a week, month, half-year or year",
            heading_zh="每周、每月、每半年或每年用一次的药",
            text_en=(
                "Some bone medicines are not taken every day. One dose covers a set number of "
                "days:\n\n"
                "- once a week (some bisphosphonates): 7 days\n"
                "- once a month (some bisphosphonates): 30 days\n"
                "- an injection every 6 months (denosumab): 182 days\n"
                "- a drip once a year (zoledronate): 365 days\n\n"
                "Because one dose covers so many days, missing or delaying one leaves many days "
                "without medicine. Write the date of your next dose on a calendar, and let the "
                "care team remind you."
            ),
            text_zh=(
                "有些抗骨质疏松药不是每天用，用一次可以管一段固定的天数：\n\n"
                "- 每周一次（部分双膦酸盐类药物）：7天\n"
                "- 每月一次（部分双膦酸盐类药物）：30天\n"
                "- 每6个月打一针（地舒单抗）：182天\n"
                "- 每年输液一次（唑来膦酸）：365天\n\n"
                "因为一次用药要管很多天，漏用或推迟一次，就会有很多天没有药物保护。"
                "请把下次用药的日期写在日历上，也可以让康复团队提醒您。"
            ),
        ),
        Section(
            heading_en="Tips, and what to do if you have worries",
            heading_zh="小窍门，以及有顾虑时怎么办",
            text_en=(
                "- Follow the instructions from your doctor or pharmacist on how to take your "
                "medicine.\n"
                "- Link it to something you do anyway, such as breakfast.\n"
                "- Use a pill box, a calendar or a reminder on your phone.\n"
                "- If you have side effects or worries, tell your care team before you stop. "
                "Do not stop on your own."
            ),
            text_zh=(
                "- 按医生或药师交代的方法用药。\n"
                "- 把用药和每天固定要做的事连在一起，比如吃早饭。\n"
                "- 用药盒、日历或手机提醒。\n"
                "- 如果出现不良反应或有顾虑，停药前先告诉康复团队，不要自己停药。"
            ),
        ),
    ),
    quiz=(
        Question(
            code="medication_why",
            text_en="Why is it important to take your bone medicine regularly?",
            text_zh="为什么要按时用抗骨质疏松药？",
            options=_options(
                (
                    "It can only help if it is taken as prescribed",
                    "只有按医嘱用药，药物才能起作用",
                ),
                ("It does not matter when you take it", "什么时候用都无所谓"),
                ("It is only needed when your bones hurt", "只有骨头疼的时候才需要用"),
            ),
            answer="a",
            explanation_en="The medicine protects your bones only if it is taken as prescribed.",
            explanation_zh="只有按医嘱用药，药物才能保护骨骼。",
        ),
        # clinical-reference 5: covered days
        Question(
            code="medication_weekly_days",
            text_en="One dose of a once-a-week medicine covers how many days?",
            text_zh="每周一次的药，用一次管几天？",
            options=_options(("1 day", "1天"), ("7 days", "7天"), ("30 days", "30天")),
            answer="b",
            explanation_en=(
                "A weekly medicine covers 7 days, so the next dose is due a week later."
            ),
            explanation_zh="每周一次的药管7天，所以一周后要用下一次。",
        ),
        # clinical-reference 5: PDC >= 0.80
        Question(
            code="medication_days_covered",
            text_en="What share of days with medicine counts as taking it regularly?",
            text_zh="有药天数占多少比例才算规律用药？",
            options=_options(
                ("At least 80%", "至少80%"),
                ("At least 50%", "至少50%"),
                ("Only 100%", "必须100%"),
            ),
            answer="a",
            explanation_en="At least 80% counts as regular; 79% does not.",
            explanation_zh="至少80%算规律用药，79%就不算。",
        ),
        Question(
            code="medication_side_effects",
            text_en="You have a side effect that worries you. What should you do?",
            text_zh="您出现了让您担心的不良反应，应该怎么做？",
            options=_options(
                ("Stop the medicine and tell no one", "自己停药，不告诉任何人"),
                ("Tell your care team before you stop", "停药前先告诉康复团队"),
                ("Take a double dose next time", "下次用双倍剂量"),
            ),
            answer="b",
            explanation_en="Tell your care team first. Do not stop or change the dose on your own.",
            explanation_zh="先告诉康复团队，不要自己停药或改变剂量。",
        ),
    ),
    sources=(PDC,),
)


AFTER_A_FALL = Module(
    code="after_a_fall",
    title_en="If you fall",
    title_zh="万一摔倒了怎么办",
    summary_en=(
        "How to get up safely, what to do if you cannot get up, and when to tell your care team."
    ),
    summary_zh="怎样安全地站起来，起不来时怎么办，以及什么时候要告诉康复团队。",
    sections=(
        # general first aid: not in the clinical reference (see FIRST_AID)
        Section(
            heading_en="First, stay calm and check",
            heading_zh="先别慌，检查一下自己",
            text_en=(
                "If you fall, stay still for a moment and take a few slow breaths. Check "
                "whether you are hurt.\n\n"
                "If you are hurt, have pain in your hip, back or neck, or feel dizzy or faint, "
                "do not try to get up. Stay where you are and call for help."
            ),
            text_zh=(
                "摔倒以后，先静静躺一会儿，慢慢做几次深呼吸，检查一下自己有没有受伤。\n\n"
                "如果受了伤，髋部、后背或脖子疼，或者觉得头晕、要晕倒，就不要勉强起来，"
                "待在原地呼救。"
            ),
        ),
        # general first aid: not in the clinical reference (see FIRST_AID)
        Section(
            heading_en="How to get up safely",
            heading_zh="怎样安全地站起来",
            text_en=(
                "Only if you are not hurt and feel able to:\n\n"
                "- Roll onto your side, then get onto your hands and knees.\n"
                "- Crawl to a sturdy chair or bed.\n"
                "- Hold on to it with both hands and bring one foot forward, flat on the "
                "floor.\n"
                "- Push up slowly with your arms and legs, turn, and sit down on the chair.\n"
                "- Rest before you do anything else.\n\n"
                "Your physiotherapist can practise this with you."
            ),
            text_zh=(
                "只有在没有受伤、自己觉得可以的情况下，才这样做：\n\n"
                "- 先侧身翻过来，再慢慢变成双手双膝着地的跪姿。\n"
                "- 爬到一把结实的椅子或床边。\n"
                "- 双手扶住椅子或床，一只脚向前迈，脚掌平放在地上。\n"
                "- 手脚一起用力，慢慢撑起来，转身坐到椅子上。\n"
                "- 先坐着休息一会儿，再做别的事。\n\n"
                "康复治疗师可以陪您练习这些动作。"
            ),
        ),
        # general first aid (keeping warm): not in the clinical reference (see FIRST_AID);
        # lying on the floor / unable to get up is a severity indicator: clinical-reference 3.6
        Section(
            heading_en="If you cannot get up",
            heading_zh="如果站不起来",
            text_en=(
                "Call for help: shout, bang on the floor or a wall, or use your phone or "
                "personal alarm. If you are badly hurt, call the emergency number.\n\n"
                "While you wait, keep warm: pull a blanket, towel or clothes over you. If you "
                "can, move your arms and legs a little from time to time.\n\n"
                "Keep your phone or alarm within reach, also in the bathroom and at night."
            ),
            text_zh=(
                "呼救：大声喊，敲地板或墙，或者用手机、呼叫器求助。如果伤得很重，拨打急救电话。\n\n"
                "等待时注意保暖：拉一条毯子、毛巾或衣服盖在身上。"
                "如果可以，隔一会儿轻轻活动一下手脚。\n\n"
                "平时把手机或呼叫器放在伸手够得到的地方，在卫生间和夜里也一样。"
            ),
        ),
        # any fall: clinical-reference 3.5 (fell in the past year = screened at risk);
        # injury, unable to get up / lying on the floor, loss of consciousness, >= 2 falls in
        # 12 months: severity indicators, clinical-reference 3.6 (LOW-MEDIUM)
        Section(
            heading_en="Tell your care team",
            heading_zh="告诉康复团队",
            text_en=(
                "Tell your care team about every fall, even if you were not hurt. It matters "
                "most if:\n\n"
                "- you were hurt\n"
                "- you could not get up, or lay on the floor for a long time\n"
                "- you fainted or blacked out\n"
                "- you have fallen 2 or more times in the past 12 months\n\n"
                "Then the team should do a full falls check with you, to find out why you fell "
                "and how to prevent the next fall."
            ),
            text_zh=(
                "每次摔倒都要告诉康复团队，即使没有受伤。下面几种情况尤其重要：\n\n"
                "- 摔伤了\n"
                "- 自己站不起来，或者在地上躺了很久\n"
                "- 晕倒了或失去了知觉\n"
                "- 过去12个月里摔倒了2次或更多\n\n"
                "这时团队应该为您做一次全面的跌倒评估，找出摔倒的原因，防止再次摔倒。"
            ),
        ),
    ),
    quiz=(
        Question(
            code="after_fall_hip_pain",
            text_en="You fall and have strong pain in your hip. What should you do?",
            text_zh="您摔倒了，髋部很疼，应该怎么做？",
            options=_options(
                ("Get up quickly", "赶快爬起来"),
                (
                    "Stay where you are, keep warm and call for help",
                    "待在原地，注意保暖，呼救",
                ),
                ("Walk it off", "起来走走就好了"),
            ),
            answer="b",
            explanation_en=("If you are hurt, do not try to get up. Keep warm and call for help."),
            explanation_zh="受伤时不要勉强起来，注意保暖并呼救。",
        ),
        Question(
            code="after_fall_first_step",
            text_en="You are not hurt. What is the first step to get up safely?",
            text_zh="您没有受伤，安全站起来的第一步是什么？",
            options=_options(
                ("Roll onto your side", "先侧身翻过来"),
                ("Sit straight up as fast as you can", "用最快的速度直接坐起来"),
                ("Jump straight to your feet", "一下子站起来"),
            ),
            answer="a",
            explanation_en=(
                "Roll onto your side, get onto your hands and knees, and crawl to a sturdy chair."
            ),
            explanation_zh="先侧身翻过来，再双手双膝着地，爬到一把结实的椅子旁边。",
        ),
        # clinical-reference 3.5, 3.6
        Question(
            code="after_fall_tell_team",
            text_en="Which falls should you tell your care team about?",
            text_zh="哪些摔倒需要告诉康复团队？",
            options=_options(
                ("Only falls that break a bone", "只有摔骨折的时候"),
                ("Every fall, even without an injury", "每一次摔倒，即使没有受伤"),
                ("None", "都不用说"),
            ),
            answer="b",
            explanation_en=(
                "Tell the team about every fall. A fall in the past year is a reason to check "
                "your fall risk."
            ),
            explanation_zh="每次摔倒都要告诉团队。过去一年里摔倒过，就需要评估跌倒风险。",
        ),
    ),
    sources=(STEADI, WFG, FIRST_AID),
)


MODULES: tuple[Module, ...] = (
    OSTEOPOROSIS_BASICS,
    FALL_PREVENTION,
    SAFE_MOVEMENT,
    NUTRITION,
    MEDICATION,
    AFTER_A_FALL,
)
MODULES_BY_CODE: Mapping[str, Module] = {item.code: item for item in MODULES}


def module(code: str) -> Module:
    """A module by its code; an unknown code is refused by name."""
    try:
        return MODULES_BY_CODE[code]
    except KeyError:
        raise InputError(
            "module", "unknown_module", f"no education module {code!r}", module_code=code
        ) from None


# The passing mark: a LOCAL PROGRAM SETTING, not from the clinical reference. By default a quiz
# is passed only when every question is answered correctly; `grade(..., pass_mark=n)` sets
# another mark (the number of correct answers needed).
PASSING_RULE = "all questions correct (local program setting, not from the reference)"


@dataclass(frozen=True)
class QuestionResult:
    code: str
    chosen: str | None  # the option code given, None when unanswered
    answer: str  # the correct option code
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    module: str
    score: int  # questions answered correctly
    total: int
    pass_mark: int
    passed: bool
    questions: tuple[QuestionResult, ...]  # in the module's order

    @property
    def correct(self) -> dict[str, bool]:
        """Per question code: answered correctly?"""
        return {result.code: result.correct for result in self.questions}

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(result.code for result in self.questions if result.chosen is None)


def grade(
    quiz_module: Module, answers: Mapping[str, str], *, pass_mark: int | None = None
) -> QuizResult:
    """Mark a module's quiz. `answers` maps question code -> chosen option code; a question
    left out is unanswered (and so not correct). Unknown question codes, and option codes that
    are not options of their question, are refused by name (never ignored)."""
    total = len(quiz_module.quiz)
    mark = total if pass_mark is None else pass_mark
    if isinstance(mark, bool) or not isinstance(mark, int) or not 1 <= mark <= total:
        raise InputError(
            "pass_mark",
            "out_of_range",
            f"pass_mark must be a whole number from 1 to {total}; got {pass_mark!r}",
            low=1,
            high=total,
        )
    known = {question.code for question in quiz_module.quiz}
    unknown = sorted(str(code) for code in answers if code not in known)
    if unknown:
        raise InputError(
            "answers",
            "unknown_question",
            f"not questions of module {quiz_module.code}: {', '.join(unknown)}",
            codes=tuple(unknown),
        )
    results = []
    for question in quiz_module.quiz:
        chosen = answers.get(question.code)
        if chosen is not None and chosen not in {option.code for option in question.options}:
            raise InputError(
                question.code,
                "unknown_option",
                f"{chosen!r} is not an option of question {question.code}",
                option=chosen,
            )
        results.append(
            QuestionResult(question.code, chosen, question.answer, chosen == question.answer)
        )
    score = sum(result.correct for result in results)
    return QuizResult(quiz_module.code, score, total, mark, score >= mark, tuple(results))
