"""A program's cohort of episodes: what the dashboard's figures and the de-identified analysis
data set are made of. A fixed number of queries whatever the size of the cohort: the rows are
read once and put together here (counts that the database can group are grouped there); the
follow-up schedule's status of many items at once is the follow-up app's own (`administered_days`,
`standing_of`)."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Better, Reason, cited
from osteorehab.assessments.models import Assessment
from osteorehab.followup.models import Kind as ScheduleKind
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import Standing, standings
from osteorehab.logbook import domain as logbook
from osteorehab.logbook.adherence import Span, adherence_of
from osteorehab.logbook.incentives import BALANCE_WORK, STRENGTH_WORK
from osteorehab.logbook.models import ExerciseLog, FallReport
from osteorehab.logbook.selectors import in_force_from
from osteorehab.patients.domain import CLOSED, EpisodeStatus, Fill, age_on
from osteorehab.patients.models import Episode, Fracture, Medication, MedicationFill
from osteorehab.plans.domain import Item, items_of
from osteorehab.plans.models import Exercise, PlanVersion

from . import domain
from .selectors import EXERCISE_WORK, FALLS_ASSESSMENTS, MEASURES, REPEATED

# ---- A program's cohort ----


@dataclass(frozen=True)
class Filters:
    site: int | None = None
    team: int | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    status: str | None = None


@dataclass
class EpisodeRow:
    """An episode of the cohort with everything its figures need."""

    id: int
    patient_id: int
    number: int  # the patient's first, second… episode
    enrolled_on: date
    started_on: date | None
    ended_on: date | None
    status: str
    until: date  # the day before the patient's next episode, or today: its data's horizon
    site_id: int
    team_id: int
    date_of_birth: date
    sex: str
    falls: int
    refractures: int
    first_exercise: date | None = None  # the first strength or balance session from enrolment
    sessions: logbook.Adherence | None = None  # None: nothing planned
    logged: bool = False
    readings: dict[str, list[domain.Reading]] = field(default_factory=dict)
    facts: domain.EpisodeFacts | None = None

    @property
    def withdrawn_on(self) -> date | None:
        return self.ended_on if self.status == EpisodeStatus.WITHDRAWN else None

    @property
    def age(self) -> int:
        """Age at enrolment."""
        return age_on(self.date_of_birth, self.enrolled_on)

    def exposure_days(self, today: date) -> int:
        return domain.exposure_days(self.enrolled_on, self.ended_on, today)

    def baseline(self, code: str) -> domain.Reading | None:
        if self.started_on is None:
            return None
        return domain.baseline_of(
            self.readings.get(code, []), enrolled_on=self.enrolled_on, started_on=self.started_on
        )

    def at(self, code: str, months: int) -> domain.Reading | None:
        if self.started_on is None:
            return None
        return domain.reading_at(
            self.readings.get(code, []), started_on=self.started_on, months=months, until=self.until
        )


def episodes_of(organisation_id: int, filters: Filters) -> QuerySet[Episode]:
    """The organisation's episodes the filters select (by the patient's current care team and
    site, the day of enrolment and the episode's status)."""
    return Episode.objects.filter(chosen(organisation_id, filters))


def chosen(organisation_id: int, filters: Filters, episode: str = "") -> Q:
    """The filters as a condition on episodes, or on rows that lead to their episode by the
    lookup `episode` (e.g. "episode__" from an episode's summary)."""
    found: dict[str, Any] = {f"{episode}patient__organisation_id": organisation_id}
    if filters.site:
        found[f"{episode}patient__care_team__site_id"] = filters.site
    if filters.team:
        found[f"{episode}patient__care_team_id"] = filters.team
    if filters.enrolled_from:
        found[f"{episode}referred_on__gte"] = filters.enrolled_from
    if filters.enrolled_to:
        found[f"{episode}referred_on__lte"] = filters.enrolled_to
    if filters.status:
        found[f"{episode}status"] = filters.status
    return Q(**found)


