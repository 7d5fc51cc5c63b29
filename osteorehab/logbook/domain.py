"""The patient's daily rehabilitation log: what today's session holds, what a logged exercise
tells the progression rules, the safety signals in a check-in or a fall report, and the
program's own relaxation and mindfulness practices. Pure Python, no Django.

Sources (clinical-reference):
- Pain is the pain numeric rating scale, 0 no pain to 10 worst imaginable (1.13). The severe
  band is Serlin 1995's 7-10, which the reference gives "LOW/from memory", i.e. UNVERIFIED; it
  is read from `PAIN_SERLIN` (assessments), so the band lives in one place.
- Effort is a generic, unbranded 0-10 effort rating, not a Borg scale, which needs a licence
  (1.12, 8).
- A fall with injury, and lying on the floor unable to get up, are severity indicators after a
  fall in the World Falls Guidelines 2022 (3.6; the reference marks that operationalisation
  LOW-MEDIUM and asks for Figure 1 to be checked).

LOCAL PROGRAM CHOICES, not from the reference: raising an alert on these signals, and on new
back pain in the severe band (issue #5); the five-word mood scale with faces; the 0-10
confidence rating (like the `confidence` instrument, which has no published source, bands or
MCID); the sleep words; the skip reasons; the relaxation and mindfulness practices, which are
the program's own scripts in our own words and claim no clinical effect.

Where the reference gives no threshold, there is none: the number of falls in a check-in, a
near-fall, poor sleep, fatigue, low mood and low confidence raise no alert here (the care team
reads them on the log overview); a reported fall leads the patient on to the fall report.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from osteorehab.assessments.instruments.base import Reason, gettext_noop
from osteorehab.assessments.instruments.ratings import PAIN_SERLIN
from osteorehab.plans.domain import Completion, Item, Session

__all__ = ["Completion"]

RATING_MIN, RATING_MAX = 0, 10  # pain NRS (1.13), generic effort (1.12), confidence (local)
MOOD_MIN, MOOD_MAX = 1, 5  # the program's own five-word scale
# Limits against typing errors only (a 0 for a 10, a finger held down), not clinical limits.
MAX_SETS, MAX_REPS, MAX_MINUTES = 10, 200, 240
FALLS_TWO_OR_MORE = 2  # a count of falls or near-falls is asked as 0, 1, "2 or more"


class SkipReason(StrEnum):
    PAIN = "pain"
    FATIGUE = "fatigue"
    FEAR = "fear"
    NO_TIME = "no_time"
    ILL = "ill"
    FORGOT = "forgot"
    OTHER = "other"


class Sleep(StrEnum):
    POOR = "poor"
    FAIR = "fair"
    GOOD = "good"


class Place(StrEnum):
    HOME_INSIDE = "home_inside"
    HOME_OUTSIDE = "home_outside"
    STREET = "street"
    SHOP = "shop"
    OTHER = "other"


# The mood scale, 1 to 5: its words and a face (the face is decoration; the words carry it).
MOODS: dict[int, tuple[str, str]] = {
    1: (gettext_noop("Very low"), "😞"),
    2: (gettext_noop("Low"), "🙁"),
    3: (gettext_noop("So-so"), "😐"),
    4: (gettext_noop("Good"), "🙂"),
    5: (gettext_noop("Very good"), "😄"),
}


def due_on(items: Iterable[Item], day: date) -> list[Item]:
    """The plan's items to do on `day`, in the plan's order (the days count from Monday, 0)."""
    weekday = day.weekday()
    return [item for item in items if weekday in item.days]


class DayState(StrEnum):
    """A day of the plan as the patient lived it."""

    REST = "rest"  # nothing planned that day
    DONE = "done"  # every planned exercise done in full
    PARTLY = "partly"  # some of the planned exercises done, or done in part
    MISSED = "missed"  # none done (skipped, or nothing logged)


def day_state(planned: Collection[str], logged: Mapping[str, str]) -> DayState:
    """A day from the exercises its plan asked for and each exercise's latest completion that
    day (an exercise logged but not planned does not count towards the plan)."""
    if not planned:
        return DayState.REST
    if all(logged.get(code) == Completion.DONE for code in planned):
        return DayState.DONE
    if any(logged.get(code) in (Completion.DONE, Completion.PARTLY) for code in planned):
        return DayState.PARTLY
    return DayState.MISSED


@dataclass(frozen=True)
class Adherence:
    """Sessions of the plan over some days: planned (days with something planned), done in
    full and done in part."""

    planned: int
    done: int
    partly: int

    @property
    def share(self) -> float | None:
        """The share of planned sessions the patient exercised in (in full or in part); None
        when nothing was planned."""
        return (self.done + self.partly) / self.planned if self.planned else None


def adherence(states: Iterable[DayState]) -> Adherence:
    counted = list(states)
    return Adherence(
        planned=sum(1 for state in counted if state != DayState.REST),
        done=counted.count(DayState.DONE),
        partly=counted.count(DayState.PARTLY),
    )


def session_of(completion: str, effort: int | None, pain: int | None, skip_reason: str) -> Session:
    """A logged exercise as the progression and regression proposals read it."""
    return Session(
        completion=Completion(completion),
        effort=effort,
        pain=pain,
        skipped_for_pain=completion == Completion.SKIPPED and skip_reason == SkipReason.PAIN,
    )


# ---- Safety signals ----


class SignalKind(StrEnum):
    """The same codes as the alerts they raise."""

    FALL_INJURY = "fall_injury"
    FALL_CANNOT_GET_UP = "fall_cannot_get_up"
    SEVERE_BACK_PAIN = "severe_back_pain"


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    reason: Reason


WFG_SEVERITY = gettext_noop(
    "a severity indicator after a fall, World Falls Guidelines 2022 (operationalisation "
    "unverified) [clinical-reference 3.6]; an alert on it is a local program rule"
)


def fall_signals(*, injury: bool, could_get_up: bool) -> tuple[Signal, ...]:
    """The signals in a fall report: one for an injury, one for not getting up (both, when
    both were so)."""
    found = []
    if injury:
        found.append(
            Signal(SignalKind.FALL_INJURY, Reason("fall with injury: {why}", why=WFG_SEVERITY))
        )
    if not could_get_up:
        found.append(
            Signal(
                SignalKind.FALL_CANNOT_GET_UP,
                Reason("could not get up after the fall: {why}", why=WFG_SEVERITY),
            )
        )
    return tuple(found)


def severe_pain(pain: int) -> bool:
    """Pain in Serlin's severe band (7-10; unverified, clinical-reference 1.13)."""
    band = PAIN_SERLIN.classify(pain)
    return band is not None and band.code == "severe"


