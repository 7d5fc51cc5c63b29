"""Assessments in headless Chromium: the baseline battery recorded by the clinicians, and a
patient's PHQ-9 on a phone, one question per screen, with its safety alert."""

import re
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from osteorehab.alerts.models import Alert, AlertKind
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.selectors import questionnaires_to_answer
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Patient, Sex

from .conftest import DESKTOP, PHONE, Browsing
from .test_flows import fact, log_in

pytestmark = pytest.mark.browser

PHQ9 = INSTRUMENTS["phq9"]
# Item 9 (thoughts of being better off dead or of self-harm) above 0: the crisis page, and an
# urgent alert for the care team.
ANSWERS = [1, 2, 1, 0, 0, 1, 0, 0, 1]
LEAVES_AFTER = 4  # questions answered before the patient leaves


def baseline_subject(demo: DemoProgram) -> Patient:
    """A newly referred patient, not yet assessed, made a woman of 72 (an age the chair-stand
    norms cover) so that the expected norms do not depend on the demo's random ages."""
    patient = Patient.objects.filter(
        organisation=demo.organisation, episodes__status=EpisodeStatus.REFERRED
    ).first()
    assert patient is not None
    assert not patient.assessments.exists()
    born = timezone.localdate() - timedelta(days=round(72.5 * 365.25))
    Patient.objects.filter(pk=patient.pk).update(sex=Sex.FEMALE, date_of_birth=born)
    patient.refresh_from_db()
    assert patient.age == 72
    return patient