def _counted_in_episode(rows: QuerySet[Any], day_field: str) -> Subquery:
    """How many of the patient's `rows` fall inside the episode, counted by the database."""
    inside = rows.filter(
        patient_id=OuterRef("patient_id"),
        **{f"{day_field}__gte": OuterRef("referred_on"), f"{day_field}__lte": OuterRef("last_day")},
    )
    return Subquery(inside.order_by().values("patient_id").annotate(n=Count("pk")).values("n")[:1])


def _first_exercise() -> Subquery:
    """The patient's first strength or balance session (done in full or in part) from the
    episode's enrolment on, found by the database."""
    codes = Exercise.objects.filter(category__in=EXERCISE_WORK).values("code")
    sessions = ExerciseLog.objects.filter(
        patient_id=OuterRef("patient_id"),
        day__gte=OuterRef("referred_on"),
        completion__in=[logbook.Completion.DONE, logbook.Completion.PARTLY],
        exercise__in=codes,
    )
    return Subquery(sessions.order_by("day").values("day")[:1])


def _episode_rows(episodes: QuerySet[Episode], today: date) -> list[EpisodeRow]:
    closed = sorted(status.value for status in CLOSED)
    annotated = episodes.annotate(
        started_on=Min("changes__on", filter=Q(changes__to_status=EpisodeStatus.ACTIVE)),
        last_day=Case(When(status__in=closed, then=F("status_since")), default=Value(today)),
    ).annotate(
        fall_count=Coalesce(_counted_in_episode(FallReport.objects.all(), "happened_on"), 0),
        fracture_count=Coalesce(_counted_in_episode(Fracture.objects.valid(), "occurred_on"), 0),
        first_exercise=_first_exercise(),
    )
    values = annotated.values(
        "id",
        "patient_id",
        "referred_on",
        "started_on",
        "status",
        "status_since",
        "fall_count",
        "fracture_count",
        "first_exercise",
        "patient__care_team_id",
        "patient__care_team__site_id",
        "patient__date_of_birth",
        "patient__sex",
    ).order_by("referred_on", "id")
    rows = list(values)
    patients = {row["patient_id"] for row in rows}
    referrals: dict[int, list[date]] = defaultdict(list)
    all_episodes = Episode.objects.filter(patient_id__in=patients).order_by("referred_on", "id")
    for patient_id, referred_on in all_episodes.values_list("patient_id", "referred_on"):
        referrals[patient_id].append(referred_on)
    found = []
    for row in rows:
        mine = referrals[row["patient_id"]]
        later = [day for day in mine if day > row["referred_on"]]
        found.append(
            EpisodeRow(
                id=row["id"],
                patient_id=row["patient_id"],
                number=mine.index(row["referred_on"]) + 1,
                enrolled_on=row["referred_on"],
                started_on=row["started_on"],
                ended_on=row["status_since"] if row["status"] in closed else None,
                status=row["status"],
                until=min(later[0] - timedelta(days=1), today) if later else today,
                site_id=row["patient__care_team__site_id"],
                team_id=row["patient__care_team_id"],
                date_of_birth=row["patient__date_of_birth"],
                sex=row["patient__sex"],
                falls=row["fall_count"],
                refractures=row["fracture_count"],
                first_exercise=row["first_exercise"],
            )
        )
    return found


def _plans(patients: set[int]) -> dict[int, list[tuple[date, list[Item]]]]:
    """Each patient's approved plan versions, the latest first, with the day each came into
    force (one query): what `logbook.selectors.plan_by_day` reads, for many patients at once."""
    versions = (
        PlanVersion.objects.filter(plan__patient_id__in=patients)
        .filter(Q(needs_approval=False) | Q(approved_at__isnull=False))
        .select_related("plan")
        .order_by("-number")
    )
    found: dict[int, list[tuple[date, list[Item]]]] = defaultdict(list)
    for version in versions:
        found[version.plan.patient_id].append((in_force_from(version), items_of(version.content)))
    return found