def check_in_signals(*, back_pain_new: bool, pain: int) -> tuple[Signal, ...]:
    """New back pain with pain in the severe band is a signal; the reference gives no rule for
    the other answers of a check-in, so they raise none."""
    if back_pain_new and severe_pain(pain):
        return (
            Signal(
                SignalKind.SEVERE_BACK_PAIN,
                Reason(
                    "new back pain, pain {pain} of 10: severe by Serlin 1995 (7-10, from memory, "
                    "unverified) [clinical-reference 1.13]; an alert on it is a local program rule",
                    pain=pain,
                ),
            ),
        )
    return ()


# ---- The practice of the day ----


class PracticeKind(StrEnum):
    RELAXATION = "relaxation"
    MINDFULNESS = "mindfulness"


PRACTICE_KIND_WORDS = {
    PracticeKind.RELAXATION: gettext_noop("Relaxation"),
    PracticeKind.MINDFULNESS: gettext_noop("Mindfulness"),
}


@dataclass(frozen=True)
class Practice:
    """A short practice, sitting in a firm chair: the program's own script, in our own words,
    with the Chinese kept beside the English."""

    code: str
    kind: PracticeKind
    minutes: int
    title_en: str
    title_zh: str
    steps_en: tuple[str, ...]
    steps_zh: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.steps_en) != len(self.steps_zh):
            raise ValueError(f"practice {self.code}: the two languages have different steps")

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def steps(self, language: str) -> tuple[str, ...]:
        return self.steps_zh if language.startswith("zh") else self.steps_en


