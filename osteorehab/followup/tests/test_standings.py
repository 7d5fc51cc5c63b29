"""Many items' status from plain values (`standings`, for a whole program's figures) is the
status each item has on its own (`standing_of`)."""

from datetime import timedelta

import pytest

from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import (
    administered_days,
    standing_of,
    standings,
)

from .test_selectors import TODAY, caseload  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [0, 30, 120])
def test_the_items_of_a_caseload_stand_as_each_alone_does(caseload, days):  # noqa: F811
    today = TODAY + timedelta(days=days)
    items = list(ScheduleItem.objects.select_related("episode"))
    patients = {item.patient_id for item in items}
    alone = standing_of(items, administered_days(items, patients, today), today)
    together = standings(ScheduleItem.objects.all(), today)
    assert [(s.id, s.patient_id, s.episode_id, s.status) for s in together] == [
        (s.item.pk, s.item.patient_id, s.item.episode_id, s.status) for s in alone
    ]
    assert len({s.status for s in together}) >= 3  # done, missed, upcoming at least


def test_two_queries_whatever_the_number_of_items(caseload, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(2):
        assert len(standings(ScheduleItem.objects.all(), TODAY)) > 200
