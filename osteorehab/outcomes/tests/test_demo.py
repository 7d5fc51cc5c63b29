"""The demo program with its earlier year (as `load_demo` builds it): the dashboard has figures
to show, and the analysis data set names no demo patient and gives no date of birth."""

from datetime import date

import pytest
from django.urls import reverse

from osteorehab.outcomes.cohort import Filters, cohort, cohort_rows, follow_up_items
from osteorehab.patients.demo import build_demo
from osteorehab.patients.models import Episode, Patient
from tests.factories import client_for

from .helpers import known

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 15)  # conftest


@pytest.fixture
def demo():
    return build_demo(today=TODAY, earlier_year=True)


def test_the_demo_dashboard_has_changes_rates_and_indicators_to_show(demo):
    rows = cohort_rows(demo.organisation.pk, Filters(), TODAY)
    found = cohort(rows, follow_up_items(rows, TODAY), TODAY)
    assert found.patients == Patient.objects.count() == 12
    assert found.episodes == Episode.objects.count() == 22  # 10 earlier episodes
    phq9 = next(m for m in found.changes if m.code == "phq9")
    twelve = known(phq9.changes[12])
    assert twelve.n >= 5
    assert twelve.ci is not None
    assert twelve.srm is not None
    assert known(found.falls).events > 0
    assert known(found.adherence).n >= 6
    assert all(share is not None for _words, share in found.indicators)
    assert known(found.follow_up_completion).total > 0


def test_the_demo_data_set_names_no_patient_and_gives_no_date_of_birth(demo):
    lead = client_for(demo.staff["lead"])
    text = lead.get(reverse("outcomes:export")).content.decode()
    assert text.count("\n") > 22  # episodes, with their time points
    for patient in Patient.objects.all():
        for identifying in (
            patient.family_name,
            patient.given_name,
            patient.name,
            patient.date_of_birth.isoformat(),
            patient.record_number,
            patient.phone,
        ):
            assert identifying not in text, identifying
