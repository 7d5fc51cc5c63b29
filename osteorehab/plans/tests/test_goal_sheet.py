"""The patient's goal sheet: their goals in their words with where they are, their own rating
of each (kept as theirs, counted in the GAS T-score the clinicians read), and the self-checks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.domain import BASELINE_BATTERY
from osteorehab.assessments.services import assessment_record, draft_answer
from osteorehab.audit.models import AuditEvent
from osteorehab.followup.tests.makers import start_program
from osteorehab.plans import services
from osteorehab.plans.models import Goal, GoalRating, RatedAs
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

LEVELS = {
    "level_minus_2": "Does not leave the flat",
    "level_minus_1": "Walks to the lift",
    "level_0": "Walks to the market with a stick",
    "level_plus_1": "Walks to the market and back",
    "level_plus_2": "Walks there and back with shopping",
}


def make_goal(patient, statement="Walk to the market without fear", **fields) -> Goal:
    defaults = {
        "phase": "medium",
        "measure": "",
        "importance": 3,
        "difficulty": 2,
        "baseline_level": -1,
        **LEVELS,
    }
    return services.goal_create(
        patient=patient,
        by=member(patient.care_team, Role.THERAPIST),
        statement=statement,
        **{**defaults, **fields},
    )


def ladder_step(page: str, words: str) -> str:
    """The ladder's list item holding these words (the template keeps each on one line)."""
    return next(line for line in page.splitlines() if words in line and "<li" in line)


def test_the_patient_sees_their_goal_in_their_words_and_where_they_are(team):
    patient = make_patient(team, login=True)
    make_goal(patient)
    page = client_for(login_of(patient)).get(reverse("plans:my-goals")).content.decode()
    assert "“Walk to the market without fear”" in page
    # not rated yet: at the starting level (-1), said in words, not by colour alone
    assert "You are here" in ladder_step(page, "Walks to the lift")
    assert 'class="current"' in ladder_step(page, "Walks to the lift")
    assert "You are here" not in ladder_step(page, "Walks to the market with a stick")
    assert "Your goal" in ladder_step(page, "Walks to the market with a stick")
    # the ladder climbs: the best level first
    assert page.index("Walks there and back with shopping") < page.index("Does not leave the flat")


