"""The cohort dashboard from the episodes' summaries: writing each episode's figures as the live
computation finds them (`cohort.episode_rows`, `cohort.follow_up_items`), and the dashboard's
`Cohort` summed up from them by the database, in a fixed number of aggregate queries whatever
the size of the program. The de-identified data set still reads the live rows (it lists every
episode anyway).

Kept up to date by the hourly job (`tasks.cohort_summaries`) and, for the episodes a dashboard
finds without a summary of the day, by the job the dashboard asks for. The summaries are
derived figures of data whose every change is audited where it is made: writing them records
no audit event, as the rules' sweep progress does not.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, StdDev, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Better
from osteorehab.followup.domain import Status
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode

from . import domain
from .cohort import (
    Cohort,
    EpisodeRow,
    Filters,
    FollowUpKind,
    MeasureChange,
    chosen,
    cohort,
    episode_rows,
    follow_up_items,
)
from .models import INDICATOR_FIELDS, EpisodeChange, EpisodeFollowUp, EpisodeSummary
from .selectors import MEASURES, REPEATED

CHUNK = 500  # patients whose episodes are summed up at a time: one transaction each
RETAINED_FIELDS = {months: f"retained_{months}" for months in domain.TIME_POINTS}
OPEN = (Status.DUE, Status.OVERDUE)  # a follow-up item still to do


# ---- Writing ----


def _summary(row: EpisodeRow, today: date, moment: datetime) -> EpisodeSummary:
    started = row.started_on
    sessions = row.sessions
    retained = {
        field: domain.retained_at(started, row.withdrawn_on, months, today) if started else None
        for months, field in RETAINED_FIELDS.items()
    }
    indicators = {
        field: domain.indicator_met(indicator, row.facts, today) if row.facts else None
        for indicator, field in INDICATOR_FIELDS.items()
    }
    share = sessions.share if sessions else None
    return EpisodeSummary(
        episode_id=row.id,
        computed_at=moment,
        computed_on=today,
        started=started is not None,
        withdrawn=row.withdrawn_on is not None,
        planned=sessions.planned if sessions else None,
        done=sessions.done if sessions else None,
        partly=sessions.partly if sessions else None,
        logged=row.logged,
        adherence_percent=100 * share if share is not None and row.logged else None,
        falls=row.falls,
        refractures=row.refractures,
        exposure_days=row.exposure_days(today),
        **retained,
        **indicators,
    )


def _changes(row: EpisodeRow) -> Iterator[EpisodeChange]:
    if row.started_on is None:
        return
    for code in REPEATED:
        before = row.baseline(code)
        if before is None:
            continue
        instrument = INSTRUMENTS[code]
        better, mcid = cast(Better, instrument.better), instrument.mcid
        for months in domain.TIME_POINTS:
            after = row.at(code, months)
            if after is None:
                continue
            yield EpisodeChange(
                summary_id=row.id,
                instrument=code,
                months=months,
                baseline=before.value,
                follow_up=after.value,
                change=float(after.value) - float(before.value),
                reached=None
                if mcid is None
                else domain.reached_mcid(before.value, after.value, better, mcid),
            )


@transaction.atomic
def _refresh(episodes: QuerySet[Episode], today: date) -> int:
    rows = episode_rows(episodes, today)
    moment = timezone.now()
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for standing in follow_up_items(rows, today):
        counts[(standing.episode_id, standing.item.kind)][standing.status] += 1
    ids = [row.id for row in rows]
    EpisodeSummary.objects.filter(episode_id__in=ids).delete()  # with their changes, follow-ups
    EpisodeSummary.objects.bulk_create([_summary(row, today, moment) for row in rows])
    EpisodeChange.objects.bulk_create(
        [change for row in rows for change in _changes(row)], batch_size=2000
    )
    EpisodeFollowUp.objects.bulk_create(
        [
            EpisodeFollowUp(
                summary_id=episode_id,
                kind=kind,
                done=found[Status.DONE],
                missed=found[Status.MISSED],
                open=sum(found[status] for status in OPEN),
            )
            for (episode_id, kind), found in counts.items()
        ],
        batch_size=2000,
    )
    return len(rows)


def summaries_refresh(
    *,
    episodes: QuerySet[Episode],
    today: date,
    chunk: int = CHUNK,
    progress: Callable[[int], Any] | None = None,
) -> int:
    """Sum up these episodes for `today`, the episodes of `chunk` patients at a time (each
    chunk in its own transaction, so that memory stays the same whatever the size of the
    program); how many episodes. Running it twice gives the same summaries."""
    patients = sorted(set(episodes.values_list("patient_id", flat=True)))
    done = 0
    for start in range(0, len(patients), chunk):
        mine = patients[start : start + chunk]
        done += _refresh(episodes.filter(patient_id__in=mine), today)
        if progress is not None:
            progress(done)
    return done


def unsummarised(episodes: QuerySet[Episode], today: date) -> QuerySet[Episode]:
    """Those of the episodes without a summary of `today`."""
    return episodes.exclude(summary__computed_on=today)


# ---- Reading: the dashboard's figures ----


def _share_of(found: dict[str, Any], field: str) -> domain.Share | None:
    return domain.share(found[f"{field}_met"], found[f"{field}_counted"])


SUMMED = (
    "episodes", "started_count", "withdrawn_count", "with_plan", "logging", "falls",
    "refractures", "days",
)  # fmt: skip


def _counts(summaries: QuerySet[EpisodeSummary]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every count and sum over the episodes, by status and month of enrolment (one query):
    the totals, and the groups they are the sums of."""
    started = Q(started=True)
    aggregates: dict[str, Any] = {
        "episodes": Count("pk"),
        "started_count": Count("pk", filter=started),
        "withdrawn_count": Count("pk", filter=started & Q(withdrawn=True)),
        "with_plan": Count("pk", filter=Q(planned__gt=0)),
        "logging": Count("pk", filter=Q(planned__gt=0, logged=True)),
        "falls": Sum("falls"),
        "refractures": Sum("refractures"),
        "days": Sum("exposure_days"),
        "computed_on": Max("computed_on"),
        "computed_at": Min("computed_at"),
    }
    counted = [*RETAINED_FIELDS.values(), *INDICATOR_FIELDS.values()]
    for field in counted:
        aggregates[f"{field}_met"] = Count("pk", filter=Q(**{field: True}))
        aggregates[f"{field}_counted"] = Count("pk", filter=Q(**{f"{field}__isnull": False}))
    groups: list[dict[str, Any]] = [
        dict(group)
        for group in summaries.values(
            status=F("episode__status"), month=TruncMonth("episode__referred_on")
        )
        .annotate(**aggregates)
        .order_by()
    ]
    keys = [*SUMMED, *(f"{f}_{part}" for f in counted for part in ("met", "counted"))]
    totals: dict[str, Any] = {key: sum(group[key] for group in groups) for key in keys}
    totals["computed_on"] = max((group["computed_on"] for group in groups), default=None)
    totals["computed_at"] = min((group["computed_at"] for group in groups), default=None)
    return totals, groups


