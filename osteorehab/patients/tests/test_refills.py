"""Refills of anti-osteoporosis medicines and their proportion of days covered
(clinical-reference 5): the service, and the pages. Today is 2026-11-21 (conftest)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.patients import services
from osteorehab.patients.models import MedicationFill
from tests.factories import client_for, make_caregiver, make_patient, make_user, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def medication(team):
    patient = make_patient(team, date_of_birth=date(1950, 3, 14))
    return services.medication_add(
        patient=patient,
        by=member(team, Role.NURSE),
        data={"drug": "alendronate", "started_on": date(2025, 6, 1)},
    )


def refill(medication, on: date, days: int):
    return services.medication_fill_record(
        medication=medication,
        by=member(medication.patient.care_team, Role.NURSE),
        dispensed_on=on,
        days_supply=days,
    )


def test_a_refill_is_saved_with_who_recorded_it_and_one_audit_event(medication):
    fill = refill(medication, date(2026, 10, 1), 84)
    nurse = member(medication.patient.care_team, Role.NURSE)
    assert (fill.medication, fill.dispensed_on, fill.days_supply, fill.recorded_by) == (
        medication,
        date(2026, 10, 1),
        84,
        nurse,
    )
    event = AuditEvent.objects.get(target="patients.MedicationFill")
    assert (event.action, event.patient_id, event.object_id, event.username) == (
        "create",
        medication.patient_id,
        str(fill.pk),
        nurse.username,
    )
    assert event.changes == {
        "dispensed_on": "2026-10-01",
        "days_supply": 84,
        "medication": medication.pk,
    }


@pytest.mark.parametrize(
    ("on", "days", "errors"),
    [
        (date(2026, 11, 22), 84, {"dispensed_on": ["This date is in the future."]}),
        (
            date(1950, 3, 13),
            84,
            {"dispensed_on": ["This date is before the patient's date of birth."]},
        ),
        (
            date(2025, 5, 31),
            84,
            {"dispensed_on": ["This date is before the medicine was started."]},
        ),
        (date(2026, 10, 1), 0, {"days_supply": ["The supply must cover at least one day."]}),
    ],
)
def test_bad_refills_are_refused_on_their_field_and_nothing_is_saved(medication, on, days, errors):
    with pytest.raises(ValidationError) as error:
        refill(medication, on, days)
    assert error.value.message_dict == errors
    assert not MedicationFill.objects.exists()
    assert not AuditEvent.objects.filter(target="patients.MedicationFill").exists()


def test_a_refill_after_the_stop_is_refused_and_a_stop_before_a_refill_too(medication):
    nurse = member(medication.patient.care_team, Role.NURSE)
    refill(medication, date(2026, 9, 1), 84)
    with pytest.raises(ValidationError) as error:
        services.medication_stop(medication=medication, by=nurse, stopped_on=date(2026, 8, 31))
    assert error.value.message_dict == {
        "stopped_on": ["A refill of this medicine was dispensed after this date."]
    }
    services.medication_stop(medication=medication, by=nurse, stopped_on=date(2026, 9, 1))
    with pytest.raises(ValidationError) as error:
        refill(medication, date(2026, 9, 2), 84)
    assert error.value.message_dict == {
        "dispensed_on": ["This date is after the medicine was stopped."]
    }
    assert MedicationFill.objects.count() == 1


def test_a_medicine_entered_in_error_takes_no_refill(medication):
    nurse = member(medication.patient.care_team, Role.NURSE)
    services.entry_retract(entry=medication, by=nurse, reason="Wrong patient")
    with pytest.raises(ValidationError) as error:
        refill(medication, date(2026, 9, 1), 84)
    assert error.value.messages == ["This medicine is marked as entered in error."]
    assert not MedicationFill.objects.exists()


def test_adherence_over_the_last_year_or_since_the_first_refill(medication):
    assert services.medication_adherence(medication, today=date(2026, 11, 21)) is None
    refill(medication, date(2025, 12, 1), 84)  # Dec 1 - Feb 22
    refill(medication, date(2026, 5, 1), 84)  # May 1 - Jul 23
    adherence = services.medication_adherence(medication, today=date(2026, 11, 21))
    assert adherence is not None
    # since the first refill: 2025-12-01 to 2026-11-21 is 356 days
    assert (adherence.start, adherence.end, adherence.period_days) == (
        date(2025, 12, 1),
        date(2026, 11, 21),
        356,
    )
    assert (adherence.covered_days, adherence.percent, adherence.adherent) == (168, 47.1, False)
    # a year later the window is the last 365 days
    later = services.medication_adherence(medication, today=date(2027, 11, 21))
    assert later is not None
    assert (later.start, later.period_days, later.covered_days) == (date(2026, 11, 22), 365, 0)


def test_a_stopped_medicine_is_measured_up_to_its_stop(medication):
    nurse = member(medication.patient.care_team, Role.NURSE)
    refill(medication, date(2026, 1, 1), 84)
    services.medication_stop(medication=medication, by=nurse, stopped_on=date(2026, 3, 25))
    adherence = services.medication_adherence(medication, today=date(2026, 11, 21))
    assert adherence is not None
    # Jan 1 - Mar 25 is 84 days, all covered
    assert (adherence.end, adherence.period_days, adherence.percent, adherence.adherent) == (
        date(2026, 3, 25),
        84,
        100.0,
        True,
    )


def test_a_refill_entered_in_error_no_longer_counts(medication):
    nurse = member(medication.patient.care_team, Role.NURSE)
    refill(medication, date(2026, 9, 1), 84)
    wrong = refill(medication, date(2026, 11, 1), 84)
    services.entry_retract(entry=wrong, by=nurse, reason="Typed twice")
    event = AuditEvent.objects.get(target="patients.MedicationFill", action="update")
    assert (event.patient_id, event.changes) == (
        medication.patient_id,
        {"error_reason": ["", "Typed twice"]},
    )
    adherence = services.medication_adherence(medication, today=date(2026, 11, 21))
    assert adherence is not None
    # Sep 1 - Nov 21 is 82 days, all covered by the one valid refill
    assert (adherence.covered_days, adherence.period_days, adherence.measurable) == (82, 82, False)


# --- pages ---


def test_a_nurse_records_a_refill_and_sees_the_pdc_on_the_record(medication):
    patient = medication.patient
    refill(medication, date(2025, 12, 1), 84)
    client = client_for(member(patient.care_team, Role.NURSE))
    url = reverse("patients:medication-refill", args=[patient.pk, medication.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial == {"dispensed_on": date(2026, 11, 21)}
    assert "2025-12-01" in page.content.decode()
    response = client.post(url, {"dispensed_on": "2026-05-01", "days_supply": "84"})
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:record", args=[patient.pk])
    assert list(medication.fills.values_list("dispensed_on", "days_supply")) == [
        (date(2026, 5, 1), 84),
        (date(2025, 12, 1), 84),
    ]
    record = client.get(reverse("patients:record", args=[patient.pk]))
    [row] = record.context["medications"]
    assert (row.fill_count, row.adherence.covered_days, row.adherence.period_days) == (2, 168, 356)
    body = record.content.decode()
    assert "47.1%" in body
    assert "below 80%" in body
    assert "168 of 356 days covered, 2025-12-01 to 2026-11-21" in body
    assert url in body


def test_the_record_says_adherent_from_80_percent_and_prefills_denosumab(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    denosumab = services.medication_add(
        patient=patient, by=nurse, data={"drug": "denosumab", "started_on": date(2026, 1, 1)}
    )
    client = client_for(nurse)
    url = reverse("patients:medication-refill", args=[patient.pk, denosumab.pk])
    assert client.get(url).context["form"].initial["days_supply"] == 182
    assert client.post(url, {"dispensed_on": "2026-06-01", "days_supply": "182"}).status_code == 302
    body = client.get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert "100.0%" in body
    assert "adherent (≥ 80%)" in body
    assert "fewer than 2 refills on different dates" in body


def test_refill_form_errors_name_the_field(medication):
    patient = medication.patient
    client = client_for(member(patient.care_team, Role.PHYSICIAN))
    url = reverse("patients:medication-refill", args=[patient.pk, medication.pk])
    response = client.post(url, {"dispensed_on": "2026-12-01", "days_supply": "30"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"dispensed_on": ["This date is in the future."]}
    response = client.post(url, {"dispensed_on": "2026-10-01", "days_supply": "0"})
    assert response.context["form"].errors == {
        "days_supply": ["Ensure this value is greater than or equal to 1."]
    }
    assert not MedicationFill.objects.exists()


def test_caregiver_and_lead_see_the_pdc_but_cannot_record_a_refill(medication):
    patient = medication.patient
    refill(medication, date(2026, 10, 1), 84)
    url = reverse("patients:medication-refill", args=[patient.pk, medication.pk])
    retract = reverse("patients:medication-fill-retract", args=[patient.pk, medication.pk])
    caregiver = make_caregiver(patient, parts=list(Part))
    lead = make_user(Role.LEAD, patient.organisation)
    for user in (caregiver, lead):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"dispensed_on": "2026-11-01", "days_supply": "84"}).status_code == 403
        )
        fill = medication.fills.get()
        assert client.post(retract, {"fill": fill.pk, "reason": "x"}).status_code == 403
    assert list(medication.fills.values_list("dispensed_on", "error_reason")) == [
        (date(2026, 10, 1), "")
    ]
    body = client_for(caregiver).get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert "100.0%" in body
    assert url not in body


def test_a_nurse_marks_a_refill_entered_in_error(medication):
    patient = medication.patient
    keep = refill(medication, date(2026, 9, 1), 84)
    wrong = refill(medication, date(2026, 11, 1), 84)
    client = client_for(member(patient.care_team, Role.NURSE))
    url = reverse("patients:medication-fill-retract", args=[patient.pk, medication.pk])
    choices = [label for _, label in client.get(url).context["form"].fields["fill"].choices]
    assert choices == [
        "---------",
        "dispensed 2026-11-01, 84 days",
        "dispensed 2026-09-01, 84 days",
    ]
    response = client.post(url, {"fill": wrong.pk, "reason": "Typed twice"})
    assert response.status_code == 302
    assert list(medication.fills.valid()) == [keep]
    [row] = client.get(reverse("patients:record", args=[patient.pk])).context["medications"]
    assert row.fill_count == 1
