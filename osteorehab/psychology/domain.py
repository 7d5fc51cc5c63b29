"""The psychological intervention modules, and how often each is offered from the baseline scores.

Pure Python, no Django. The score bands are the instruments' own, with their sources
(clinical-reference 1.1 PHQ-9, Kroenke 2001; 1.2 GAD-7, Spitzer 2006; 1.8 TSK-17, Vlaeyen 1995;
1.9 FES-I and Short FES-I, Delbaere 2010). The session FREQUENCIES are not in the reference: they
are a local program rule (not from the clinical reference), kept in `BAND_FREQUENCY` and
`CORE_FREQUENCY` and named as such in every reason.

The rule: each module is offered as often as the most demanding of its reasons asks: a core
module at least monthly for every patient, and a targeted module as often as the band of each
baseline measure it addresses calls for. A higher score never lowers a band, and a higher band
never asks for fewer sessions, so a worse score never gives fewer sessions.

PHQ-9 item 9 above 0 is never handled only by a frequency: an urgent clinical risk assessment
comes first (clinical-reference 1.1; the alert itself is raised when the PHQ-9 is recorded).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

from osteorehab.assessments.instruments.base import (
    Banding,
    Instrument,
    Reason,
    cited,
    gettext_noop,
)
from osteorehab.assessments.instruments.fes_i import FES_I, SHORT_FES_I
from osteorehab.assessments.instruments.gad7 import GAD7
from osteorehab.assessments.instruments.phq9 import PHQ9
from osteorehab.assessments.instruments.tsk import TSK17


class Frequency(StrEnum):
    MONTHLY = "monthly"
    FORTNIGHTLY = "fortnightly"
    WEEKLY = "weekly"


SESSIONS_PER_MONTH = {Frequency.MONTHLY: 1, Frequency.FORTNIGHTLY: 2, Frequency.WEEKLY: 4}
FREQUENCY_WORDS = {
    Frequency.WEEKLY: gettext_noop("weekly"),
    Frequency.FORTNIGHTLY: gettext_noop("every two weeks"),
    Frequency.MONTHLY: gettext_noop("monthly"),
}


def sessions_per_month(frequency: Frequency | None) -> int:
    return SESSIONS_PER_MONTH[frequency] if frequency else 0


@dataclass(frozen=True)
class Measure:
    """A baseline measure a module addresses: its instrument, and the banding it is read by."""

    code: str  # the instrument's code, and the field of Baseline
    label: str
    topic: str  # what it measures, after the band ("moderate anxiety"); "" if the band says it
    instrument: Instrument
    banding: Banding
    alternative: str = ""  # another measure of the same thing: either one will do


MEASURES = {
    measure.code: measure
    for measure in (
        Measure("gad7", gettext_noop("GAD-7"), gettext_noop("anxiety"), GAD7, GAD7.bandings[0]),
        Measure("phq9", gettext_noop("PHQ-9"), gettext_noop("depression"), PHQ9, PHQ9.bandings[0]),
        # the bands of these name what they measure ("high kinesiophobia")
        Measure("tsk17", gettext_noop("TSK-17"), "", TSK17, TSK17.bandings[0]),
        Measure("fes_i", gettext_noop("FES-I"), "", FES_I, FES_I.bandings[0], "short_fes_i"),
        Measure(
            "short_fes_i",
            gettext_noop("Short FES-I"),
            "",
            SHORT_FES_I,
            SHORT_FES_I.bandings[0],
            "fes_i",
        ),
    )
}

# LOCAL PROGRAM RULE (not from the clinical reference): how often a targeted module is offered
# for each band of a measure it addresses (None: no sessions on that measure's account). The
# bands are the reference's; these frequencies are the program's own choice. A moderate or worse
# band (GAD-7 and PHQ-9 >= 10, their screening cut-offs) asks for weekly sessions.
BAND_FREQUENCY: Mapping[str, Mapping[str, Frequency | None]] = {
    "gad7": {  # Spitzer 2006 (1.2)
        "minimal": None,
        "mild": Frequency.FORTNIGHTLY,
        "moderate": Frequency.WEEKLY,
        "severe": Frequency.WEEKLY,
    },
    "phq9": {  # Kroenke 2001 (1.1)
        "minimal": None,
        "mild": Frequency.FORTNIGHTLY,
        "moderate": Frequency.WEEKLY,
        "moderately_severe": Frequency.WEEKLY,
        "severe": Frequency.WEEKLY,
    },
    "tsk17": {"not_high": None, "high": Frequency.WEEKLY},  # Vlaeyen 1995, high is > 37 (1.8)
    "fes_i": {  # Delbaere 2010 (1.9)
        "low": None,
        "moderate": Frequency.FORTNIGHTLY,
        "high": Frequency.WEEKLY,
    },
    "short_fes_i": {  # Delbaere 2010 (1.9)
        "low": None,
        "moderate": Frequency.FORTNIGHTLY,
        "high": Frequency.WEEKLY,
    },
}
# LOCAL PROGRAM RULE (not from the clinical reference): a core module is offered to every
# patient at least this often, whatever the scores.
CORE_FREQUENCY = Frequency.MONTHLY
LOCAL_RULE = gettext_noop("local program rule (not from the clinical reference)")


@dataclass(frozen=True)
class Module:
    """One module of the intervention, in our own words in English and Simplified Chinese.
    The web shows `name` and `description` through the catalogue (gettext_noop); the Chinese
    is kept here too for output without Django (the command line, exports)."""

    code: str
    name: str
    name_zh: str
    description: str
    description_zh: str
    techniques: tuple[str, ...]
    measures: tuple[str, ...] = ()  # the baseline measures it addresses (codes of MEASURES)
    core: bool = False  # offered to every patient
    linked_to_exercise_plan: bool = False


MODULES = (
    Module(
        code="psychoeducation",
        name=gettext_noop("Osteoporosis education and health beliefs"),
        name_zh="骨质疏松健康教育与健康信念",
        description=gettext_noop(
            "Explains in plain words what osteoporosis is, how bone responds to exercise, what "
            "the medicines do and how falls are prevented. It builds the belief that the disease "
            "can be improved and self-regulated, so that the patient sees that what they do "
            "makes a difference."
        ),
        description_zh=(
            "用通俗的语言讲解骨质疏松是什么、骨骼如何对运动产生反应、药物的作用以及如何预防跌倒。"
            "帮助患者建立“疾病可以改善、可以自我调节”的信念，让患者看到自己的行动能带来改变。"
        ),
        techniques=(
            gettext_noop("information in plain words"),
            gettext_noop("teach-back"),
            gettext_noop("correcting misconceptions"),
            gettext_noop("self-management goals"),
        ),
        core=True,
    ),
    Module(
        code="cognitive_restructuring",
        name=gettext_noop("Cognitive restructuring of fear of movement"),
        name_zh="运动恐惧的认知重构",
        description=gettext_noop(
            "Finds the thought that movement is dangerous, the fear that bones will break or that "
            "a fall is coming, and the worry around them, and tests these beliefs against the "
            "evidence and the patient's own experience. Together the counsellor and patient build "
            "balanced, realistic thoughts that let the patient keep moving."
        ),
        description_zh=(
            "找出“运动就是危险”的想法、担心骨折或跌倒的恐惧以及与之相伴的焦虑担忧，"
            "并用证据和患者自身的经历来检验这些信念。咨询师与患者一起形成平衡、现实的想法，"
            "让患者能够坚持活动。"
        ),
        techniques=(
            gettext_noop("thought records"),
            gettext_noop("weighing the evidence"),
            gettext_noop("decatastrophising"),
            gettext_noop("behavioural experiments"),
        ),
        measures=("gad7", "tsk17", "fes_i", "short_fes_i"),
    ),
    Module(
        code="graded_exposure",
        name=gettext_noop("Graded exposure to feared activities"),
        name_zh="对恐惧活动的分级暴露",
        description=gettext_noop(
            "Lists the activities the patient fears or avoids, from the least to the most "
            "feared, and works up the list one step at a time. The steps are taken from the "
            "patient's exercise plan and agreed with the rehabilitation therapist, so that "
            "exposure stays within the plan's safety limits."
        ),
        description_zh=(
            "列出患者害怕或回避的活动，按恐惧程度从低到高排列，一步一步向上练习。"
            "每一步都取自患者的运动计划，并与康复治疗师商定，确保暴露练习不超出计划的安全限制。"
        ),
        techniques=(
            gettext_noop("fear hierarchy"),
            gettext_noop("graded exposure in real life"),
            gettext_noop("behavioural experiments"),
            gettext_noop("steps from the exercise plan"),
        ),
        measures=("tsk17", "fes_i", "short_fes_i"),
        linked_to_exercise_plan=True,
    ),
    Module(
        code="relaxation_mindfulness",
        name=gettext_noop("Relaxation and mindfulness"),
        name_zh="放松与正念",
        description=gettext_noop(
            "Teaches ways to ease physical tension and worry: slow breathing, progressive muscle "
            "relaxation and short mindfulness practices. The patient practises at home each day "
            "and uses the skills before exercise or a feared activity."
        ),
        description_zh=(
            "教授缓解身体紧张和担忧的方法：缓慢呼吸、渐进式肌肉放松和简短的正念练习。"
            "患者每天在家练习，并在运动或面对害怕的活动之前使用这些技巧。"
        ),
        techniques=(
            gettext_noop("slow breathing"),
            gettext_noop("progressive muscle relaxation"),
            gettext_noop("mindfulness practice"),
            gettext_noop("body scan"),
        ),
        measures=("gad7",),
    ),
    Module(
        code="motivational_interviewing",
        name=gettext_noop("Motivational interviewing"),
        name_zh="动机式访谈",
        description=gettext_noop(
            "Explores, without pressure, the patient's own reasons for exercising and staying "
            "active and their mixed feelings about it. It strengthens their commitment to the "
            "exercise plan and helps them set goals of their own choosing."
        ),
        description_zh=(
            "在不施加压力的前提下，探讨患者自己坚持运动、保持活动的理由，以及对此的矛盾心情。"
            "增强患者对运动计划的投入，并帮助患者设定自己选择的目标。"
        ),
        techniques=(
            gettext_noop("open questions"),
            gettext_noop("reflective listening"),
            gettext_noop("exploring mixed feelings"),
            gettext_noop("shared goal setting"),
        ),
        core=True,
    ),
    Module(
        code="problem_solving",
        name=gettext_noop("Problem solving"),
        name_zh="问题解决",
        description=gettext_noop(
            "Works through practical obstacles to rehabilitation and daily life one at a time: "
            "naming the problem, listing options, choosing one and reviewing how it went. "
            "Solving problems step by step also helps to lift low mood."
        ),
        description_zh=(
            "逐一处理康复和日常生活中的实际障碍：说清问题、列出办法、选择其一并回顾效果。"
            "一步一步解决问题也有助于改善低落的情绪。"
        ),
        techniques=(
            gettext_noop("defining the problem"),
            gettext_noop("listing options"),
            gettext_noop("action planning"),
            gettext_noop("reviewing the outcome"),
        ),
        measures=("phq9",),
    ),
    Module(
        code="emotional_support",
        name=gettext_noop("Emotional support"),
        name_zh="情绪支持",
        description=gettext_noop(
            "Gives the patient room to talk about how osteoporosis, fractures or pain affect "
            "their mood, independence and plans. The counsellor listens, acknowledges the "
            "feelings and watches for signs that more help is needed."
        ),
        description_zh=(
            "让患者有机会谈一谈骨质疏松、骨折或疼痛如何影响自己的情绪、独立生活和打算。"
            "咨询师倾听并认可这些感受，同时留意是否需要更多帮助的迹象。"
        ),
        techniques=(
            gettext_noop("active listening"),
            gettext_noop("acknowledging feelings"),
            gettext_noop("supportive counselling"),
            gettext_noop("watching mood and risk"),
        ),
        measures=("phq9", "gad7"),
    ),
    Module(
        code="peer_group",
        name=gettext_noop("Peer group sessions"),
        name_zh="病友小组活动",
        description=gettext_noop(
            "Brings patients of the program together to share what living and exercising with "
            "osteoporosis is like. Seeing others move safely and hearing how they cope builds "
            "confidence and eases isolation."
        ),
        description_zh=(
            "让参加项目的患者聚在一起，分享与骨质疏松共处、带病运动的体会。"
            "看到病友安全地活动、听到他们如何应对，可以增强信心，减少孤独感。"
        ),
        techniques=(
            gettext_noop("guided group discussion"),
            gettext_noop("sharing experience"),
            gettext_noop("learning from peers"),
        ),
        core=True,
    ),
    Module(
        code="family_session",
        name=gettext_noop("Family sessions"),
        name_zh="家庭会谈",
        description=gettext_noop(
            "With the patient's agreement, involves family members or other carers in "
            "understanding the program and the patient's goals. It helps the family encourage "
            "activity rather than hold the patient back out of worry, and eases tension around "
            "care."
        ),
        description_zh=(
            "在患者同意的前提下，让家人或其他照护者了解项目内容和患者的目标。"
            "帮助家人鼓励患者活动，而不是出于担心而阻止，并缓解照护中的紧张关系。"
        ),
        techniques=(
            gettext_noop("shared information"),
            gettext_noop("communication skills"),
            gettext_noop("agreeing support at home"),
        ),
        core=True,
    ),
)
MODULES_BY_CODE = {module.code: module for module in MODULES}


@dataclass(frozen=True)
class Baseline:
    """The baseline scores the recommendation reads; None is not measured.

    `phq9_item9` is the answer to PHQ-9 item 9 (0-3), known even when the total is not
    computable."""

    gad7: int | None = None
    phq9: int | None = None
    phq9_item9: int | None = None
    tsk17: int | None = None
    short_fes_i: int | None = None
    fes_i: int | None = None

    def __post_init__(self) -> None:
        # Out-of-range input is refused, never clamped (clinical-reference 0.1.4).
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{field.name} must be a whole number or None")
            low, high = _range(field.name)
            if not low <= value <= high:
                raise ValueError(f"{field.name} must be between {low} and {high}; got {value}")

    @classmethod
    def from_totals(
        cls, totals: Mapping[str, float | None], *, phq9_item9: int | None = None
    ) -> "Baseline":
        """From stored totals (floats, by instrument code); codes not in MEASURES are ignored.
        A total with a fraction is refused: these instruments' totals are whole numbers."""
        whole: dict[str, int | None] = {}
        for code in MEASURES:
            total = totals.get(code)
            if total is not None and not float(total).is_integer():
                raise ValueError(f"{code} total must be a whole number; got {total}")
            whole[code] = None if total is None else int(total)
        return cls(**whole, phq9_item9=phq9_item9)


