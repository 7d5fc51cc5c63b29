from datetime import date

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Role
from osteorehab.audit.models import AuditEvent
from osteorehab.followup import services
from osteorehab.followup.domain import Status
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import item_standing
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.services import episode_move
from tests.factories import make_org, make_patient, make_team, make_user, member

from .makers import record_all, start_program

pytestmark = pytest.mark.django_db

STARTED = date(2026, 10, 5)  # a Monday; today is Saturday 21 November 2026 (conftest)
TODAY = date(2026, 11, 21)


def schedule_events(patient):
    return AuditEvent.objects.filter(patient=patient, target="followup.ScheduleItem")


def item(patient, kind, due_on):
    return ScheduleItem.objects.get(patient=patient, kind=kind, due_on=due_on)


@pytest.fixture
def patient(team):
    patient = make_patient(team)
    start_program(patient, STARTED)
    return patient


def test_activating_the_episode_makes_the_schedule_from_that_day_with_one_audit_row(team):
    patient = make_patient(team)
    episode = start_program(patient, STARTED)
    items = list(ScheduleItem.objects.filter(patient=patient))
    assert len(items) == 68
    assert {i.episode_id for i in items} == {episode.pk}
    first = items[0]
    assert (first.kind, first.due_on, first.opens_on, first.closes_on) == (
        "psychological_check_up",
        date(2026, 10, 19),
        date(2026, 10, 16),
        date(2026, 10, 23),
    )
    assert first.added_by is None
    [event] = schedule_events(patient)
    assert event.action == "create"
    assert event.user == member(team, Role.NURSE)
    assert event.changes["starts_on"] == "2026-10-05"
    assert event.changes["episode"] == episode.pk
    assert len(event.changes["items"]) == 68
    assert event.changes["items"][0] == [
        "psychological_check_up",
        "2026-10-19",
        "2026-10-16",
        "2026-10-23",
    ]


def test_a_return_to_active_keeps_the_schedule_and_its_changes(patient):
    nurse = member(patient.care_team, Role.NURSE)
    review = item(patient, "team_review", date(2026, 12, 5))
    services.schedule_item_move(item=review, by=nurse, due_on=date(2026, 12, 9), version=1)
    episode = patient.episodes.get()
    for status in (EpisodeStatus.MAINTENANCE, EpisodeStatus.ACTIVE):
        episode = episode_move(
            episode=episode,
            by=nurse,
            to_status=status,
            on=TODAY,
            reason="",
            version=episode.version,
        )
    assert ScheduleItem.objects.filter(patient=patient).count() == 68
    assert item(patient, "team_review", date(2026, 12, 9)).version == 2
    # made once, moved once: two rows
    assert schedule_events(patient).count() == 2
    before = list(ScheduleItem.objects.values_list("pk", "due_on"))
    assert services.schedule_create(episode=episode, by=nurse)
    assert list(ScheduleItem.objects.values_list("pk", "due_on")) == before


def test_no_schedule_before_the_episode_has_been_active(team):
    patient = make_patient(team)
    with pytest.raises(ValidationError) as error:
        services.schedule_create(episode=patient.episodes.get(), by=member(team, Role.NURSE))
    assert error.value.messages == [
        "The schedule begins on the day the program episode becomes active; it has not yet."
    ]
    assert not ScheduleItem.objects.exists()


def test_a_failure_while_making_the_schedule_leaves_the_episode_as_it_was(team, monkeypatch):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    episode = episode_move(
        episode=patient.episodes.get(),
        by=nurse,
        to_status=EpisodeStatus.ASSESSMENT,
        on=STARTED,
        reason="",
        version=1,
    )

    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(services, "audit_write", broken)
    with pytest.raises(RuntimeError):
        episode_move(
            episode=episode,
            by=nurse,
            to_status=EpisodeStatus.ACTIVE,
            on=STARTED,
            reason="",
            version=episode.version,
        )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    assert not ScheduleItem.objects.exists()
    assert not episode.changes.filter(to_status=EpisodeStatus.ACTIVE).exists()


def test_a_clinician_adds_an_extra_check_up_with_its_kinds_window(patient):
    counsellor = member(patient.care_team, Role.COUNSELLOR)
    added = services.schedule_item_add(
        patient=patient,
        by=counsellor,
        kind="psychological_check_up",
        due_on=date(2026, 11, 25),
        note=" After a hard week ",
    )
    assert (added.opens_on, added.closes_on) == (date(2026, 11, 22), date(2026, 11, 29))
    assert (added.added_by, added.note) == (counsellor, "After a hard week")
    event = schedule_events(patient).latest("id")
    assert (event.action, event.object_id) == ("create", str(added.pk))
    assert event.changes["due_on"] == "2026-11-25"
    assert event.changes["note"] == "After a hard week"


