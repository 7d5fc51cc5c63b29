"""Adherence over many spans of days at once, counted by the database: for each span (a patient,
a first and a last day) the days the plan in force asked for something, and how many of them
the patient exercised on in full or in part. The same figures as `selectors.day_rows` and
`domain.adherence` give day by day in Python, in one query whatever the number of spans and of
log entries (the rules' weeks of a whole batch of patients, every episode of a cohort).

The rules are those of `selectors.plan_by_day` and `domain.day_state`, in SQL:
- the plan in force on a day is the highest-numbered approved version that had come into force
  by then (`selectors.in_force_from`: its approval, or its writing where it needed none), so a
  version is in force from that day until a higher-numbered one comes into force;
- a day's planned exercises are that version's items whose weekdays hold the day (Monday 0);
- each exercise counts once a day, by its latest entry; a day is done when every planned
  exercise was done in full, partly when some planned exercise was done in full or in part,
  missed otherwise (an exercise logged but not planned counts for nothing).

The planned days are counted by arithmetic on each period and weekday (no row per day), the
exercised days from the log entries of the spans. The query is written for PostgreSQL and
SQLite; only the JSON and date functions differ (`DIALECTS`).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import TruncDate

from osteorehab.plans.models import PlanVersion

from . import domain


@dataclass(frozen=True)
class Span:
    """A patient's days from `since` to `until`, both counted."""

    patient_id: int
    since: date
    until: date


@dataclass(frozen=True)
class Tally:
    """A span's adherence, and how many log entries it holds (planned exercises or not)."""

    adherence: domain.Adherence
    entries: int = 0


NOTHING = Tally(domain.Adherence(0, 0, 0))


# The parts of the query that differ between the databases. `spans` reads the JSON parameter
# [[n, patient_id, "since", "until"], ...]; `items` expands a version's items and their
# weekdays; `weekday` is Python's (Monday 0); `days` is the number of days from a to b.
DIALECTS = {
    "postgresql": {
        "spans": (
            "SELECT (e->>0)::integer AS n, (e->>1)::bigint AS patient_id, "
            "(e->>2)::date AS since, (e->>3)::date AS until "
            "FROM jsonb_array_elements(%s::jsonb) AS e"
        ),
        "items": (
            "CROSS JOIN LATERAL jsonb_array_elements(period.content->'items') AS item "
            "CROSS JOIN LATERAL jsonb_array_elements_text(item.value->'days') AS wd"
        ),
        "exercise": "item.value->>'exercise'",
        "weekday_of_item": "wd.value::integer",
        "weekday": "(EXTRACT(ISODOW FROM {0})::integer - 1)",
        "days": "({1} - {0})",
        "day_before": "({0} - 1)",
        "later": "GREATEST({0}, {1})",
        "earlier": "LEAST({0}, {1})",
    },
    "sqlite": {
        "spans": (
            "SELECT json_extract(e.value, '$[0]') AS n, json_extract(e.value, '$[1]') AS "
            "patient_id, json_extract(e.value, '$[2]') AS since, json_extract(e.value, '$[3]') "
            "AS until FROM json_each(%s) AS e"
        ),
        "items": (
            "CROSS JOIN json_each(period.content, '$.items') AS item "
            "CROSS JOIN json_each(item.value, '$.days') AS wd"
        ),
        "exercise": "json_extract(item.value, '$.exercise')",
        "weekday_of_item": "wd.value",
        "weekday": "((CAST(strftime('%%w', {0}) AS INTEGER) + 6) %% 7)",
        "days": "CAST(julianday({1}) - julianday({0}) AS INTEGER)",
        "day_before": "date({0}, '-1 day')",
        "later": "max({0}, {1})",
        "earlier": "min({0}, {1})",
    },
}