def _range(name: str) -> tuple[int, int]:
    if name == "phq9_item9":
        return 0, 3  # PHQ-9 answers (clinical-reference 1.1)
    span = MEASURES[name].instrument.range
    if span is None:  # a data error: every measure's instrument has its range
        raise ValueError(f"{name} has no range")
    return int(span[0]), int(span[1])


URGENT_RISK_ASSESSMENT = "urgent_risk_assessment"
RISK_FOLLOW_UP = "risk_follow_up"


@dataclass(frozen=True)
class Recommendation:
    """How often a module is offered and why; or (urgent) what must come before any session."""

    code: str  # a module's code, or URGENT_RISK_ASSESSMENT / RISK_FOLLOW_UP
    frequency: Frequency | None  # None: not offered on these scores (or an urgent step)
    reason: Reason
    set_by: tuple[str, ...] = ()  # what set the frequency: measure codes, or "core"
    not_measured: tuple[str, ...] = ()  # the module's measures without a baseline score
    urgent: bool = False

    @property
    def module(self) -> Module | None:
        return MODULES_BY_CODE.get(self.code)

    @property
    def sessions_per_month(self) -> int:
        return sessions_per_month(self.frequency)

    @property
    def awaiting_scores(self) -> bool:
        """No frequency because none of the module's measures has a score yet."""
        module = self.module
        return (
            self.frequency is None
            and module is not None
            and not module.core
            and set(self.not_measured) == set(module.measures)
        )

    @property
    def frequency_words(self) -> str:
        """The frequency in (untranslated) words; empty when there is none."""
        return FREQUENCY_WORDS[self.frequency] if self.frequency else ""


