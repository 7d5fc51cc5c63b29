from collections import Counter
from datetime import date, timedelta

import pytest

from osteorehab.followup.domain import Status
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import due_items, patient_schedule
from osteorehab.patients.demo import build_demo
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode, Patient

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)  # conftest


def test_every_demo_episode_that_became_active_has_its_schedule_from_that_day():
    build_demo(today=TODAY)
    started = Episode.objects.filter(changes__to_status=EpisodeStatus.ACTIVE).distinct()
    assert started.count() == 8
    for episode in started:
        start = episode.changes.get(to_status=EpisodeStatus.ACTIVE).on
        program = episode.schedule_items.filter(added_by__isnull=True)
        assert program.count() == 68
        assert program.order_by("due_on")[0].due_on == start + timedelta(days=14)
    assert not ScheduleItem.objects.exclude(episode__in=started).exists()


def test_the_demo_caseload_shows_each_status():
    build_demo(today=TODAY)
    attention = Counter(s.status for s in due_items(Patient.objects.all(), TODAY))
    assert attention[Status.OVERDUE] >= 1
    assert attention[Status.DUE] >= 1
    assert attention[Status.MISSED] >= 1
    statuses = Counter(
        s.status for patient in Patient.objects.all() for s in patient_schedule(patient, TODAY)
    )
    assert statuses[Status.DONE] > 20
    assert statuses[Status.CANCELLED] >= 1
    # the demo login's own schedule is as the program made it, with their check-ups done
    own = patient_schedule(Patient.objects.get(user__username="patient"), TODAY)
    assert not [s for s in own if s.item.added_by_id or s.item.cancelled_at]
    assert not [s for s in own if s.status in (Status.MISSED, Status.OVERDUE)]