def test_the_patient_rates_their_own_goal_and_it_is_kept_as_theirs(team):
    patient = make_patient(team, login=True)
    goal = make_goal(patient)
    client = client_for(login_of(patient))
    url = reverse("plans:my-goal-rate", args=[goal.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert [label for _value, label in form.context["form"].fields["level"].choices] == [
        "Walks there and back with shopping",
        "Walks to the market and back",
        "Walks to the market with a stick",
        "Walks to the lift (last time)",
        "Does not leave the flat",
    ]
    response = client.post(url, {"level": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:my-goals")
    rating = GoalRating.objects.get()
    assert (rating.goal, rating.level, rating.rated_as) == (goal, 1, RatedAs.PATIENT)
    assert rating.rated_by == login_of(patient)
    assert rating.rated_on == timezone.localdate()
    event = AuditEvent.objects.get(target="plans.GoalRating", object_id=str(rating.pk))
    assert event.user == login_of(patient)
    assert event.changes["rated_as"] == "patient"
    assert event.changes["level"] == 1
    page = client.get(reverse("plans:my-goals")).content.decode()
    assert "You are here" in ladder_step(page, "Walks to the market and back")
    assert "You are here" not in ladder_step(page, "Walks to the lift")


def test_a_rating_without_a_choice_is_refused(team):
    patient = make_patient(team, login=True)
    goal = make_goal(patient)
    response = client_for(login_of(patient)).post(reverse("plans:my-goal-rate", args=[goal.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["level"] == ["Choose the sentence that fits you best."]
    assert not GoalRating.objects.exists()


def test_a_clinicians_rating_is_kept_as_a_clinicians(team):
    patient = make_patient(team)
    goal = make_goal(patient)
    rating = services.goal_rate(
        goal=goal, by=member(team, Role.NURSE), level=0, rated_on=timezone.localdate()
    )
    assert rating.rated_as == RatedAs.CLINICIAN


def test_a_caregiver_cannot_rate_the_patients_goal(team):
    patient = make_patient(team, login=True)
    goal = make_goal(patient)
    caregiver = make_caregiver(patient, parts=[Part.PLAN, Part.PROGRESS])
    client = client_for(caregiver)
    url = reverse("plans:my-goal-rate", args=[goal.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"level": "2"}).status_code == 403
    assert client.get(reverse("plans:my-goals")).status_code == 403
    with pytest.raises(ValidationError, match="rated by the patient or the care team"):
        services.goal_rate(goal=goal, by=caregiver, level=2, rated_on=timezone.localdate())
    assert not GoalRating.objects.exists()


def test_another_patients_goal_is_not_found(team):
    patient = make_patient(team, login=True)
    other = make_patient(team, login=True)
    goal = make_goal(other)
    response = client_for(login_of(patient)).post(
        reverse("plans:my-goal-rate", args=[goal.pk]), {"level": "2"}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.goal_rate(goal=goal, by=login_of(patient), level=2, rated_on=timezone.localdate())
    assert not GoalRating.objects.exists()


def test_the_goal_sheet_is_the_patients_own_page(team):
    make_patient(team, login=True)
    assert client_for(member(team, Role.NURSE)).get(reverse("plans:my-goals")).status_code == 403


def test_the_gas_t_score_on_the_clinicians_page_counts_the_patients_rating(team):
    patient = make_patient(team, login=True)
    market = make_goal(patient, importance=3, difficulty=2)
    grandson = make_goal(patient, "Carry my grandson", importance=2, difficulty=2)
    therapist = client_for(member(team, Role.THERAPIST))
    url = reverse("plans:goals", args=[patient.pk])
    assert therapist.get(url).context["attainment"].total == 37.73  # both at -1 (1.11)

    client_for(login_of(patient)).post(
        reverse("plans:my-goal-rate", args=[market.pk]), {"level": "1"}
    )
    services.goal_rate(
        goal=grandson, by=member(team, Role.THERAPIST), level=0, rated_on=timezone.localdate()
    )
    page = therapist.get(url)
    assert page.context["attainment"].total == 57.36  # +1 (weight 6) and 0 (weight 4)
    # whose rating each is
    assert page.content.decode().count("This is the patient's own rating.") == 1


def test_the_goal_sheet_shows_the_measure_at_the_start_and_now(team):
    patient = make_patient(team, login=True, date_of_birth=date(1954, 1, 2))
    make_goal(patient, measure="chair_stand_30s")
    client = client_for(login_of(patient))
    assert (
        "30-Second Chair Stand: not measured yet."
        in client.get(reverse("plans:my-goals")).content.decode()
    )
    days = (date(2026, 10, 1), date(2026, 11, 1))
    for day, stands in zip(days, (8, 11), strict=True):
        assessment_record(
            patient=patient,
            by=member(team, Role.THERAPIST),
            code="chair_stand_30s",
            answers={"stands": stands, "age": 72, "sex": "female"},
            administered_on=day,
        )
    page = client.get(reverse("plans:my-goals")).content.decode()
    start, now = (date_filter(day) for day in days)
    assert f"30-Second Chair Stand: 8 at the start ({start}), 11 now ({now})." in page


def test_the_goal_sheet_says_how_many_questionnaires_wait(team):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    url = reverse("plans:my-goals")
    # before the program starts: the baseline questionnaires the patient answers themself
    assert client.get(url).context["waiting"] == len(BASELINE_BATTERY["patient"]) == 4
    assert "Questionnaires waiting for you: 4." in client.get(url).content.decode()
    # answered: done, whether the patient answered or a clinician entered the paper form
    client.post(reverse("assessments:questionnaire", args=["confidence"]), {"answer": "6"})
    assessment_record(
        patient=patient,
        by=member(team, Role.COUNSELLOR),
        code="see",
        answers={"items": [6] * 9},
        administered_on=timezone.localdate(),
    )
    assert client.get(url).context["waiting"] == 2
    # started again and left half-way: waiting once more, as the questionnaires page shows it
    draft_answer(patient=patient, code="confidence", item="rating", answer=4)
    assert client.get(url).context["waiting"] == 3
    # the program started two weeks ago: the check-up is due, and asks for GAD-7 and PHQ-9 too
    start_program(patient, timezone.localdate() - timedelta(days=14))
    assert client.get(url).context["waiting"] == 5
    assert "My next check-ups" in client.get(url).content.decode()