def _measured(measure: Measure, score: int) -> tuple[Frequency | None, Reason]:
    band = measure.banding.classify(score)
    if band is None:  # Baseline refuses scores outside the range, and the bands cover it
        raise ValueError(f"{measure.code} {score} is in no band")
    frequency = BAND_FREQUENCY[measure.code][band.code]
    source = cited(measure.banding.source)
    if measure.topic:
        fact = Reason(
            "{measure} {score} = {band} {topic}, {source}",
            measure=measure.label,
            score=score,
            band=band.label,
            topic=measure.topic,
            source=source,
        )
    else:
        fact = Reason(
            "{measure} {score} = {band}, {source}",
            measure=measure.label,
            score=score,
            band=band.label,
            source=source,
        )
    if frequency is None:
        return None, Reason("{fact} -> no sessions on this account", fact=fact)
    return frequency, Reason(
        "{fact} -> {frequency}", fact=fact, frequency=FREQUENCY_WORDS[frequency]
    )


def _module(module: Module, baseline: Baseline) -> Recommendation:
    asks: list[tuple[str, Frequency | None]] = []
    facts: list[Reason] = []
    if module.core:
        asks.append(("core", CORE_FREQUENCY))
        facts.append(
            Reason(
                "a core module, offered to every patient -> {frequency}",
                frequency=FREQUENCY_WORDS[CORE_FREQUENCY],
            )
        )
    not_measured: list[str] = []
    for code in module.measures:
        measure = MEASURES[code]
        score = getattr(baseline, code)
        if score is None:
            other = measure.alternative
            if other and (getattr(baseline, other) is not None or other in not_measured):
                if other in not_measured:
                    not_measured.append(code)
                continue  # the other one is read instead, or already reported missing
            not_measured.append(code)
            label: str | Reason = measure.label
            if other in module.measures:
                label = Reason("{one} or {other}", one=measure.label, other=MEASURES[other].label)
            facts.append(
                Reason("{measure}: no baseline score, so it sets no frequency yet", measure=label)
            )
            continue
        frequency, fact = _measured(measure, score)
        asks.append((code, frequency))
        facts.append(fact)
    most = max((sessions_per_month(frequency) for _, frequency in asks), default=0)
    frequency = next((f for _, f in asks if f and sessions_per_month(f) == most), None)
    set_by = tuple(code for code, f in asks if f is not None and f == frequency)
    if frequency is not None:
        rule = Reason(
            "sessions {frequency}, the most frequent of these: {rule}",
            frequency=FREQUENCY_WORDS[frequency],
            rule=LOCAL_RULE,
        )
    elif not asks:
        rule = Reason("no frequency yet: none of its measures has a baseline score")
    else:
        rule = Reason("no sessions called for by the baseline scores: {rule}", rule=LOCAL_RULE)
    return Recommendation(
        code=module.code,
        frequency=frequency,
        reason=Reason.joined([*facts, rule]),
        set_by=set_by,
        not_measured=tuple(not_measured),
    )