def _exercise_started(
    starts: list[tuple[date, list[Item]]],
    first_session: date | None,
    categories: dict[str, str],
    enrolled_on: date,
    until: date,
) -> date | None:
    """The first day from enrolment on which a plan with strength and balance work was in
    force, or a strength or balance session was logged (done in full or in part)."""
    days = []
    for start, items in starts:
        kinds = {categories.get(item.exercise) for item in items}
        if kinds & set(BALANCE_WORK) and kinds & set(STRENGTH_WORK):
            later = [s for s, _items in starts if s > start]  # when a newer version replaced it
            if not later or min(later) > enrolled_on:
                days.append(max(start, enrolled_on))
    if first_session is not None:
        days.append(first_session)
    inside = [day for day in days if day <= until]
    return min(inside) if inside else None


def _treatments(patients: set[int]) -> dict[int, list[domain.Treatment]]:
    """Each patient's anti-osteoporosis medicines with their refills (two queries)."""
    fills: dict[int, list[Fill]] = defaultdict(list)
    for medication_id, dispensed_on, days_supply in (
        MedicationFill.objects.valid()
        .filter(medication__patient_id__in=patients)
        .values_list("medication_id", "dispensed_on", "days_supply")
    ):
        fills[medication_id].append(Fill(dispensed_on, days_supply))
    found: dict[int, list[domain.Treatment]] = defaultdict(list)
    for medication_id, patient_id, started_on, stopped_on in (
        Medication.objects.valid()
        .filter(patient_id__in=patients)
        .values_list("pk", "patient_id", "started_on", "stopped_on")
    ):
        found[patient_id].append(
            domain.Treatment(started_on, stopped_on, tuple(fills[medication_id]))
        )
    return found


def cohort_rows(organisation_id: int, filters: Filters, today: date) -> list[EpisodeRow]:
    """The cohort's episodes, each with its readings, sessions and indicator facts. A fixed
    number of queries, whatever the size of the cohort."""
    return episode_rows(episodes_of(organisation_id, filters), today)


def episode_rows(episodes: QuerySet[Episode], today: date) -> list[EpisodeRow]:
    """These episodes, each with its readings, sessions and indicator facts (a fixed number of
    queries; the sessions counted by the database, `logbook.adherence`)."""
    rows = _episode_rows(episodes, today)
    patients = {row.patient_id for row in rows}
    readings: dict[int, dict[str, list[domain.Reading]]] = defaultdict(lambda: defaultdict(list))
    days: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    assessments = (
        Assessment.objects.valid()
        .filter(patient_id__in=patients, valid=True)
        .filter(
            Q(instrument__in=REPEATED, total__isnull=False) | Q(instrument__in=FALLS_ASSESSMENTS)
        )
        .order_by("administered_on", "id")
        .values_list("patient_id", "instrument", "administered_on", "total")
    )
    for patient_id, code, day, total in assessments:
        days[patient_id][code].append(day)
        if code in REPEATED and total is not None:
            readings[patient_id][code].append(domain.Reading(day, total))
    plans = _plans(patients)
    spans = {row.id: _sessions_span(row, today) for row in rows}
    tallies = adherence_of([span for span in spans.values() if span is not None])
    categories = dict(Exercise.objects.values_list("code", "category"))
    treatments = _treatments(patients)
    for row in rows:
        mine = plans.get(row.patient_id, [])
        row.readings = readings[row.patient_id]
        span = spans[row.id]
        if span is not None:
            tally = tallies[span]
            row.sessions = tally.adherence if tally.adherence.planned else None
            row.logged = tally.entries > 0
        row.facts = domain.EpisodeFacts(
            enrolled_on=row.enrolled_on,
            bone_density_on=tuple(days[row.patient_id]["bone_density"]),
            falls_assessed_on=tuple(
                day
                for code in FALLS_ASSESSMENTS
                for day in days[row.patient_id][code]
                if day <= row.until
            ),
            exercise_started_on=_exercise_started(
                mine, row.first_exercise, categories, row.enrolled_on, row.until
            ),
            treatments=tuple(treatments[row.patient_id]),
        )
    return rows


