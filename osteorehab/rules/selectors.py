"""Reads for the adjustment rules: the patients in the program, each one's history as the rules
read it (a fixed number of queries for a whole batch of patients), and the proposals as the
pages show them."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.translation import gettext

from osteorehab.accounts.domain import Action, Role, may
from osteorehab.assessments.models import Assessment
from osteorehab.assessments.selectors import baseline_profiles
from osteorehab.assessments.templatetags.assessments import code_words, instrument_name
from osteorehab.followup.domain import MARKED_HELD, Status
from osteorehab.followup.models import Kind, ScheduleItem
from osteorehab.followup.selectors import administered_days, standing_of
from osteorehab.logbook.adherence import Span, adherence_of
from osteorehab.logbook.models import (
    CheckIn,
    CompletionChoice,
    ExerciseLog,
    FallReport,
    SkipReasonChoice,
)
from osteorehab.patients.domain import OPEN
from osteorehab.patients.models import Caregiver, Consent, ConsentKind, Patient
from osteorehab.plans.domain import RECENT_SESSIONS, items_of, recorded_facts
from osteorehab.plans.exercises import Dose
from osteorehab.plans.models import Goal, GoalRating, PlanVersion
from osteorehab.plans.selectors import names
from osteorehab.psychology.domain import FREQUENCY_WORDS, MODULES_BY_CODE, Frequency, more_often

from . import domain
from .models import Proposal

CHECK_IN_DAYS = 14  # the rules compare the check-ins of the last two weeks (domain._weekly_rise)


def in_program() -> QuerySet[Patient]:
    """The patients the program works with: an open episode (one at most, by constraint, so
    each patient once), whatever episodes they had before."""
    return Patient.objects.filter(episodes__status__in=sorted(status.value for status in OPEN))


def _assessments(ids: Sequence[int], since: date) -> list[dict[str, Any]]:
    """Each instrument's last two computable readings whatever their age, and every reading
    since `since`: all any rule reads (two queries, three with PHQ-9 answers)."""
    valid = Assessment.objects.valid().filter(patient_id__in=ids)
    fields = ("id", "patient_id", "instrument", "administered_on", "total", "band")
    last_two = (
        valid.filter(total__isnull=False)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("patient_id"), F("instrument")],
                order_by=[F("administered_on").desc(), F("id").desc()],
            )
        )
        .filter(place__lte=2)
        .values(*fields)
    )
    rows = {row["id"]: row for row in last_two}
    rows.update({row["id"]: row for row in valid.filter(administered_on__gt=since).values(*fields)})
    phq9 = [pk for pk, row in rows.items() if row["instrument"] == "phq9"]
    answers = dict(Assessment.objects.filter(pk__in=phq9).values_list("pk", "answers"))
    for pk in phq9:
        items = (answers.get(pk) or {}).get("items")
        rows[pk]["items"] = tuple(items) if isinstance(items, list) else ()
    return list(rows.values())


@dataclass(frozen=True)
class Version:
    """A plan version as the rules read it: its number and stored document."""

    number: int
    content: dict[str, Any]


def _plans(ids: Sequence[int]) -> dict[int, list[Version]]:
    versions: dict[int, list[Version]] = defaultdict(list)
    rows = PlanVersion.objects.filter(plan__patient_id__in=ids).order_by("number")
    for patient_id, number, content in rows.values_list("plan__patient_id", "number", "content"):
        versions[patient_id].append(Version(number, content))
    return versions


def plan_items(versions: Sequence[Version]) -> tuple[domain.PlanItem, ...]:
    """The latest version's items, each with the version from which its exercise and dose have
    been as they are now (versions in number order; the earlier ones' doses only are read)."""
    if not versions:
        return ()
    doses = [
        {raw["exercise"]: Dose(**raw["dose"]) for raw in v.content.get("items", ())}
        for v in versions
    ]
    found = []
    for item in items_of(versions[-1].content):
        since = versions[-1].number
        for version, earlier in zip(reversed(versions[:-1]), reversed(doses[:-1]), strict=True):
            if earlier.get(item.exercise) != item.dose:
                break
            since = version.number
        found.append(domain.PlanItem(item, since))
    return tuple(found)


def _family_consented(ids: Sequence[int]) -> set[int]:
    """Patients whose latest decision on family sharing is yes, with a caregiver who joined."""
    latest: dict[int, bool] = {}
    consents = Consent.objects.filter(patient_id__in=ids, kind=ConsentKind.FAMILY_SHARING)
    for patient_id, granted in consents.order_by("decided_on", "id").values_list(
        "patient_id", "granted"
    ):
        latest[patient_id] = granted
    joined = set(
        Caregiver.objects.filter(
            patient_id__in=ids, accepted_at__isnull=False, revoked_at__isnull=True
        ).values_list("patient_id", flat=True)
    )
    return {pk for pk, granted in latest.items() if granted and pk in joined}


def _overdue(ids: Sequence[int], today: date) -> dict[int, list[domain.Overdue]]:
    """The follow-up items past their due date, not done, whose window is still open: those
    the patient can still do (a team review is the team's own, not the patient's). Only the
    items that can be overdue are read (past their due date, window open: `item_status`), with
    the follow-up app's own rules for whether they were done (three queries)."""
    items = list(
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(patient_id__in=ids, due_on__lt=today, closes_on__gte=today)
        .exclude(kind__in=sorted(MARKED_HELD))
        .select_related("episode")
    )
    found: dict[int, list[domain.Overdue]] = defaultdict(list)
    if not items:
        return found
    with translation.override("en"):
        for scheduled in standing_of(items, administered_days(items, ids, today), today):
            item = scheduled.item
            if scheduled.status == Status.OVERDUE:
                what = str(Kind(item.kind).label)
                found[item.patient_id].append(domain.Overdue(item.pk, what, item.due_on))
    return found


def _weeks(ids: Sequence[int], today: date) -> dict[int, tuple[domain.Week, ...]]:
    """The last complete weeks the adherence rule reads, for each patient (one query)."""
    monday = today - timedelta(days=today.weekday())
    mondays = [monday - timedelta(weeks=n) for n in range(domain.ADHERENCE_WEEKS, 0, -1)]
    spans = {
        (pk, first): Span(pk, first, first + timedelta(days=6)) for pk in ids for first in mondays
    }
    counted = adherence_of(list(spans.values()))
    return {
        pk: tuple(
            domain.Week(first, *astuple(counted[spans[(pk, first)]].adherence)) for first in mondays
        )
        for pk in ids
    }


SESSION_FIELDS = (
    "patient_id", "id", "day", "exercise", "plan_version", "completion", "effort", "pain",
    "skip_reason",
)  # fmt: skip


def _sessions(ids: Sequence[int], since: date, today: date) -> dict[int, list[domain.Logged]]:
    """The sessions the rules read: each exercise's last RECENT_SESSIONS at its current dose
    within the lookback (`domain._sessions`), a plan version on. Whichever version the dose has
    been the same from, those sessions are among the last RECENT_SESSIONS of each version, so
    the database gives those and no more (one query)."""
    place = Window(
        RowNumber(),
        partition_by=[F("patient_id"), F("exercise"), F("plan_version")],
        order_by=[F("day").desc(), F("id").desc()],
    )
    found: dict[int, list[domain.Logged]] = defaultdict(list)
    for patient_id, *logged in (
        ExerciseLog.objects.filter(patient_id__in=ids, day__gt=since, day__lte=today)
        .annotate(place=place)
        .filter(place__lte=RECENT_SESSIONS)
        .order_by()
        .values_list(*SESSION_FIELDS)
    ):
        found[patient_id].append(domain.Logged(*logged))
    return found


def histories(patients: Sequence[Patient], today: date) -> dict[int, domain.History]:
    """Each patient's history as the rules read it: a fixed number of queries for the whole
    batch (about fifteen), whatever its size and the length of the histories."""
    ids = [patient.pk for patient in patients]
    since = today - timedelta(days=domain.LOOKBACK_DAYS)
    scores: dict[int, list[domain.Score]] = defaultdict(list)
    for row in _assessments(ids, since):
        scores[row["patient_id"]].append(
            domain.Score(
                row["id"],
                row["administered_on"],
                row["instrument"],
                row["total"],
                row["band"],
                row.get("items", ()),
            )
        )
    sessions = _sessions(ids, since, today)
    checks: dict[int, list[domain.Check]] = defaultdict(list)
    for patient_id, pk, day, fatigue, pain in (
        CheckIn.objects.filter(
            patient_id__in=ids, day__gt=today - timedelta(days=CHECK_IN_DAYS), day__lte=today
        )
        .order_by()
        .values_list("patient_id", "id", "day", "fatigue", "pain")
    ):
        checks[patient_id].append(domain.Check(pk, day, fatigue, pain))
    falls: dict[int, list[domain.Fall]] = defaultdict(list)
    for patient_id, pk, day, injury, could_get_up in (
        FallReport.objects.filter(patient_id__in=ids, happened_on__gt=since, happened_on__lte=today)
        .order_by()
        .values_list("patient_id", "id", "happened_on", "injury", "could_get_up")
    ):
        falls[patient_id].append(domain.Fall(pk, day, injury, could_get_up))
    ratings: dict[int, list[domain.Rating]] = defaultdict(list)
    for patient_id, pk, goal_id, day, level in (
        GoalRating.objects.filter(goal__patient_id__in=ids, rated_on__gt=since, rated_on__lte=today)
        .order_by()
        .values_list("goal__patient_id", "id", "goal_id", "rated_on", "level")
    ):
        ratings[patient_id].append(domain.Rating(pk, goal_id, day, level))
    versions = _plans(ids)
    plans = {pk: plan_items(mine) for pk, mine in versions.items()}
    planned = [pk for pk in ids if plans.get(pk)]
    # the profile the exercise steps are checked against, for those with sessions to step
    profiles = baseline_profiles([pk for pk in planned if sessions.get(pk)])
    weeks = _weeks(planned, today)
    consented = _family_consented(ids)
    overdue = _overdue(ids, today)
    return {
        pk: domain.History(
            assessments=tuple(scores.get(pk, ())),
            sessions=tuple(sessions.get(pk, ())),
            check_ins=tuple(checks.get(pk, ())),
            falls=tuple(falls.get(pk, ())),
            weeks=weeks.get(pk, ()),
            ratings=tuple(ratings.get(pk, ())),
            overdue=tuple(overdue.get(pk, ())),
            plan=plans.get(pk, ()),
            facts=recorded_facts(versions[pk][-1].content, profiles[pk])
            if pk in profiles
            else domain.History().facts,
            family_consented=pk in consented,
        )
        for pk in ids
    }


# ---- The proposals as the pages show them ----


def _yes_no(value: Any) -> str:
    return gettext("yes") if value else gettext("no")


def point_words(point: dict[str, Any], names: dict[str, str], goals: dict[int, str]) -> str:
    """A data point of a proposal's evidence in words, in the user's language."""
    kind = point["kind"]
    if kind == "assessment":
        band = code_words(point.get("band"), point["instrument"])
        words = f"{instrument_name(point['instrument'])} {point['total']}"
        if point.get("item9") is not None:
            words += " · " + gettext("item 9: %(answer)s") % {"answer": point["item9"]}
        return f"{words} ({band})" if band else words
    if kind == "session":
        parts = [
            names.get(point["exercise"], point["exercise"]),
            str(dict(CompletionChoice.choices).get(point["completion"], point["completion"])),
        ]
        if point.get("skip_reason"):
            parts.append(str(dict(SkipReasonChoice.choices).get(point["skip_reason"], "")))
        if point.get("effort") is not None:
            parts.append(gettext("effort %(effort)s of 10") % {"effort": point["effort"]})
        if point.get("pain") is not None:
            parts.append(gettext("pain %(pain)s of 10") % {"pain": point["pain"]})
        return ", ".join(parts)
    if kind == "check_in":
        return gettext("tiredness %(fatigue)s of 10, pain %(pain)s of 10") % point
    if kind == "fall":
        return gettext("a fall; hurt: %(injury)s; got up alone: %(up)s") % {
            "injury": _yes_no(point["injury"]),
            "up": _yes_no(point["could_get_up"]),
        }
    if kind == "week":
        return (
            gettext(
                "week from %(day)s: %(planned)s days planned, %(done)s done, %(partly)s in part"
            )
            % point
        )
    if kind == "goal_rating":
        return gettext("goal “%(goal)s” rated %(level)+d") % {
            "goal": goals.get(point["goal"], point["goal"]),
            "level": point["level"],
        }
    if kind == "follow_up":
        return gettext("%(what)s, due %(day)s") % {"what": gettext(point["what"]), **point}
    return str(point)


def goal_names(proposals: Iterable[Proposal]) -> dict[int, str]:
    """The goals the proposals' evidence names, by id (one query)."""
    ids = {p["goal"] for proposal in proposals for p in proposal.evidence if "goal" in p}
    return dict(Goal.objects.filter(pk__in=ids).values_list("pk", "statement")) if ids else {}


@dataclass(frozen=True)
class Card:
    """A proposal as the pages show it, in the reader's language."""

    proposal: Proposal
    can_decide: bool
    items: list[dict[str, Any]]
    module: str  # the module's name, "" when the change has none
    frequency: str  # how often it would be offered, in words
    tasks: list[str]
    evidence: list[tuple[str, str]]  # (day, what)


def cards(
    proposals: Sequence[Proposal],
    user: Any,
    language: str,
    in_force: dict[str, Frequency | None] | None = None,
) -> list[Card]:
    """Each proposal with its change and evidence in words (two queries: exercise names and
    goals). `in_force` is each module's frequency now (`psych_plan`), where the page has it."""
    exercise_names = names(language)
    goals = goal_names(proposals)
    role = Role(user.role)
    found = []
    for proposal in proposals:
        change = proposal.applied or proposal.proposed
        frequency = ""
        if change.module:
            target = (
                Frequency(change.frequency)
                if change.frequency
                else more_often((in_force or {}).get(change.module))
                if in_force is not None
                else None
            )
            frequency = (
                gettext(FREQUENCY_WORDS[target])
                if target
                else gettext("one step more often than now")
            )
        found.append(
            Card(
                proposal=proposal,
                can_decide=proposal.is_open
                and may(role, Action.EDIT)
                and domain.may_decide(role, Role(proposal.role), domain.Urgency(proposal.urgency)),
                items=[
                    {
                        "change": item,
                        "name": exercise_names.get(item.exercise, item.exercise),
                        "to_name": exercise_names.get(item.to_exercise, item.to_exercise),
                        "alternatives": [exercise_names.get(a, a) for a in item.alternatives],
                    }
                    for item in change.items
                ],
                module=gettext(MODULES_BY_CODE[change.module].name) if change.module else "",
                frequency=frequency,
                tasks=[gettext(domain.TASK_WORDS[task]) for task in change.tasks],
                evidence=[
                    (point["day"], point_words(point, exercise_names, goals))
                    for point in proposal.evidence
                ],
            )
        )
    return found