@pytest.mark.parametrize(
    ("kind", "due_on", "message"),
    [
        (
            "psychological_check_up",
            date(2026, 11, 30),
            "The schedule already has a Psychological check-up due on 2026-11-30.",
        ),
        (
            "team_review",
            date(2025, 12, 1),
            "This date is before the patient was referred to the program.",
        ),
        ("team_review", date(2062, 11, 21), "This date is over two years ahead; check the year."),
        ("x-ray", date(2026, 12, 1), "Choose one of the options."),
    ],
)
def test_an_item_that_cannot_be_added_is_refused_on_its_field(patient, kind, due_on, message):
    before = ScheduleItem.objects.count()
    with pytest.raises(ValidationError) as error:
        services.schedule_item_add(
            patient=patient, by=member(patient.care_team, Role.NURSE), kind=kind, due_on=due_on
        )
    assert message in str(error.value.message_dict)
    assert ScheduleItem.objects.count() == before
    assert schedule_events(patient).count() == 1


def test_only_the_physician_orders_a_bone_density_scan(patient):
    nurse, physician = (
        member(patient.care_team, Role.NURSE),
        member(patient.care_team, Role.PHYSICIAN),
    )
    with pytest.raises(ValidationError, match="only the physician changes it"):
        services.schedule_item_add(
            patient=patient, by=nurse, kind="bone_density", due_on=date(2027, 4, 5)
        )
    ordered = services.schedule_item_add(
        patient=patient, by=physician, kind="bone_density", due_on=date(2027, 4, 5)
    )
    assert (ordered.opens_on, ordered.closes_on) == (date(2027, 3, 6), date(2027, 6, 4))
    scan = item(patient, "bone_density", date(2027, 10, 5))
    with pytest.raises(ValidationError, match="only the physician changes it"):
        services.schedule_item_move(item=scan, by=nurse, due_on=date(2027, 9, 1), version=1)
    with pytest.raises(ValidationError, match="only the physician changes it"):
        services.schedule_item_cancel(item=scan, by=nurse, reason="Not needed", version=1)
    moved = services.schedule_item_move(item=scan, by=physician, due_on=date(2027, 9, 1), version=1)
    assert moved.due_on == date(2027, 9, 1)


def test_only_the_care_teams_clinicians_change_the_schedule(patient):
    other_team = make_team(patient.organisation)
    lead = make_user(Role.LEAD, patient.organisation)
    outsider = member(make_team(make_org()), Role.NURSE)
    for user in (member(other_team, Role.NURSE), lead, outsider):
        with pytest.raises(ValidationError, match="Only the care team's clinicians"):
            services.schedule_item_add(
                patient=patient, by=user, kind="team_review", due_on=date(2026, 12, 20)
            )


def test_no_item_is_added_without_an_open_episode(team):
    patient = make_patient(team)
    patient.episodes.update(status=EpisodeStatus.WITHDRAWN, end_reason="Moved away")
    with pytest.raises(ValidationError) as error:
        services.schedule_item_add(
            patient=patient, by=member(team, Role.NURSE), kind="team_review", due_on=TODAY
        )
    assert error.value.messages == ["The patient has no open program episode; open one first."]


def test_moving_an_item_moves_its_window_and_records_old_and_new(patient):
    nurse = member(patient.care_team, Role.NURSE)
    review = item(patient, "team_review", date(2026, 12, 5))
    moved = services.schedule_item_move(
        item=review, by=nurse, due_on=date(2026, 12, 12), version=1, note="Team meets later"
    )
    assert (moved.opens_on, moved.due_on, moved.closes_on) == (
        date(2026, 12, 5),
        date(2026, 12, 12),
        date(2026, 12, 19),
    )
    assert (moved.changed_by, moved.version, moved.note) == (nurse, 2, "Team meets later")
    event = schedule_events(patient).latest("id")
    assert event.action == "update"
    assert event.changes == {
        "due_on": ["2026-12-05", "2026-12-12"],
        "opens_on": ["2026-11-28", "2026-12-05"],
        "closes_on": ["2026-12-12", "2026-12-19"],
        "note": ["", "Team meets later"],
    }


def test_a_bad_move_saves_nothing(patient):
    nurse = member(patient.care_team, Role.NURSE)
    check_up = item(patient, "psychological_check_up", date(2026, 11, 30))
    with pytest.raises(ValidationError) as error:  # onto the next fortnight's check-up
        services.schedule_item_move(item=check_up, by=nurse, due_on=date(2026, 12, 14), version=1)
    assert error.value.message_dict == {
        "due_on": ["The schedule already has a Psychological check-up due on 2026-12-14."]
    }
    check_up.refresh_from_db()
    assert (check_up.due_on, check_up.opens_on, check_up.version) == (
        date(2026, 11, 30),
        date(2026, 11, 27),
        1,
    )
    assert schedule_events(patient).count() == 1