def _sessions_span(row: EpisodeRow, today: date) -> Span | None:
    """The days an episode's adherence counts: from the start of the program to its end, or to
    yesterday (today is not over); None before it started."""
    if row.started_on is None:
        return None
    last = min(row.ended_on or today, today - timedelta(days=1))
    return Span(row.patient_id, row.started_on, last) if last >= row.started_on else None


def follow_up_items(rows: Sequence[EpisodeRow], today: date) -> list[Standing]:
    """The follow-up schedule items of the cohort's episodes with their status today (two
    queries, through the follow-up app's own status rules)."""
    return standings(ScheduleItem.objects.filter(episode_id__in=[row.id for row in rows]), today)


# ---- The cohort's figures ----


@dataclass(frozen=True)
class MeasureChange:
    code: str
    changes: dict[int, domain.PairedChange | None]  # months -> change from baseline

    @property
    def name(self) -> str:
        return INSTRUMENTS[self.code].name

    @property
    def mcid(self) -> float | None:
        return INSTRUMENTS[self.code].mcid

    @property
    def mcid_source(self) -> Reason | None:
        source = INSTRUMENTS[self.code].mcid_source
        return cited(source) if source else None

    @property
    def better(self) -> Better:
        return cast(Better, INSTRUMENTS[self.code].better)


@dataclass(frozen=True)
class FollowUpKind:
    kind: str
    done: int
    missed: int
    open: int  # due or overdue: still to do
    completion: domain.Share | None  # done of those whose window closed or done

    @property
    def label(self) -> str:
        return str(ScheduleKind(self.kind).label)


@dataclass(frozen=True)
class Cohort:
    today: date
    episodes: int
    patients: int
    by_status: list[tuple[str, int]]
    by_month: list[tuple[str, int]]  # YYYY-MM of enrolment
    started: int
    withdrawn: domain.Share | None  # of those who started
    retained: dict[int, domain.Share | None]  # months -> retained, of those that far along
    with_plan: int
    not_logging: int  # a plan, but nothing logged
    adherence: domain.Spread | None  # percent of planned sessions, of those logging
    changes: list[MeasureChange]
    falls: domain.Rate | None
    refractures: domain.Rate | None
    patient_days: int
    follow_ups: list[FollowUpKind]
    follow_up_completion: domain.Share | None
    indicators: list[tuple[str, domain.Share | None]]  # its words (untranslated), the share
    as_of: datetime | None = None  # when the figures were computed, if not just now


def _pairs(rows: Iterable[EpisodeRow], code: str, months: int) -> list[tuple[float, float]]:
    pairs = []
    for row in rows:
        before, after = row.baseline(code), row.at(code, months)
        if before is not None and after is not None:
            pairs.append((before.value, after.value))
    return pairs


