"""Whatever a patient answers, an alert is raised exactly when the rule says so: the rule is
written out here again, apart from the code under test."""

import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteorehab.alerts.models import Alert
from osteorehab.logbook.models import CheckIn, FallReport
from osteorehab.logbook.services import check_in_record, fall_report_record
from tests.factories import login_of, make_patient

pytestmark = pytest.mark.django_db

SEVERE_FROM = 7  # Serlin 1995's severe band, 7-10 (clinical-reference 1.13, unverified)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ratings = st.integers(min_value=0, max_value=10)
counts = st.integers(min_value=0, max_value=2)


@pytest.fixture
def patient(team):
    return make_patient(team, login=True)


@EXAMPLES
@given(
    mood=st.integers(min_value=1, max_value=5),
    confidence=ratings,
    fatigue=ratings,
    pain=ratings,
    sleep=st.sampled_from(["poor", "fair", "good"]),
    back_pain_new=st.booleans(),
    falls=counts,
    near_falls=counts,
)
def test_a_check_in_raises_an_alert_iff_new_back_pain_is_severe(
    patient, mood, confidence, fatigue, pain, sleep, back_pain_new, falls, near_falls
):
    entry = check_in_record(
        patient=patient,
        by=login_of(patient),
        client_key=uuid.uuid4(),
        day=date(2026, 11, 21),
        mood=mood,
        confidence=confidence,
        fatigue=fatigue,
        sleep=sleep,
        pain=pain,
        back_pain_new=back_pain_new,
        falls=falls,
        near_falls=near_falls,
    )
    raised = set(
        Alert.objects.filter(source=f"logbook.CheckIn #{entry.pk}").values_list("kind", flat=True)
    )
    expected = {"severe_back_pain"} if back_pain_new and pain >= SEVERE_FROM else set()
    assert raised == expected
    assert CheckIn.objects.filter(pk=entry.pk).exists()


@EXAMPLES
@given(
    place=st.sampled_from(["home_inside", "home_outside", "street", "shop", "other"]),
    injury=st.booleans(),
    could_get_up=st.booleans(),
    saw_doctor=st.booleans(),
    day=st.dates(min_value=date(1950, 3, 14), max_value=date(2026, 11, 21)),
)
def test_a_fall_raises_an_alert_iff_hurt_or_unable_to_get_up(
    patient, place, injury, could_get_up, saw_doctor, day
):
    fall = fall_report_record(
        patient=patient,
        by=login_of(patient),
        client_key=uuid.uuid4(),
        happened_on=day,
        place=place,
        injury=injury,
        could_get_up=could_get_up,
        saw_doctor=saw_doctor,
    )
    raised = set(
        Alert.objects.filter(source=f"logbook.FallReport #{fall.pk}").values_list("kind", flat=True)
    )
    expected = ({"fall_injury"} if injury else set()) | (
        set() if could_get_up else {"fall_cannot_get_up"}
    )
    assert raised == expected
    assert all(a.urgent and a.roles == ["nurse", "physician"] for a in Alert.objects.all())
    assert FallReport.objects.filter(pk=fall.pk).exists()
