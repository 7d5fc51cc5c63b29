"""The cohort dashboard summed up from the episodes' summaries gives the figures the live
computation gives, whatever the filters; the summaries are written again the same, in chunks
or not, and those missing are summed up when a dashboard finds them."""

import math
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Occasion
from osteorehab.outcomes.cohort import Filters, cohort, cohort_rows, episodes_of, follow_up_items
from osteorehab.outcomes.models import EpisodeChange, EpisodeSummary
from osteorehab.outcomes.summary import cohort_of, summaries_refresh, unsummarised
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode
from tests.factories import client_for, make_patient, make_team, make_user

from .helpers import ASSESSED, gait, history, known, phq9, start

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 15)


def same(live: Any, summed: Any, where: str = "cohort") -> None:
    """Equal, floats to 1e-9 (a database sums in another order than Python)."""
    if isinstance(live, float) and isinstance(summed, float):
        assert math.isclose(live, summed, rel_tol=1e-9, abs_tol=1e-9), where
    elif isinstance(live, dict) and isinstance(summed, dict):
        assert live.keys() == summed.keys(), where
        for key in live:
            same(live[key], summed[key], f"{where}.{key}")
    elif isinstance(live, (list, tuple)) and isinstance(summed, (list, tuple)):
        assert len(live) == len(summed), where
        for n, (a, b) in enumerate(zip(live, summed, strict=True)):
            same(a, b, f"{where}[{n}]")
    else:
        assert live == summed, where


def figures(organisation_id: int, filters: Filters) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = cohort_rows(organisation_id, filters, TODAY)
    live = asdict(cohort(rows, follow_up_items(rows, TODAY), TODAY))
    summed = asdict(cohort_of(organisation_id, filters, TODAY))
    assert live.pop("as_of") is None
    assert (summed.pop("as_of") is None) == (live["episodes"] == 0)
    return live, summed


@pytest.fixture
def program(team):
    """Four patients of the year in the program, their readings apart; one withdrew in May;
    one of another team never started."""
    patients = [make_patient(team, login=True) for _ in range(4)]
    for n, patient in enumerate(patients):
        history(patient, extra=n)
        gait(patient, 0.9 + 0.05 * n, date(2026, 7, 13))  # 6 months
    withdrawn = patients[3].episodes.get()
    withdrawn.status, withdrawn.status_since = EpisodeStatus.WITHDRAWN, date(2026, 5, 4)
    withdrawn.end_reason = "Moved away"
    withdrawn.save()
    other = make_team(team.site.organisation, "Other team")
    waiting = make_patient(other)
    start(waiting)  # active from 12 January 2026, nothing else
    phq9(waiting, 14, ASSESSED, Occasion.BASELINE)
    summaries_refresh(episodes=Episode.objects.all(), today=TODAY)
    return team, other


@pytest.mark.parametrize(
    "choose",
    [
        lambda team, other: Filters(),
        lambda team, other: Filters(team=team.pk),
        lambda team, other: Filters(team=other.pk),
        lambda team, other: Filters(status=EpisodeStatus.WITHDRAWN),
        lambda team, other: Filters(enrolled_from=date(2026, 2, 1)),
    ],
)
def test_the_summaries_give_the_figures_of_the_live_computation(program, choose):
    team, other = program
    live, summed = figures(team.site.organisation_id, choose(team, other))
    same(live, summed)


def test_the_summed_figures_are_those_of_the_program(program):
    team, _other = program
    found = cohort_of(team.site.organisation_id, Filters(), TODAY)
    assert (found.episodes, found.patients, found.started) == (5, 5, 5)
    withdrawn = known(found.withdrawn)
    assert (withdrawn.count, withdrawn.total) == (1, 5)
    gait_speed = next(m for m in found.changes if m.code == "gait_speed")
    six = known(gait_speed.changes[6])
    # 0.80 at baseline; 0.90, 0.95, 1.00, 1.05 at 6 months
    assert six.n == 4
    assert six.mean_change == pytest.approx(0.175)
    assert six.srm == pytest.approx(0.175 / 0.0645497, rel=1e-5)  # SD of the four changes
    three = known(gait_speed.changes[3])
    interval = known(three.ci)
    assert (three.n, interval.low, interval.high) == (4, pytest.approx(0.05), pytest.approx(0.05))
    assert three.srm is None  # every change the same
    # the withdrawn patient's falls (June) and fracture (August) came after the episode ended
    assert (known(found.falls).events, known(found.refractures).events) == (1 + 2 + 3, 3)


def test_writing_the_summaries_again_gives_the_same_rows_in_chunks_or_not(program):
    def rows() -> list[tuple[Any, ...]]:
        summaries = EpisodeSummary.objects.order_by("pk").values_list()
        changes = EpisodeChange.objects.order_by("summary", "instrument", "months")
        return [
            *(row[:1] + row[3:] for row in summaries),  # computed_at apart
            *changes.values_list("summary", "instrument", "months", "baseline", "follow_up"),
        ]

    before = rows()
    assert summaries_refresh(episodes=Episode.objects.all(), today=TODAY, chunk=1) == 5
    assert rows() == before


def test_a_day_later_the_summaries_are_missing_until_summed_up_again(program):
    team, _other = program
    episodes = episodes_of(team.site.organisation_id, Filters())
    later = TODAY + timedelta(days=1)
    assert unsummarised(episodes, TODAY).count() == 0
    assert unsummarised(episodes, later).count() == 5
    before = cohort_of(team.site.organisation_id, Filters(), TODAY).patient_days
    summaries_refresh(episodes=unsummarised(episodes, later), today=later)
    after = cohort_of(team.site.organisation_id, Filters(), later)
    assert after.today == later
    assert after.patient_days == before + 4  # a day more for each episode still open


def test_the_dashboard_sums_up_the_episodes_it_finds_without_a_summary(team):
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    history(make_patient(team, login=True))
    page = lead.get(reverse("outcomes:dashboard"))  # jobs run inline in the tests
    assert (page.context["cohort"].episodes, page.context["missing"]) == (1, 0)
    assert EpisodeSummary.objects.count() == 1
    assert "Figures as of" in page.content.decode()


def test_the_dashboard_reads_a_few_aggregate_queries_whatever_the_size_of_the_cohort(team):
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    lead.get(reverse("outcomes:dashboard"))  # the session's first request writes it
    counts = []
    for size in (1, 6):
        while team.patients.count() < size:
            history(make_patient(team, login=True))
        summaries_refresh(episodes=Episode.objects.all(), today=TODAY)
        with CaptureQueriesContext(connection) as queries:
            page = lead.get(reverse("outcomes:dashboard"))
        assert page.context["cohort"].episodes == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