def open_baseline_form(page: Page, patient: Patient, name: str, code: str) -> None:
    """From the patient's record, through Assessments, to the instrument's baseline form."""
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Assessments", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/assessments/$"))
    page.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(
        re.compile(rf"/patients/{patient.pk}/assessments/new/{code}/\?occasion=baseline$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_label("Occasion")).to_have_value(Occasion.BASELINE)


def save(page: Page, patient: Patient, name: str, score: str) -> None:
    """Save the form; the saved assessment's page shows its score and band."""
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/assessments/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("main .result .score")).to_have_text(score)
    expect(page.locator(".messages")).to_contain_text("Assessment saved.")


def battery_entry(page: Page, name: str) -> Locator:
    return page.locator("ul.battery li").filter(has=page.get_by_role("link", name=name, exact=True))


def latest_score(page: Page, name: str) -> Locator:
    """The result card under the instrument's heading in the profile's latest scores."""
    heading = page.locator("main h3").filter(has=page.get_by_role("link", name=name, exact=True))
    return heading.locator("xpath=following-sibling::div[contains(@class, 'result')][1]")


def test_clinicians_record_the_baseline_and_read_the_profile(demo: DemoProgram, browsing: Browsing):
    patient = baseline_subject(demo)
    age = patient.age

    # The therapist: Timed Up and Go and the 30-second chair stand.
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "therapist")
    open_baseline_form(page, patient, "Timed Up and Go", "tug")
    # age comes from the record (and sex, where the instrument takes it)
    expect(page.get_by_label("Age (years)")).to_have_value(str(age))
    page.get_by_label("Time (seconds)").fill("13.5")
    # The score can be checked before anything is saved; the form keeps what was typed.
    page.get_by_role("button", name="Check the score").click()
    expect(page.locator("main .result .score")).to_have_text("Score: 13.5 · at risk of falling")
    expect(page.get_by_label("Time (seconds)")).to_have_value("13.5")
    assert not Assessment.objects.filter(patient=patient).exists()
    browsing.shot(page, "tug-form")
    save(page, patient, "Timed Up and Go", "Score: 13.5 · at risk of falling")

    open_baseline_form(page, patient, "30-Second Chair Stand", "chair_stand_30s")
    expect(page.get_by_label("Age (years)")).to_have_value(str(age))
    expect(page.get_by_label("Sex")).to_have_value("female")
    page.get_by_label("Stands in 30 seconds").fill("7")  # below every women's norm to 89
    save(page, patient, "30-Second Chair Stand", "Score: 7 · below norm")

    page.get_by_role("link", name=f"{patient.name} · Assessments").click()
    expect(battery_entry(page, "Timed Up and Go")).to_contain_text("✓ done")
    expect(battery_entry(page, "30-Second Chair Stand")).to_contain_text("✓ done")
    expect(battery_entry(page, "Bone density (WHO classification)")).to_contain_text("to do")
    browsing.shot(page, "assessments")

    # The physician: bone density from the DXA report, then the fall-risk tier.
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "physician")
    bone = "Bone density (WHO classification)"
    open_baseline_form(page, patient, bone, "bone_density")
    expect(page.get_by_label("Age (years)")).to_have_value(str(age))
    expect(page.get_by_label("Sex")).to_have_value("female")
    page.get_by_label("Site measured").select_option(label="Femoral neck")
    page.get_by_label("Bone mineral density (g/cm²)").fill("0.558")
    page.get_by_label("Has had a fragility fracture").select_option(label="Yes")
    page.get_by_label("Postmenopausal").select_option(label="Yes")
    # T = (0.558 - 0.858) / 0.120 = -2.5 after rounding; with a fracture, severe osteoporosis
    save(page, patient, bone, "Score: -2.5 · severe (established) osteoporosis")

    wfg = "Fall-risk stratification (World Falls Guidelines 2022)"
    open_baseline_form(page, patient, wfg, "falls_risk_wfg")
    page.get_by_label("Falls in the past 12 months").fill("0")
    page.get_by_label("Worried about falling").select_option(label="Yes")
    page.get_by_label("Feels unsteady").select_option(label="No")
    # the therapist's TUG is carried over, for the physician to check
    expect(page.get_by_label("Timed Up and Go (seconds)")).to_have_value("13.5")
    save(page, patient, wfg, "Score: — · low fall risk")  # a TUG of 13.5 s is not above 15 s

    # The baseline profile, from the record.
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Baseline profile", exact=True).click()
    expect(page).to_have_url(f"{browsing.base_url}/patients/{patient.pk}/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Baseline profile")
    expect(fact(page, "WHO class")).to_have_text("severe (established) osteoporosis")
    expect(fact(page, "Lowest T-score")).to_have_text("-2.5")
    expect(fact(page, "Fall risk (World Falls Guidelines)")).to_have_text("low fall risk")

    tug = latest_score(page, "Timed Up and Go")
    expect(tug.locator(".score")).to_have_text("Score: 13.5 · at risk of falling")
    # each band with the cut-off it was judged by and where that cut-off comes from
    expect(tug.locator(".reasons li")).to_contain_text(
        [
            "13.5 is >= 12: at risk of falling by steadi, CDC STEADI TUG form"
            " (LOINC 89422-0 description: 12 s) [clinical-reference 2.1]",
            "13.5 is >= 13.5: fall risk (better at ruling in than out) by shumway_cook_2000,"
            " Shumway-Cook et al. 2000",
        ]
    )
    chair = latest_score(page, "30-Second Chair Stand")
    expect(chair.locator(".score")).to_have_text("Score: 7 · below norm")
    expect(chair.locator(".reasons")).to_contain_text("STEADI norm for female")
    expect(latest_score(page, bone).locator(".reasons")).to_contain_text(
        "T -2.5 <= -2.5 with a fragility fracture: severe (established) osteoporosis,"
        " WHO 1994, Technical Report Series 843"
    )

    constraints = page.locator("ul.constraints > li")
    spine = constraints.filter(has_text="Spine-sparing")
    expect(spine).to_have_count(1)
    expect(spine).to_contain_text("WHO class severe (established) osteoporosis")
    expect(spine).to_contain_text("Too Fit To Fracture")
    liftmor = constraints.filter(has_text="LIFTMOR-type")
    expect(liftmor).to_contain_text("lowest T-score -2.5 (< -1.0)")
    # A low fall risk calls for no strength-and-balance-first rule.
    expect(constraints.filter(has_text="before any impact work")).to_have_count(0)
    # No impact until the physician decides; the physician decides from the profile.
    expect(constraints.filter(has_text="as far as the physician allows")).to_contain_text(
        "not recorded: no impact until it is"
    )
    page.get_by_role("link", name="Decide", exact=True).click()
    page.get_by_label("Low impact: no more than brisk walking").check()
    page.get_by_label("Reason").fill("Severe osteoporosis; starting gently")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded.")
    expect(fact(page, "Impact exercise (the physician's decision)")).to_contain_text(
        "Low impact: no more than brisk walking — Severe osteoporosis; starting gently"
    )
    expect(constraints.filter(has_text="as far as the physician allows")).to_contain_text(
        "the physician allows: Low impact: no more than brisk walking"
    )
    browsing.shot(page, "profile")

    stored = Assessment.objects.filter(patient=patient, occasion=Occasion.BASELINE)
    assert sorted(stored.values_list("instrument", flat=True)) == [
        "bone_density",
        "chair_stand_30s",
        "falls_risk_wfg",
        "tug",
    ]
    assert stored.get(instrument="tug").answers == {"seconds": 13.5, "age": age}
    assert browsing.errors == []