PRACTICES: tuple[Practice, ...] = (
    Practice(
        code="slow_breathing",
        kind=PracticeKind.RELAXATION,
        minutes=3,
        title_en="Slow breathing",
        title_zh="慢慢呼吸",
        steps_en=(
            "Sit in a firm chair with your back supported and both feet flat on the floor.",
            "Rest your hands in your lap. Close your eyes if you like, or look at one spot.",
            "Breathe in gently through your nose while you count to three.",
            "Breathe out slowly through your mouth while you count to five.",
            "Carry on like this for about three minutes. If you feel dizzy, breathe normally.",
            "Open your eyes and notice how you feel now.",
        ),
        steps_zh=(
            "坐在结实的椅子上，背部靠稳，双脚平放在地上。",
            "双手放在腿上。可以闭上眼睛，也可以看着一个地方。",
            "用鼻子轻轻吸气，心里数一、二、三。",
            "用嘴慢慢呼气，心里从一数到五。",
            "这样继续大约三分钟。如果觉得头晕，就恢复平常的呼吸。",
            "睁开眼睛，留意一下自己现在的感觉。",
        ),
    ),
    Practice(
        code="noticing_the_body",
        kind=PracticeKind.MINDFULNESS,
        minutes=5,
        title_en="Noticing your body",
        title_zh="感受自己的身体",
        steps_en=(
            "Sit comfortably in a firm chair with your feet on the floor.",
            "Notice your feet: how they touch the floor.",
            "Slowly move your attention up: your legs, your hips, your back against the chair.",
            "Notice your shoulders, arms and hands. If a part feels tight, let it soften a little.",
            "Notice your neck and your face. Let your jaw relax.",
            "If your mind wanders, that is normal. Gently come back to where you were.",
            "Finish with one slow breath, and look around the room.",
        ),
        steps_zh=(
            "舒服地坐在结实的椅子上，双脚放在地上。",
            "留意您的双脚，感受它们踩在地上的感觉。",
            "慢慢把注意力往上移：双腿、臀部，还有靠在椅背上的后背。",
            "留意您的肩膀、手臂和双手。如果哪里发紧，让它稍微放松一些。",
            "留意您的脖子和脸。让下巴放松。",
            "如果走神了，这很正常。轻轻地回到刚才的位置就好。",
            "最后慢慢地呼吸一次，然后看看四周。",
        ),
    ),
    Practice(
        code="hands_and_shoulders",
        kind=PracticeKind.RELAXATION,
        minutes=3,
        title_en="Letting go in your hands and shoulders",
        title_zh="放松双手和肩膀",
        steps_en=(
            "Sit tall in a firm chair with your back supported.",
            "Make gentle fists with both hands. Hold while you count to three, then let go.",
            "Notice how your hands feel when they let go.",
            "Lift your shoulders a little towards your ears. Hold for three, then let them drop.",
            "Do each one three times, gently. Stop if anything hurts.",
            "Rest your hands in your lap and breathe slowly for a minute.",
        ),
        steps_zh=(
            "在结实的椅子上坐直，背部靠稳。",
            "双手轻轻握拳，心里数到三，然后松开。",
            "留意双手松开时的感觉。",
            "把肩膀稍微向耳朵方向抬起，数到三，然后放下。",
            "每个动作轻轻地做三次。如果哪里疼，就停下来。",
            "把双手放在腿上，慢慢呼吸一分钟。",
        ),
    ),
    Practice(
        code="here_and_now",
        kind=PracticeKind.MINDFULNESS,
        minutes=3,
        title_en="Here and now",
        title_zh="此时此刻",
        steps_en=(
            "Sit comfortably and look around you.",
            "Name five things you can see.",
            "Name four things you can feel, like the chair under you or your clothes.",
            "Name three things you can hear.",
            "Name two things you can smell, or two smells you like.",
            "Name one thing you are glad about today.",
        ),
        steps_zh=(
            "舒服地坐好，看看四周。",
            "说出您能看到的五样东西。",
            "说出您能感觉到的四样东西，比如身下的椅子、身上的衣服。",
            "说出您能听到的三种声音。",
            "说出您能闻到的两种气味，或者两种您喜欢的气味。",
            "说出今天让您高兴的一件事。",
        ),
    ),
    Practice(
        code="calm_place",
        kind=PracticeKind.RELAXATION,
        minutes=5,
        title_en="A calm place",
        title_zh="一个让您平静的地方",
        steps_en=(
            "Sit comfortably and close your eyes if you like.",
            "Think of a place where you feel calm and safe: a park, a beach, a room you love.",
            "Notice what you see there: the colours and the light.",
            "Notice what you hear there, and how the air feels.",
            "Stay there in your mind for a few minutes, breathing slowly.",
            "When you are ready, open your eyes. You can go back there whenever you like.",
        ),
        steps_zh=(
            "舒服地坐好，愿意的话可以闭上眼睛。",
            "想一个让您感到平静、安全的地方：公园、海边，或者您喜欢的房间。",
            "留意您在那里看到的：颜色和光线。",
            "留意您在那里听到的声音，还有空气给您的感觉。",
            "在脑海里在那里待几分钟，慢慢地呼吸。",
            "准备好了就睁开眼睛。您随时都可以再回到那里。",
        ),
    ),
    Practice(
        code="kind_words",
        kind=PracticeKind.MINDFULNESS,
        minutes=3,
        title_en="Kind words to yourself",
        title_zh="对自己说几句暖心的话",
        steps_en=(
            "Sit comfortably and rest one hand on your chest or in your lap.",
            "Think of something that was hard for you this week.",
            'Say to yourself, slowly: "This is hard. Many people feel this way. I am doing my '
            'best."',
            "Breathe slowly and say the words two or three times.",
            "Think of one small thing you did well today, and give yourself credit for it.",
        ),
        steps_zh=(
            "舒服地坐好，把一只手放在胸口或腿上。",
            "想一件这周让您觉得不容易的事。",
            "慢慢地对自己说：“这确实不容易。很多人都会有这样的感受。我已经尽力了。”",
            "慢慢呼吸，把这几句话说两三遍。",
            "想一件今天您做得好的小事，为自己点个赞。",
        ),
    ),
    Practice(
        code="cup_of_tea",
        kind=PracticeKind.MINDFULNESS,
        minutes=5,
        title_en="A cup of tea, slowly",
        title_zh="慢慢喝一杯茶",
        steps_en=(
            "Make a warm drink and sit down at a table with it.",
            "Hold the cup in both hands. Notice how warm and heavy it is.",
            "Look at the colour and the steam. Notice the smell.",
            "Take a small sip. Notice the taste, and the warmth as you swallow.",
            "Drink slowly, one sip at a time, paying attention to each one.",
            "If your mind wanders, gently bring it back to the cup.",
        ),
        steps_zh=(
            "泡一杯热饮，端到桌边坐下。",
            "双手捧着杯子，感受它的温度和重量。",
            "看看饮品的颜色和热气，闻一闻它的香味。",
            "小口喝一口，感受它的味道，还有咽下去时的温暖。",
            "一口一口慢慢喝，每一口都用心感受。",
            "如果走神了，就轻轻地把注意力带回到杯子上。",
        ),
    ),
)
PRACTICES_BY_CODE = {practice.code: practice for practice in PRACTICES}


def practice_of(day: date) -> Practice:
    """The practice of the day: each in turn, one a day, the same for everyone on a day."""
    return PRACTICES[day.toordinal() % len(PRACTICES)]
