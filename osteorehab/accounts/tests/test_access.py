"""What a caregiver may do for the patient, beyond seeing the shared parts."""

import pytest
from django.urls import reverse

from osteorehab.accounts.access import caregiver_may
from osteorehab.accounts.domain import CaregiverAction, Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.patients.models import Caregiver, Consent, ConsentKind
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

pytestmark = pytest.mark.django_db
LOG = CaregiverAction.LOG_ON_BEHALF


def test_a_caregiver_may_only_what_the_patient_allowed_and_only_while_consent_stands(team):
    patient = make_patient(team, login=True)
    carer = make_caregiver(patient, parts=[Part.LOG], actions=[LOG])
    assert caregiver_may(carer, patient, LOG)
    assert not caregiver_may(carer, patient, CaregiverAction.RECEIVE_ALERTS)
    other = make_patient(team)
    assert not caregiver_may(carer, other, LOG)  # not their person
    assert not caregiver_may(member(team, Role.NURSE), patient, LOG)  # not a caregiver
    Consent.objects.create(
        patient=patient,
        kind=ConsentKind.FAMILY_SHARING,
        granted=False,
        decided_on=patient.created_at.date(),
        taken_by=member(team, Role.NURSE),
    )
    assert not caregiver_may(carer, patient, LOG)  # withdrawn: at once


def test_the_patient_changes_what_the_caregiver_may_do(team):
    patient = make_patient(team, login=True)
    make_caregiver(patient, parts=[Part.PLAN])
    link = Caregiver.objects.get()
    response = client_for(login_of(patient)).post(
        reverse("patients:caregiver-share", args=[patient.pk, link.pk]),
        {"shared_parts": ["plan", "log"], "allowed_actions": ["log_on_behalf"]},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.shared_parts, link.allowed_actions) == (["plan", "log"], ["log_on_behalf"])
    event = AuditEvent.objects.filter(target="patients.Caregiver").latest("id")
    assert event.changes["allowed_actions"] == [[], ["log_on_behalf"]]