def answer(page: Page, number: int, value: int) -> None:
    """One question screen: check it is the expected question, answer it, go on."""
    item = PHQ9.items[number - 1]
    expect(page.locator(".progress")).to_have_text(f"Question {number} of {len(PHQ9.items)}")
    expect(page.locator("fieldset.question legend")).to_contain_text(item.label)
    expect(page.get_by_role("radio")).to_have_count(len(item.options))
    page.get_by_role("radio", name=re.compile(rf"^{value} — ")).check()
    page.get_by_role("button", name="Next").click()


def test_patient_answers_the_phq9_on_a_phone_and_the_counsellor_acts_on_item_9(
    demo: DemoProgram, browsing: Browsing, mailoutbox: list[EmailMessage]
):
    patient = Patient.objects.get(user__username=demo.patient_login)
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    page.get_by_role("link", name="Answer my questionnaires").click()
    expect(page).to_have_url(f"{browsing.base_url}/me/questionnaires/")
    # done at the demo's bi-weekly check-ups; due again ("start") when an item of the patient's
    # follow-up schedule asks for it today, else "done"; answered again, it is the next
    due = "phq9" in questionnaires_to_answer(patient, timezone.localdate())
    page.get_by_role("link", name=f"PHQ-9 — {'start' if due else 'done'}", exact=True).click()
    expect(page).to_have_url(f"{browsing.base_url}/me/questionnaires/phq9/")
    browsing.shot(page, "question")
    for number in range(1, LEAVES_AFTER + 1):
        answer(page, number, ANSWERS[number - 1])
    expect(page.locator(".progress")).to_have_text(f"Question {LEAVES_AFTER + 1} of 9")

    # Half-way, they leave for their home page, and come back later.
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page).to_have_url(f"{browsing.base_url}/me/")
    page.get_by_role("link", name="Answer my questionnaires").click()
    resume = page.get_by_role("link", name=re.compile(r"^PHQ-9 — "))
    expect(resume).to_have_text("PHQ-9 — continue")
    browsing.shot(page, "questionnaires")
    resume.click()
    # Back where they left off: the first question not yet answered.
    for number in range(LEAVES_AFTER + 1, len(ANSWERS) + 1):
        answer(page, number, ANSWERS[number - 1])

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.get_by_role("alert")).to_contain_text(
        "Your care team has been told and will contact you soon."
    )
    expect(page.get_by_role("alert")).to_contain_text("call your local emergency number")
    browsing.shot(page, "crisis")
    phq9 = Assessment.objects.filter(patient=patient, instrument="phq9").latest("id")
    assert phq9.answers == {"items": ANSWERS}
    assert (phq9.self_reported, phq9.occasion) == (True, Occasion.FOLLOW_UP)
    assert phq9.total == sum(ANSWERS)
    # The counsellor and the physician are told at once, by an e-mail that names no patient.
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["counsellor@example.org", "physician@example.org"]
    assert patient.name not in mailoutbox[0].body
    assert patient.family_name not in mailoutbox[0].body

    # The counsellor sees the urgent alert on the caseload, and acknowledges it.
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "counsellor")
    expect(page).to_have_url(f"{browsing.base_url}/caseload/")
    row = page.locator("#results tbody tr").filter(
        has=page.locator(f'a[href="/patients/{patient.pk}/"]')
    )
    expect(row.get_by_role("link", name="Urgent alert")).to_be_visible()
    expect(page.get_by_role("link", name="Urgent alert")).to_have_count(1)  # theirs only
    browsing.shot(page, "caseload")
    row.get_by_role("link", name="Urgent alert").click()
    expect(page).to_have_url(f"{browsing.base_url}/alerts/")
    alert = page.locator("ul.alerts > li")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Urgent: Thoughts of death or self-harm (PHQ-9 item 9)")
    expect(alert.get_by_role("link", name=patient.name, exact=True)).to_be_visible()
    alert.get_by_role("link", name="Acknowledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thoughts of death or self-harm (PHQ-9 item 9)"
    )
    note = "Phoned the patient at once; safety plan agreed, GP informed."
    page.get_by_label("What was done").fill(note)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page).to_have_url(f"{browsing.base_url}/alerts/")
    expect(page.locator(".messages")).to_contain_text("Alert acknowledged.")
    expect(page.locator("ul.alerts > li")).to_have_count(0)
    expect(page.get_by_text("No open alerts.")).to_be_visible()
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("link", name="Urgent alert")).to_have_count(0)

    acknowledged = Alert.objects.get(patient=patient)
    assert acknowledged.kind == AlertKind.SELF_HARM_THOUGHTS
    assert acknowledged.action_taken == note
    assert acknowledged.acknowledged_by == demo.staff["counsellor"]
    assert browsing.errors == []