def _changes_of(where: Q) -> list[MeasureChange]:
    """Each measure's change from baseline at each time point, from the database's sums."""
    found: dict[str, dict[int, domain.PairedChange | None]] = defaultdict(
        lambda: dict.fromkeys(domain.TIME_POINTS)
    )
    rows = (
        EpisodeChange.objects.filter(where)
        .values("instrument", "months")
        .annotate(
            n=Count("pk"),
            baseline_mean=Avg("baseline"),
            follow_up_mean=Avg("follow_up"),
            mean_change=Avg("change"),
            # the population SD, which one pair has too (SQLite's sample SD refuses it)
            spread=StdDev("change", sample=False),
            least=Min("change"),
            most=Max("change"),
            reached_count=Count("pk", filter=Q(reached=True)),
        )
        .order_by()
    )
    for row in rows:
        code, n = row["instrument"], row["n"]
        found[code][row["months"]] = domain.paired_change_of(
            n=n,
            baseline_mean=row["baseline_mean"],
            follow_up_mean=row["follow_up_mean"],
            mean_change=row["mean_change"],
            # the sample SD (Bessel's correction); 0 when every change is the same, where a
            # database's float sums may leave a trace
            sd=None
            if n < 2
            else (0.0 if row["least"] == row["most"] else row["spread"] * math.sqrt(n / (n - 1))),
            reached=row["reached_count"] if INSTRUMENTS[code].mcid is not None else None,
        )
    return [
        MeasureChange(code, found[code])
        for code in REPEATED
        if code in MEASURES or any(found.get(code, {}).values())
    ]


def _follow_ups(where: Q) -> list[FollowUpKind]:
    rows = (
        EpisodeFollowUp.objects.filter(where)
        .values("kind")
        .annotate(done=Sum("done"), missed=Sum("missed"), open=Sum("open"))
        .order_by("kind")
    )
    return [
        FollowUpKind(
            row["kind"],
            row["done"],
            row["missed"],
            row["open"],
            domain.share(row["done"], row["done"] + row["missed"]),
        )
        for row in rows
    ]


def cohort_of(organisation_id: int, filters: Filters, today: date) -> Cohort:
    """The dashboard's figures for the episodes the filters select, from their summaries
    (five queries; two when none has a summary yet)."""
    summaries = EpisodeSummary.objects.filter(chosen(organisation_id, filters, "episode__"))
    counts, groups = _counts(summaries)
    if not counts["episodes"]:
        return cohort([], [], today)
    statuses: dict[str, int] = defaultdict(int)
    months: dict[str, int] = defaultdict(int)
    for group in groups:
        statuses[group["status"]] += group["episodes"]
        months[group["month"].strftime("%Y-%m")] += group["episodes"]
    # an episode's changes and follow-ups, by the same filters through their summary
    of_summary = chosen(organisation_id, filters, "summary__episode__")
    follow_ups = _follow_ups(of_summary)
    started = counts["started_count"]
    percents = summaries.filter(adherence_percent__isnull=False).values_list(
        "adherence_percent", flat=True
    )
    return Cohort(
        today=counts["computed_on"],
        as_of=counts["computed_at"],
        episodes=counts["episodes"],
        patients=summaries.values("episode__patient_id").distinct().count(),
        by_status=[(s.value, statuses[s.value]) for s in EpisodeStatus if statuses.get(s.value)],
        by_month=sorted(months.items()),
        started=started,
        withdrawn=domain.share(counts["withdrawn_count"], started),
        retained={months: _share_of(counts, field) for months, field in RETAINED_FIELDS.items()},
        with_plan=counts["with_plan"],
        not_logging=counts["with_plan"] - counts["logging"],
        adherence=domain.spread(p for p in percents if p is not None),
        changes=_changes_of(of_summary),
        falls=domain.event_rate(counts["falls"], counts["days"], per_days=domain.PER_1000_DAYS),
        refractures=domain.event_rate(
            counts["refractures"], counts["days"], per_days=domain.PER_100_YEARS
        ),
        patient_days=counts["days"],
        follow_ups=follow_ups,
        follow_up_completion=domain.share(
            sum(k.done for k in follow_ups), sum(k.done + k.missed for k in follow_ups)
        ),
        indicators=[
            (domain.INDICATOR_WORDS[indicator], _share_of(counts, field))
            for indicator, field in INDICATOR_FIELDS.items()
        ],
    )