def _safety(baseline: Baseline) -> list[Recommendation]:
    """PHQ-9 item 9 above 0 needs an immediate clinical risk assessment whatever the total;
    an unanswered item 9 leaves the safety state unknown, to be followed up (clinical-reference
    1.1)."""
    item9 = baseline.phq9_item9
    if item9 is not None and item9 > 0:
        reason = Reason(
            "PHQ-9 item 9 = {answer} (> 0): an urgent clinical risk assessment comes first, "
            "before any session is planned; the frequencies below apply only after it "
            "[clinical-reference 1.1]",
            answer=item9,
        )
        return [Recommendation(URGENT_RISK_ASSESSMENT, None, reason, set_by=("phq9",), urgent=True)]
    if item9 is None and baseline.phq9 is not None:
        reason = Reason(
            "PHQ-9 item 9 not answered: the safety state is unknown and must be followed up "
            "before any session is planned [clinical-reference 1.1]"
        )
        return [Recommendation(RISK_FOLLOW_UP, None, reason, set_by=("phq9",), urgent=True)]
    return []


def recommend(baseline: Baseline) -> tuple[Recommendation, ...]:
    """Any urgent safety step first, then every module in catalogue order with its frequency."""
    return (*_safety(baseline), *(_module(module, baseline) for module in MODULES))