def test_a_stale_form_is_refused_rather_than_overwriting_a_colleagues_change(patient):
    nurse, therapist = (
        member(patient.care_team, Role.NURSE),
        member(patient.care_team, Role.THERAPIST),
    )
    test = item(patient, "motor_endurance_test", date(2026, 11, 30))
    services.schedule_item_move(item=test, by=therapist, due_on=date(2026, 12, 1), version=1)
    with pytest.raises(ValidationError) as error:
        services.schedule_item_cancel(item=test, by=nurse, reason="Away", version=1)
    assert error.value.messages == [
        "Someone else changed this item while you were editing. Reload it and try again."
    ]
    assert ScheduleItem.objects.get(pk=test.pk).cancelled_at is None


def test_a_done_item_is_neither_moved_nor_cancelled(patient):
    check_up = item(patient, "psychological_check_up", date(2026, 11, 16))
    record_all(patient, ("gad7", "phq9", "confidence", "short_fes_i"), date(2026, 11, 17))
    assert item_standing(check_up, TODAY).status is Status.DONE
    nurse = member(patient.care_team, Role.NURSE)
    with pytest.raises(ValidationError, match="This item is done"):
        services.schedule_item_move(item=check_up, by=nurse, due_on=date(2026, 11, 23), version=1)
    with pytest.raises(ValidationError, match="This item is done"):
        services.schedule_item_cancel(item=check_up, by=nurse, reason="Done already", version=1)


def test_cancelling_says_why_and_frees_the_day(patient):
    nurse = member(patient.care_team, Role.NURSE)
    missed = item(patient, "psychological_check_up", date(2026, 11, 2))
    assert item_standing(missed, TODAY).status is Status.MISSED
    with pytest.raises(ValidationError) as error:
        services.schedule_item_cancel(item=missed, by=nurse, reason="  ", version=1)
    assert error.value.message_dict == {"reason": ["Say why it is cancelled."]}
    cancelled = services.schedule_item_cancel(
        item=missed, by=nurse, reason="In hospital that week", version=1
    )
    assert cancelled.cancel_reason == "In hospital that week"
    assert item_standing(cancelled, TODAY).status is Status.CANCELLED
    event = schedule_events(patient).latest("id")
    assert event.changes["cancel_reason"] == ["", "In hospital that week"]
    with pytest.raises(ValidationError, match="This item is cancelled"):
        services.schedule_item_cancel(item=cancelled, by=nurse, reason="Again")
    # the day is free again: a new check-up can be added on it
    again = services.schedule_item_add(
        patient=patient, by=nurse, kind="psychological_check_up", due_on=date(2026, 11, 2)
    )
    assert again.pk != missed.pk


def test_a_team_review_is_marked_held_once_inside_or_after_its_window(patient):
    counsellor = member(patient.care_team, Role.COUNSELLOR)
    review = item(patient, "team_review", date(2026, 11, 5))
    with pytest.raises(ValidationError) as error:
        services.schedule_item_complete(item=review, by=counsellor, on=date(2026, 10, 28))
    assert error.value.message_dict == {
        "on": ["This review's window opens on 2026-10-29; a meeting before it is not it."]
    }
    with pytest.raises(ValidationError) as error:
        services.schedule_item_complete(item=review, by=counsellor, on=date(2026, 11, 22))
    assert error.value.message_dict == {"on": ["This date is in the future."]}
    assert item_standing(review, TODAY).status is Status.MISSED
    held = services.schedule_item_complete(item=review, by=counsellor, on=date(2026, 11, 14))
    assert (held.held_on, held.held_by) == (date(2026, 11, 14), counsellor)
    assert item_standing(held, TODAY).status is Status.DONE
    event = schedule_events(patient).latest("id")
    assert event.changes == {"held_on": [None, "2026-11-14"], "held_by_id": [None, counsellor.pk]}
    with pytest.raises(ValidationError, match="This item is done"):
        services.schedule_item_complete(item=held, by=counsellor, on=TODAY)


def test_only_a_team_review_is_marked_held(patient):
    check_up = item(patient, "psychological_check_up", date(2026, 11, 16))
    with pytest.raises(ValidationError, match="Only a team review is marked held"):
        services.schedule_item_complete(
            item=check_up, by=member(patient.care_team, Role.NURSE), on=TODAY
        )


def test_the_schedule_of_an_ended_episode_is_not_changed(patient):
    nurse = member(patient.care_team, Role.NURSE)
    episode = patient.episodes.get()
    episode_move(
        episode=episode,
        by=nurse,
        to_status=EpisodeStatus.WITHDRAWN,
        on=TODAY,
        reason="Moved away",
        version=episode.version,
    )
    review = item(patient, "team_review", date(2026, 12, 5))
    assert item_standing(review, TODAY).status is Status.CANCELLED
    with pytest.raises(ValidationError, match="This program episode has ended"):
        services.schedule_item_move(item=review, by=nurse, due_on=date(2026, 12, 9), version=1)
