"""The patient's self-timed 30-second chair stand: the screens in order, the count kept as the
patient's own report with the age and sex from the record, and the result judged by the
instrument against the STEADI norm (clinical-reference 2.2)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.models import Assessment, Occasion
from tests.factories import client_for, login_of, make_caregiver, make_patient, member


def born_years_ago(years: float) -> date:
    return timezone.localdate() - timedelta(days=round(years * 365.25))


def woman_of_72(team):
    patient = make_patient(team, login=True, sex="female", date_of_birth=born_years_ago(72.5))
    assert patient.age == 72
    return patient


def do_the_test(client, stands: object):
    return client.post(reverse("assessments:chair-stand-test"), {"stands": stands})


def test_the_screens_lead_from_safety_to_practice_to_the_test(team):
    client = client_for(login_of(woman_of_72(team)))
    start = client.get(reverse("assessments:chair-stand")).content.decode()
    assert "A sturdy chair without arms, with its back against a wall" in start
    assert "Cross your arms over your chest" in start
    assert "Someone nearby, if you sometimes feel unsteady." in start
    assert "Stop at once if you feel pain, dizzy or short of breath." in start
    assert reverse("assessments:chair-stand-practice") in start
    assert "STEADI" not in start  # the sources are cited in the template's comments only
    practice = client.get(reverse("assessments:chair-stand-practice")).content.decode()
    assert 'data-seconds="30"' in practice
    assert "Nothing is saved." in practice
    # without the script, a clock instead (the script hides this)
    assert "Use a clock or a watch with a second hand: count 30 seconds." in practice
    assert "chair_stand.js" in practice
    assert reverse("assessments:chair-stand-test") in practice
    test = client.get(reverse("assessments:chair-stand-test"))
    assert test.status_code == 200
    assert "How many times did you stand up?" in test.content.decode()
    assert not Assessment.objects.exists()


def test_seven_stands_of_a_woman_of_72_are_kept_and_read_as_below_the_norm(team):
    patient = woman_of_72(team)
    client = client_for(login_of(patient))
    response = do_the_test(client, "7")
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:chair-stand-result", args=[assessment.pk])
    assert assessment.patient == patient
    assert assessment.instrument == "chair_stand_30s"
    assert assessment.self_reported is True
    assert assessment.answers == {"stands": 7, "age": 72, "sex": "female"}
    assert assessment.occasion == Occasion.BASELINE  # the first chair stand on record
    assert assessment.administered_on == timezone.localdate()
    assert assessment.recorded_by == login_of(patient)
    assert assessment.total == 7
    assert assessment.result["norm"] == 10  # women 70-74: below average if < 10
    page = client.get(response["Location"]).content.decode()
    assert '<p class="big-number">7</p>' in page
    assert "This is below the usual number for your age and sex: 10 or more." in page


def test_twelve_stands_are_not_below_the_norm_and_a_second_test_is_a_follow_up(team):
    patient = woman_of_72(team)
    client = client_for(login_of(patient))
    do_the_test(client, "7")
    response = do_the_test(client, "12")
    latest = Assessment.objects.order_by("-id").first()
    assert latest is not None
    assert latest.answers == {"stands": 12, "age": 72, "sex": "female"}
    assert latest.occasion == Occasion.FOLLOW_UP
    page = client.get(response["Location"]).content.decode()
    assert '<p class="big-number">12</p>' in page
    assert "below" not in page
    assert "as good as or better than the usual number for your age and sex: 10 or more." in page


def test_a_man_of_72_is_judged_by_the_mens_norm(team):
    patient = make_patient(team, login=True, sex="male", date_of_birth=born_years_ago(72.5))
    client = client_for(login_of(patient))
    page = client.get(do_the_test(client, "11")["Location"]).content.decode()
    assert "below the usual number for your age and sex: 12 or more." in page  # men 70-74


def test_under_sixty_there_is_no_norm_to_compare_with(team):
    patient = make_patient(team, login=True, date_of_birth=born_years_ago(55.5))
    client = client_for(login_of(patient))
    page = client.get(do_the_test(client, "9")["Location"]).content.decode()
    assert "There is no usual number to compare with for your age." in page
    assert "below" not in page


def test_a_count_out_of_range_is_refused_on_its_field(team):
    client = client_for(login_of(woman_of_72(team)))
    for stands in ("31", "40", "-1"):
        response = do_the_test(client, stands)
        assert response.status_code == 400
        assert response.context["form"].errors["stands"] == ["Enter a value from 0 to 30."]
    for stands, message in (
        ("", "Enter how many times you stood up."),
        ("7.5", "Enter a whole number."),
    ):
        response = do_the_test(client, stands)
        assert response.status_code == 400
        assert response.context["form"].errors["stands"] == [message]
    assert not Assessment.objects.exists()


def test_only_the_patient_themself_does_the_test(team):
    patient = woman_of_72(team)
    caregiver = make_caregiver(patient, parts=list(Part))
    for user in (member(team, Role.THERAPIST), caregiver):
        client = client_for(user)
        assert client.get(reverse("assessments:chair-stand")).status_code == 403
        assert do_the_test(client, "9").status_code == 403
    assert not Assessment.objects.exists()


def test_another_patients_result_is_not_found(team):
    first = woman_of_72(team)
    do_the_test(client_for(login_of(first)), "9")
    assessment = Assessment.objects.get()
    other = client_for(login_of(make_patient(team, login=True)))
    url = reverse("assessments:chair-stand-result", args=[assessment.pk])
    assert other.get(url).status_code == 404


def test_a_record_without_female_or_male_is_sent_to_the_care_team(team):
    patient = make_patient(team, login=True, sex="unknown")
    client = client_for(login_of(patient))
    start = client.get(reverse("assessments:chair-stand")).content.decode()
    assert "Your care team will do this test with you at your next visit." in start
    assert reverse("assessments:chair-stand-practice") not in start
    response = do_the_test(client, "9")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:chair-stand")
    assert not Assessment.objects.exists()