# How often a module can be offered, least to most often (None: not offered).
LADDER: tuple[Frequency | None, ...] = (
    None,
    Frequency.MONTHLY,
    Frequency.FORTNIGHTLY,
    Frequency.WEEKLY,
)


def more_often(frequency: Frequency | None) -> Frequency | None:
    """One step up the ladder; None when the module is already offered weekly, the most the
    program offers."""
    step = LADDER.index(frequency) + 1
    return LADDER[step] if step < len(LADDER) else None


@dataclass(frozen=True)
class SetFrequency:
    """A module's frequency the care team set (e.g. a proposal of the adjustment rules
    accepted), with why."""

    frequency: Frequency
    reason: str
    set_on: str  # the day, as an ISO date


def with_set_frequencies(
    recommendations: tuple[Recommendation, ...], set_by_team: Mapping[str, SetFrequency]
) -> tuple[Recommendation, ...]:
    """The recommendations with the frequencies the care team set: a module is offered as often
    as the more frequent of the baseline rule's and the team's, so that new worse scores never
    give fewer sessions than the rule asks for."""
    adjusted = []
    for recommendation in recommendations:
        chosen = set_by_team.get(recommendation.code)
        if chosen is None or sessions_per_month(chosen.frequency) <= (
            recommendation.sessions_per_month
        ):
            adjusted.append(recommendation)
            continue
        why = Reason(
            "set by the care team on {day} to {frequency}: {why}",
            day=chosen.set_on,
            frequency=FREQUENCY_WORDS[chosen.frequency],
            why=chosen.reason,
        )
        adjusted.append(
            Recommendation(
                code=recommendation.code,
                frequency=chosen.frequency,
                reason=Reason.joined([recommendation.reason, why]),
                set_by=(*recommendation.set_by, "care_team"),
                not_measured=recommendation.not_measured,
                urgent=recommendation.urgent,
            )
        )
    return tuple(adjusted)
