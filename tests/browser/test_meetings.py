"""The care team's case meeting in a browser. The demo's planned meeting lists exactly the demo
patients that need discussion: worked out here from the demo's own records, one kind of need at
a time, never through the agenda's code. A clinician records a decision with a task, and the
task is on its owner's "My work"."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from osteorehab.accounts.models import CareTeam
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.followup.selectors import due_items
from osteorehab.logbook.selectors import adherence
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient

from .conftest import DEMO_DAY, DESKTOP, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser

# No meeting was held before the demo's: its news goes back 28 days (the monthly review).
SINCE = DEMO_DAY - timedelta(days=28)
WATCHED = ("confidence", "gad7", "phq9", "short_fes_i", "fes_i", "chair_stand_30s")


def _worse(code: str, before: Assessment, after: Assessment) -> bool:
    """By the MCID; else into a higher-risk band; else newly below the norm."""
    instrument = INSTRUMENTS[code]
    wrong_way = 1 if instrument.better == "lower" else -1
    if instrument.mcid is not None:
        return wrong_way * (after.total - before.total) >= instrument.mcid  # type: ignore[operator]
    if instrument.bandings:
        codes = [band.code for band in instrument.bandings[0].bands]
        return wrong_way * (codes.index(after.band) - codes.index(before.band)) > 0
    return "below_norm" in after.result["flags"] and "below_norm" not in before.result["flags"]


def _of_concern(code: str, latest: Assessment) -> bool:
    instrument = INSTRUMENTS[code]
    if instrument.bandings:
        bands = [band.code for band in instrument.bandings[0].bands]
        best = bands[0] if instrument.better == "lower" else bands[-1]
        return latest.band != best
    return "below_norm" in latest.result["flags"]


def _measure_news(patient: Patient) -> bool:
    for code in WATCHED:
        rows = list(
            patient.assessments.valid()
            .filter(instrument=code, valid=True, total__isnull=False)
            .order_by("administered_on", "id")
        )
        if len(rows) < 2 or rows[-1].administered_on < SINCE:
            continue
        latest, previous = rows[-1], rows[-2]
        baselines = [r for r in rows[:-1] if r.occasion == Occasion.BASELINE]
        baseline = baselines[-1] if baselines else rows[0]
        if _worse(code, previous, latest) or _worse(code, baseline, latest):
            return True
        stalled = len(rows) >= 4 and not any(_worse(code, r, rows[-4]) for r in rows[-3:])
        if stalled and _of_concern(code, latest):
            return True
    return False


def needs_discussion(patient: Patient) -> bool:
    exercised = adherence(patient, DEMO_DAY - timedelta(days=14), DEMO_DAY - timedelta(days=1))
    overdue = [
        s
        for s in due_items(Patient.objects.filter(pk=patient.pk), DEMO_DAY)
        if s.status in ("overdue", "missed")
    ]
    return (
        patient.alerts.open().filter(urgent=True).exists()
        or patient.proposals.open().exists()
        or patient.fall_reports.filter(happened_on__gte=SINCE).exists()
        or patient.check_ins.filter(day__gte=SINCE, falls__gt=0).exists()
        or bool(overdue)
        or (exercised.planned > 0 and 2 * (exercised.done + exercised.partly) < exercised.planned)
        or _measure_news(patient)
    )


def test_the_demo_meeting_lists_exactly_the_patients_that_need_discussion(
    demo: DemoProgram, browsing: Browsing
):
    team = CareTeam.objects.get(members__username="nurse")
    in_program = [
        p
        for p in Patient.objects.filter(care_team=team)
        if p.episodes.exclude(status__in=["discharged", "withdrawn"]).exists()
    ]
    expected = sorted(p.name for p in in_program if needs_discussion(p))
    assert 0 < len(expected) < len(in_program)

    page = browsing.page(DESKTOP)
    log_in(browsing, page, "nurse")
    page.get_by_role("link", name="Case meetings").click()
    when = f"{DEMO_DAY + timedelta(days=1):%Y-%m-%d} 14:00"
    page.get_by_role("link", name=when).click()
    names = page.locator("table.agenda tbody tr td:nth-child(2)")
    expect(names).to_have_count(len(expected))
    assert sorted(names.all_inner_texts()) == expected
    browsing.shot(page, "agenda")

    # the second patient's summary, swapped in by htmx, and a decision with a task
    second = names.nth(1).inner_text()
    page.get_by_role("link", name=second, exact=True).click()
    expect(page.locator("#summary-h")).to_have_text(second)
    due = timezone.localdate() + timedelta(days=7)
    page.get_by_label("New task").fill("Go through the exercise diary together")
    page.get_by_label("Task owner").select_option(label="Tom Baker (Rehabilitation therapist)")
    page.get_by_label("Task due").fill(due.isoformat())
    page.get_by_label("Plan change agreed").fill("Shorter balance sessions, twice a day")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text(f"Decision recorded for {second}.")
    row = page.locator("table.agenda tbody tr", has_text=second)
    expect(row.locator("td").last).to_have_text("Yes")

    # the therapist, without JavaScript: the task and the plan change wait in "My work"
    therapist = browsing.page(DESKTOP, javascript=False)
    log_in(browsing, therapist, "therapist")
    therapist.get_by_role("link", name="My work").click()
    task = therapist.locator("tr", has_text="Go through the exercise diary together")
    expect(task).to_contain_text(second)
    expect(task).to_contain_text(due.isoformat())
    plan_change = therapist.locator("tr", has_text="Shorter balance sessions, twice a day")
    expect(plan_change).to_contain_text("Plan change agreed")
    expect(plan_change).to_contain_text("Rehabilitation therapist")
    browsing.shot(therapist, "my-work")
    task.get_by_role("button").click()
    expect(therapist.locator(".messages")).to_contain_text(
        "Task done: Go through the exercise diary together"
    )
    expect(therapist.locator("tr", has_text="Go through the exercise diary")).to_have_count(0)
    assert browsing.errors == []