def cohort(rows: Sequence[EpisodeRow], items: Sequence[Standing], today: date) -> Cohort:
    """The dashboard's figures from the cohort's episodes and their follow-up items (no query)."""
    statuses: dict[str, int] = defaultdict(int)
    months: dict[str, int] = defaultdict(int)
    for row in rows:
        statuses[row.status] += 1
        months[row.enrolled_on.strftime("%Y-%m")] += 1
    started = [row for row in rows if row.started_on is not None]
    retained = {}
    for mark in domain.TIME_POINTS:
        verdicts = [
            domain.retained_at(cast(date, r.started_on), r.withdrawn_on, mark, today)
            for r in started
        ]
        counted = [v for v in verdicts if v is not None]
        retained[mark] = domain.share(sum(counted), len(counted))
    planned = [row for row in rows if row.sessions is not None]
    logging = [row for row in planned if row.logged]
    changes = []
    for code in REPEATED:
        found = {
            m: domain.paired_change(
                _pairs(started, code, m),
                better=cast(Better, INSTRUMENTS[code].better),
                mcid=INSTRUMENTS[code].mcid,
            )
            for m in domain.TIME_POINTS
        }
        if code in MEASURES or any(found.values()):
            changes.append(MeasureChange(code, found))
    days = sum(row.exposure_days(today) for row in rows)
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for standing in items:
        kinds[standing.item.kind][standing.status] += 1
    follow_ups = [
        FollowUpKind(
            kind,
            counts["done"],
            counts["missed"],
            counts["due"] + counts["overdue"],
            domain.share(counts["done"], counts["done"] + counts["missed"]),
        )
        for kind, counts in sorted(kinds.items())
    ]
    facts = [row.facts for row in rows if row.facts is not None]
    return Cohort(
        today=today,
        episodes=len(rows),
        patients=len({row.patient_id for row in rows}),
        by_status=[(s.value, statuses[s.value]) for s in EpisodeStatus if statuses[s.value]],
        by_month=sorted(months.items()),
        started=len(started),
        withdrawn=domain.share(sum(1 for r in started if r.withdrawn_on), len(started)),
        retained=retained,
        with_plan=len(planned),
        not_logging=len(planned) - len(logging),
        adherence=domain.spread(
            100 * cast(float, row.sessions.share) for row in logging if row.sessions
        ),
        changes=changes,
        falls=domain.event_rate(sum(r.falls for r in rows), days, per_days=domain.PER_1000_DAYS),
        refractures=domain.event_rate(
            sum(r.refractures for r in rows), days, per_days=domain.PER_100_YEARS
        ),
        patient_days=days,
        follow_ups=follow_ups,
        follow_up_completion=domain.share(
            sum(k.done for k in follow_ups), sum(k.done + k.missed for k in follow_ups)
        ),
        indicators=[
            (domain.INDICATOR_WORDS[indicator], domain.indicator_share(indicator, facts, today))
            for indicator in domain.Indicator
        ],
    )


# ---- The de-identified analysis data set ----

ANALYSIS_HEADER = [
    "patient",  # a pseudonym, new with each export
    "episode",  # the patient's first, second… program episode
    "site",
    "care_team",
    "age_band",  # at enrolment
    "sex",
    "status",
    "time_point",  # baseline, 3m, 6m, 12m (a time point is listed once it is due)
    *REPEATED,  # each measure's reading at the time point, blank where none
    "adherence_percent",  # planned sessions done over the episode to yesterday
    "planned_sessions",
    "patient_days",
    "falls",
    "refractures",
]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def analysis_table(
    rows: Sequence[EpisodeRow], today: date, pseudonym: Callable[[int], str]
) -> list[list[str]]:
    """The header and one line per episode and due time point: codes and numbers only, never
    a name, a date of birth, a date or free text."""
    lines = [list(ANALYSIS_HEADER)]
    for row in rows:
        points: list[tuple[str, int | None]] = [("baseline", None)]
        if row.started_on is not None:
            points += [
                (f"{months}m", months)
                for months in domain.TIME_POINTS
                if domain.add_months(row.started_on, months) <= row.until
            ]
        sessions = row.sessions
        share = sessions.share if sessions else None
        episode = [
            _number(None if share is None else round(100 * share, 1)),
            _number(sessions.planned) if sessions else "",
            str(row.exposure_days(today)),
            str(row.falls),
            str(row.refractures),
        ]
        for name, months in points:
            values = []
            for code in REPEATED:
                reading = row.baseline(code) if months is None else row.at(code, months)
                values.append(_number(reading.value if reading else None))
            lines.append(
                [
                    pseudonym(row.patient_id),
                    str(row.number),
                    f"S{row.site_id}",
                    f"T{row.team_id}",
                    domain.age_band(row.age),
                    row.sex,
                    row.status,
                    name,
                    *values,
                    *episode,
                ]
            )
    return lines