QUERY = """
WITH span AS ({spans}),
version AS ({versions}),
period AS (
    -- in force from its first day until a higher-numbered version comes into force
    SELECT patient_id, content, start, MIN(start) OVER (
        PARTITION BY patient_id ORDER BY number DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS stop
    FROM version
),
planned AS (
    -- each exercise planned on a weekday of a period, and how many were planned that day
    SELECT patient_id, start, stop, weekday, exercise,
        COUNT(*) OVER (PARTITION BY patient_id, start, weekday) AS exercises
    FROM (
        SELECT DISTINCT period.patient_id, period.start, period.stop,
            {weekday_of_item} AS weekday, {exercise} AS exercise
        FROM period {items}
        WHERE period.stop IS NULL OR period.start < period.stop
    ) AS item_day
),
overlap AS (
    -- each span's part of each period, for each weekday with something planned
    SELECT DISTINCT span.n, planned.weekday,
        {later_since} AS first, {earlier_until} AS last
    FROM span JOIN planned ON planned.patient_id = span.patient_id
),
planned_days AS (
    SELECT n, SUM(CASE WHEN shift <= length THEN (length - shift) / 7 + 1 ELSE 0 END) AS days
    FROM (
        SELECT n, {length} AS length, (weekday - {weekday_first} + 7) %% 7 AS shift
        FROM overlap WHERE first <= last
    ) AS counted
    GROUP BY n
),
entry AS (
    -- each exercise's latest completion on each day of the spans: the completion of its
    -- highest id, packed with the id (times 4) so that one MAX finds it without sorting
    SELECT span.n, log.patient_id, log.day, log.exercise, COUNT(*) AS entries,
        MAX(log.id * 4 + CASE log.completion WHEN 'done' THEN 2 WHEN 'partly' THEN 1
            ELSE 0 END) %% 4 AS latest
    FROM span JOIN logbook_exerciselog AS log
        ON log.patient_id = span.patient_id AND log.day BETWEEN span.since AND span.until
    GROUP BY span.n, log.patient_id, log.day, log.exercise
),
day AS (
    -- each day with entries: how many exercises were planned, and of those how many were
    -- done in full and done at all (an exercise logged but not planned counts for nothing)
    SELECT entry.n, entry.day, SUM(entry.entries) AS entries,
        MAX(planned.exercises) AS exercises,
        SUM(CASE WHEN planned.exercise IS NOT NULL AND entry.latest = 2 THEN 1 ELSE 0 END)
            AS done,
        SUM(CASE WHEN planned.exercise IS NOT NULL AND entry.latest > 0 THEN 1 ELSE 0 END)
            AS exercised
    FROM entry
    LEFT JOIN planned ON planned.patient_id = entry.patient_id
        AND planned.exercise = entry.exercise
        AND planned.start <= entry.day AND (planned.stop IS NULL OR entry.day < planned.stop)
        AND planned.weekday = {weekday_day}
    GROUP BY entry.n, entry.day
),
exercised_days AS (
    SELECT n, SUM(entries) AS entries,
        SUM(CASE WHEN done = exercises THEN 1 ELSE 0 END) AS done,
        SUM(CASE WHEN done < exercises AND exercised > 0 THEN 1 ELSE 0 END) AS partly
    FROM day GROUP BY n
)
SELECT span.n, COALESCE(planned_days.days, 0), COALESCE(exercised_days.done, 0),
    COALESCE(exercised_days.partly, 0), COALESCE(exercised_days.entries, 0)
FROM span
LEFT JOIN planned_days ON planned_days.n = span.n
LEFT JOIN exercised_days ON exercised_days.n = span.n
WHERE planned_days.n IS NOT NULL OR exercised_days.n IS NOT NULL
"""


def _versions(patient_ids: Sequence[int]) -> tuple[str, tuple[Any, ...]]:
    """The approved versions of these patients' plans with the day each came into force, as
    SQL (the ORM's, which turns a moment into the local day on either database)."""
    moment = Case(When(needs_approval=True, then=F("approved_at")), default=F("created_at"))
    rows = (
        PlanVersion.objects.filter(plan__patient_id__in=patient_ids)
        .filter(Q(needs_approval=False) | Q(approved_at__isnull=False))
        .annotate(patient_id=F("plan__patient_id"), start=TruncDate(moment))
        .order_by()
        .values("patient_id", "number", "content", "start")
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def adherence_of(spans: Sequence[Span]) -> dict[Span, Tally]:
    """Each span's planned days, those exercised on in full or in part, and its log entries
    (one query)."""
    found = dict.fromkeys(spans, NOTHING)
    chosen = [span for span in found if span.since <= span.until]
    if not chosen:
        return found
    sql = DIALECTS[connection.vendor]
    versions, params = _versions(sorted({span.patient_id for span in chosen}))
    query = QUERY.format(
        spans=sql["spans"],
        versions=versions,
        items=sql["items"],
        exercise=sql["exercise"],
        weekday_of_item=sql["weekday_of_item"],
        later_since=sql["later"].format("span.since", "planned.start"),
        earlier_until=sql["earlier"].format(
            "span.until",
            f"COALESCE({sql['day_before'].format('planned.stop')}, span.until)",
        ),
        length=sql["days"].format("first", "last"),
        weekday_first=sql["weekday"].format("first"),
        weekday_day=sql["weekday"].format("entry.day"),
    )
    encoded = json.dumps(
        [[n, s.patient_id, s.since.isoformat(), s.until.isoformat()] for n, s in enumerate(chosen)]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner cannot know how many rows the JSON functions give and guesses far
            # too many: it would compile the query (JIT), which takes longer than running it,
            # and sort the log's entries to merge them with the plan's items rather than hash
            # the few items. A cohort's spans hold millions of entries, whose grouping would
            # spill to disk with the default working memory.
            for setting in ("jit = off", "enable_mergejoin = off", "work_mem = '64MB'"):
                cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(query, (encoded, *params))
        for n, planned, done, partly, entries in cursor.fetchall():
            found[chosen[n]] = Tally(domain.Adherence(planned, done, partly), entries)
    return found
