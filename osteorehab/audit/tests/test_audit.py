from datetime import date

import pytest
from django.urls import reverse

from osteorehab.accounts.domain import Role
from osteorehab.audit.models import AppendOnlyError, AuditEvent
from tests.factories import (
    PASSWORD,
    client_for,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db


def patient_events():
    """The events about patients (logging in writes events too)."""
    return AuditEvent.objects.filter(patient__isnull=False)


def test_reading_a_record_writes_one_read_event_naming_user_role_patient_and_address(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    client_for(nurse).get(reverse("patients:record", args=[patient.pk]), REMOTE_ADDR="10.1.2.3")
    event = patient_events().get()
    assert (event.user, event.username, event.role, event.patient, event.action) == (
        nurse,
        nurse.username,
        "nurse",
        patient,
        "read",
    )
    assert (event.target, event.ip) == ("patients:record", "10.1.2.3")


def test_a_write_is_recorded_once_with_its_changes_and_no_extra_read(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    response = client_for(nurse).post(
        reverse("patients:fracture-new", args=[patient.pk]),
        {"site": "wrist", "occurred_on": "2024-05-06", "note": "fell on ice"},
    )
    assert response.status_code == 302
    event = patient_events().get()
    assert (event.action, event.target, event.patient) == ("create", "patients.Fracture", patient)
    assert event.changes == {
        "site": "wrist",
        "site_other": "",
        "occurred_on": "2024-05-06",
        "note": "fell on ice",
    }


def test_a_refused_write_is_recorded_as_the_read_it_was(team):
    patient = make_patient(team)
    response = client_for(member(team, Role.NURSE)).post(
        reverse("patients:fracture-new", args=[patient.pk]),
        {"site": "wrist", "occurred_on": "2099-01-01"},
    )
    assert response.status_code == 400
    assert list(patient_events().values_list("action", flat=True)) == ["read"]


def test_the_caseload_records_one_list_event_per_patient_shown(team):
    shown = [make_patient(team) for _ in range(3)]
    make_patient(make_team(team.site.organisation))  # another team's patient: not shown
    client_for(member(team, Role.THERAPIST)).get(reverse("patients:caseload"))
    events = AuditEvent.objects.filter(action="list")
    assert {e.patient_id for e in events} == {p.pk for p in shown}
    assert events.count() == 3
    assert {e.target for e in events} == {"patients:caseload"}


def test_audit_events_cannot_be_changed_or_deleted(team):
    patient = make_patient(team)
    client_for(member(team, Role.NURSE)).get(reverse("patients:record", args=[patient.pk]))
    event = patient_events().get()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="update")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.action = "update"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert patient_events().get().action == "read"


def test_logins_logouts_and_failed_logins_are_recorded(client, team, settings):
    nurse = member(team, Role.NURSE)
    client.post(reverse("accounts:login"), {"username": nurse.username, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": nurse.username, "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "username"))
    assert actions == [
        ("login_failed", nurse.username),
        ("login", nurse.username),
        ("logout", nurse.username),
    ]


def test_a_lead_searches_their_organisation_events_by_patient_user_and_date(team, time_machine):
    time_machine.move_to("2026-11-20 10:00:00+00:00", tick=False)
    patient, other = make_patient(team), make_patient(team)
    nurse = member(team, Role.NURSE)
    client_for(nurse).get(reverse("patients:record", args=[patient.pk]))
    time_machine.move_to("2026-11-21 10:00:00+00:00", tick=False)
    client_for(nurse).get(reverse("patients:record", args=[other.pk]))
    foreign = make_patient(make_team(make_org("Org B")), family_name="Foreign")
    client_for(member(foreign.care_team, Role.NURSE)).get(
        reverse("patients:record", args=[foreign.pk])
    )

    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    url = reverse("audit:search")
    page = lead.get(url).context["page"]
    assert {e.patient_id for e in page} == {patient.pk, other.pk, None}  # not Org B's; None: logins
    assert [e.patient_id for e in lead.get(url, {"patient": patient.pk}).context["page"]] == [
        patient.pk
    ]
    by_date = lead.get(url, {"date_from": "2026-11-21", "date_to": "2026-11-21", "action": "read"})
    assert [e.patient_id for e in by_date.context["page"]] == [other.pk]
    by_user = lead.get(url, {"user": nurse.username.upper(), "action": "read"}).context["page"]
    assert by_user.paginator.count == 2
    bad = lead.get(url, {"date_from": "2026-11-21", "date_to": "2026-11-01"})
    assert bad.context["form"].errors == {"date_to": ["The end date is before the start date."]}
    assert date(2026, 11, 21)


def test_only_leads_and_administrators_open_the_audit_trail(team):
    for role in (Role.NURSE, Role.PHYSICIAN):
        assert client_for(member(team, role)).get(reverse("audit:search")).status_code == 403
    admin = make_user(Role.ADMIN, team.site.organisation)
    assert client_for(admin).get(reverse("audit:search")).status_code == 200
