"""Stored cross-site scripting and template injection: hostile text (script tags, event-handler
attributes, `javascript:` URLs, a closing textarea, Django template tags, with Chinese around
them) is written through the services into every free-text field people fill, then every page
(and htmx fragment) that a user of each role reaches is read back and parsed: the text is shown
as text, and not one element, attribute or URL of it is live.

PDFs are not HTML and the JSON of the API and FHIR is escaped by JSON: neither is read here.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from osteorehab.accounts.domain import CLINICAL_ROLES, CaregiverAction, Part, Role
from osteorehab.accounts.models import User
from osteorehab.alerts.services import alert_acknowledge
from osteorehab.api.services import patients_import_run, patients_import_start
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.assessments.services import assessment_record, impact_decide
from osteorehab.contact.services import (
    follow_up_complete,
    follow_up_schedule,
    message_send,
    thread_start,
)
from osteorehab.education.services import assignment_create, food_item_create
from osteorehab.family.services import encouragement_send
from osteorehab.followup.services import schedule_item_add
from osteorehab.homesafety.services import home_safety_check_record
from osteorehab.logbook.services import check_in_record, exercise_log_record, fall_report_record
from osteorehab.logbook.tests.factories import ITEMS
from osteorehab.meetings.services import decision_record, meeting_schedule
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import ConsentKind, Patient
from osteorehab.patients.services import (
    caregiver_invite,
    consent_record,
    episode_move,
    fracture_add,
    medication_add,
    patient_update,
)
from osteorehab.plans.domain import Facts
from osteorehab.plans.services import goal_create, goal_rate, plan_version_save
from osteorehab.psychology.services import module_frequency_set, psych_session_record
from osteorehab.rules.services import proposal_accept, proposal_reject, proposals_find
from tests.factories import (
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)
from tests.matrix import ROUTES, Route, World, client_of, url_of

pytestmark = pytest.mark.django_db

# Each field gets its own tag, so that the pages it shows up on can be counted. The payload is
# cut to the field's length, hostile parts first.


def hostile(tag: str, size: int = 300) -> str:
    parts = (
        f"张{tag}",
        f"<script>alert('{tag}')</script>",
        f"\"'><img src=x onerror=alert('{tag}')>",
        f"</textarea><svg onload=alert('{tag}')>",
        "{{7*7}}{% debug %}",
        f"javascript:alert('{tag}')",
        "三",
    )
    text = ""
    for part in parts:
        if len(text) + len(part) <= size:
            text += part
    return text


# The raw text of a hostile part: never in a page's source, where it would be live.
LIVE = ("<script>alert(", "<img src=x", "<svg onload", "</textarea><svg")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class Page(HTMLParser):
    """Every element, attribute and text of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self.texts += [value for _name, value in attrs if value]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._in_script and "alert(" in data:
            self.elements.append(("script-with-alert", []))


def injected(html: str) -> list[str]:
    """What of the payloads is live in the page: raw markup, an event-handler attribute, a
    `javascript:` URL, an inline script running it."""
    found = [part for part in LIVE if part in html]
    page = Page()
    page.feed(html)
    for tag, attrs in page.elements:
        if tag == "script-with-alert":
            found.append("inline script with alert(")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            url = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and url.startswith("javascript:"):
                found.append(f"<{tag} {name}={value}>")
    return found


def tags_shown(html: str, tags: Iterator[str]) -> set[str]:
    page = Page()
    page.feed(html)
    text = "\n".join(page.texts)
    return {tag for tag in tags if f"张{tag}" in text or f"alert('{tag}')" in text}


# ---- The world: one care team whose every free text is hostile ----

FIELDS: dict[str, str] = {}  # tag -> the field it was written into


def tagged(field: str, size: int = 300) -> str:
    tag = f"x{len(FIELDS):02d}"
    FIELDS[tag] = field
    return hostile(tag, size)


def _write_everything(patient: Patient, team, caregiver: User) -> None:
    """Every service that keeps text a person typed, given hostile text."""
    nurse, counsellor = member(team, Role.NURSE), member(team, Role.COUNSELLOR)
    physician, therapist = member(team, Role.PHYSICIAN), member(team, Role.THERAPIST)
    today = timezone.localdate()
    patient_update(
        patient=patient,
        by=nurse,
        version=patient.version,
        data={
            "family_name": patient.family_name,
            "given_name": tagged("Patient.given_name", 100),
            "date_of_birth": patient.date_of_birth,
            "sex": patient.sex,
            "phone": tagged("Patient.phone", 30),
            "preferred_language": "en",
            "record_number": tagged("Patient.record_number", 40),
            "diagnosis_on": None,
            "relevant_conditions": tagged("Patient.relevant_conditions", 1000),
        },
    )
    fracture_add(
        patient=patient,
        by=nurse,
        data={
            "site": "other",
            "site_other": tagged("Fracture.site_other", 100),
            "occurred_on": today - timedelta(days=400),
            "note": tagged("Fracture.note"),
        },
    )
    medication_add(
        patient=patient,
        by=physician,
        data={
            "drug": "other",
            "drug_other": tagged("Medication.drug_other", 100),
            "started_on": today - timedelta(days=300),
        },
    )
    consent_record(
        patient=patient,
        by=nurse,
        kind=ConsentKind.PROGRAM,
        granted=True,
        decided_on=today,
        note=tagged("Consent.note"),
    )
    episode = patient.episodes.get()
    episode_move(
        episode=episode,
        by=nurse,
        to_status=EpisodeStatus.ASSESSMENT,
        on=today,
        reason=tagged("EpisodeTransition.reason"),
        version=episode.version,
    )
    caregiver_invite(
        patient=patient,
        by=nurse,
        data={
            "name": tagged("Caregiver.name", 200),
            "relationship": tagged("Caregiver.relationship", 100),
            "phone": tagged("Caregiver.phone", 30),
        },
    )
    assessment_record(  # item 9 at 0: the injurious fall below is the patient's one alert
        patient=patient,
        by=counsellor,
        code="phq9",
        answers={"items": [1, 1, 1, 1, 1, 1, 1, 1, 0]},
        administered_on=today - timedelta(days=2),
        note=tagged("Assessment.note"),
    )
    impact_decide(
        patient=patient,
        by=physician,
        level="low",
        reason=tagged("ImpactDecision.reason"),
        decided_on=today,
    )
    version = plan_version_save(
        patient=patient,
        by=physician,
        items=ITEMS,
        facts=Facts(patient_baseline(patient).profile, False, False, False),
        reason=tagged("PlanVersion.reason"),
        based_on=0,
    )
    goal = goal_create(
        patient=patient,
        by=therapist,
        statement=tagged("Goal.statement", 200),
        phase="medium",
        importance=2,
        difficulty=2,
        level_minus_2=tagged("Goal.level_minus_2", 200),
        level_minus_1=tagged("Goal.level_minus_1", 200),
        level_0=tagged("Goal.level_0", 200),
        level_plus_1=tagged("Goal.level_plus_1", 200),
        level_plus_2=tagged("Goal.level_plus_2", 200),
    )
    goal_rate(goal=goal, by=therapist, level=0, rated_on=today, note=tagged("GoalRating.note"))
    psych_session_record(
        patient=patient,
        by=counsellor,
        held_on=today,
        modality="in_person",
        module="psychoeducation",
        notes=tagged("PsychSession.notes", 2000),
        homework=tagged("PsychSession.homework", 2000),
    )
    module_frequency_set(
        patient=patient,
        by=counsellor,
        module="relaxation_mindfulness",
        frequency="weekly",
        reason=tagged("ModuleFrequency.reason"),
    )
    home_safety_check_record(
        patient=patient,
        by=nurse,
        checked_on=today,
        how="in_person",
        answers={"living_rugs": "hazard"},
        note=tagged("HomeSafetyCheck.note", 2000),
    )
    assignment_create(patient=patient, by=nurse, module="nutrition")
    for completion, fields in (
        ("done", {"minutes": 5, "effort": 3, "pain": 1, "load": tagged("ExerciseLog.load", 200)}),
        ("skipped", {"skip_reason": "other", "skip_other": tagged("ExerciseLog.skip_other", 200)}),
    ):
        exercise_log_record(
            patient=patient,
            by=login_of(patient),
            client_key=uuid.uuid4(),
            day=today,
            exercise="chin_tucks",
            plan_version=version.number,
            completion=completion,
            **fields,
        )
    check_in_record(
        patient=patient,
        by=login_of(patient),
        client_key=uuid.uuid4(),
        day=today,
        mood=3,
        confidence=5,
        fatigue=4,
        sleep="fair",
        pain=3,
        back_pain_new=False,
        falls=1,
        near_falls=0,
    )
    fall_report_record(
        patient=patient,
        by=login_of(patient),
        client_key=uuid.uuid4(),
        happened_on=today - timedelta(days=1),
        place="other",
        place_other=tagged("FallReport.place_other", 200),
        injury=True,
        injury_what=tagged("FallReport.injury_what"),
        could_get_up=True,
        saw_doctor=False,
    )
    follow_up = follow_up_schedule(
        patient=patient,
        by=nurse,
        scheduled_at=timezone.now() + timedelta(minutes=1),
        mode="phone",
        with_role="nurse",
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):  # the call was held
        follow_up_complete(
            follow_up=follow_up,
            by=nurse,
            adherence="most",
            mood="good",
            problems=tagged("FollowUp.problems", 2000),
            plan_changes=tagged("FollowUp.plan_changes", 2000),
        )
    thread = thread_start(
        patient=patient, by=login_of(patient), topic="medical", body=tagged("Message.body", 2000)
    )
    message_send(thread=thread, by=nurse, body=tagged("Message.body (reply)", 2000))
    encouragement_send(patient=patient, by=caregiver, text=tagged("Encouragement.text", 280))
    schedule_item_add(
        patient=patient,
        by=nurse,
        kind="team_review",
        due_on=today + timedelta(days=20),
        note=tagged("ScheduleItem.note"),
    )
    meeting = meeting_schedule(  # the fall's open alert puts the patient on its agenda
        care_team=team, by=nurse, scheduled_at=timezone.now() + timedelta(days=2), chair=nurse
    )
    decision_record(
        item=meeting.items.get(patient=patient),
        by=nurse,
        # one task (the matrix's URLs name one): the plan change's, titled with its words
        plan_change=tagged("Decision.plan_change, Task.title", 500),
        note=tagged("Decision.note", 2000),
    )
    alert_acknowledge(
        alert=patient.alerts.get(), by=counsellor, action_taken=tagged("Alert.action_taken", 500)
    )
    proposals = list(proposals_find(patients=[patient], today=today))
    decided = {Role.COUNSELLOR: counsellor, Role.NURSE: nurse, Role.PHYSICIAN: physician}
    for n, proposal in enumerate(proposals):
        by = decided.get(Role(proposal.role), therapist)
        if n % 2:
            proposal_accept(proposal=proposal, by=by, note=tagged("Proposal.decision_reason"))
        else:
            proposal_reject(proposal=proposal, by=by, reason=tagged("Proposal.decision_reason"))


def build_hostile_world() -> tuple[World, Patient]:
    FIELDS.clear()  # the tags name this world's fields; the pages read were of another one
    _walks.clear()
    org = make_org(tagged("Organisation.name", 200))
    team = make_team(org, tagged("CareTeam.name", 200))
    for user in team.members.all():  # staff names are shown beside what they wrote
        user.full_name = tagged(f"User.full_name ({user.role})", 200)
        user.save()
    food_item_create(
        by=member(team, Role.NURSE),
        name_en=tagged("FoodItem.name_en", 100),
        name_zh=tagged("FoodItem.name_zh", 100),
        serving_en=tagged("FoodItem.serving_en", 100),
        serving_zh=tagged("FoodItem.serving_zh", 100),
        mg_per_serving=300,
        source=tagged("FoodItem.source"),
    )
    family = tagged("Patient.family_name", 96)  # 100, less ".csv": the import's file name
    patient = make_patient(team, login=True, family_name=family)
    caregiver = make_caregiver(patient, parts=list(Part), actions=[CaregiverAction.LOG_ON_BEHALF])
    _write_everything(patient, team, caregiver)
    job = patients_import_start(
        by=member(team, Role.NURSE),
        file_name=f"{family}.csv",
        data=b"family_name\nx\n",
        language="en",
    )
    patients_import_run(str(job.pk))
    users: dict[object, User | None] = {role: member(team, role) for role in CLINICAL_ROLES}
    users[Role.LEAD] = make_user(Role.LEAD, org, full_name=tagged("User.full_name (lead)", 200))
    users[Role.ADMIN] = make_user(Role.ADMIN, org, is_staff=True, is_superuser=True)
    users[Role.PATIENT] = login_of(patient)
    users["caregiver"] = caregiver
    return World(users=users, keys={}, patients={family: patient}), patient


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker) -> Iterator[tuple[World, Patient]]:
    immediate = HUEY.immediate
    HUEY.immediate = True
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_hostile_world()
        transaction.set_rollback(True)
    HUEY.immediate = immediate


READERS = (*CLINICAL_ROLES, Role.LEAD, Role.ADMIN, Role.PATIENT, "caregiver")


@dataclass
class Walk:
    live: dict[str, list[str]]  # URL -> what of the payloads is live there
    shown: dict[str, set[str]]  # tag -> the URLs showing it as text


_walks: dict[tuple[int, object], Walk] = {}


def _read_by(route: Route, role: object) -> bool:
    """The pages: not the JSON of the API and FHIR; the admin site's for the administrator."""
    if route.regex.startswith(("api/", "fhir/")):
        return False
    return route.regex.startswith("admin/") == (role == Role.ADMIN)


def walk(world: World, patient: Patient, role: object) -> Walk:
    """Every HTML page the role is shown (whole, then as its htmx fragment), read once per
    test process: the tests below share it."""
    key = (patient.pk, role)
    if key not in _walks:
        done = Walk({}, defaultdict(set))
        client = client_of(world, role)
        for route in ROUTES:
            if not _read_by(route, role):
                continue
            url = url_of(route, patient)
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                    break  # no page here: no fragment of one either
                where = url + (" (htmx)" if headers else "")
                html = response.content.decode()
                found = injected(html)
                if found:
                    done.live[where] = found
                for tag in tags_shown(html, iter(FIELDS)):
                    done.shown[tag].add(where)
        _walks[key] = done
    return _walks[key]


@pytest.mark.parametrize("role", READERS, ids=str)
def test_no_page_shows_hostile_text_as_live_markup(hostile_world, role):
    world, patient = hostile_world
    seen = walk(world, patient, role)
    assert seen.live == {}
    assert seen.shown, f"{role} was shown none of the hostile text"


# Kept, and shown on no page today (in the PDFs, the FHIR resources or the audit trail only):
# written all the same, so that a page that starts showing one is read too (and this list then
# loses it).
NOT_SHOWN = {
    "Alert.action_taken",
    "Assessment.note",
    "Caregiver.phone",
    "Consent.note",
    "GoalRating.note",
}


def test_every_hostile_field_is_shown_somewhere_as_text(hostile_world):
    """The walk is not empty-handed: each field written is shown, as text, on a page of one of
    the roles, so that the test above read it back."""
    world, patient = hostile_world
    shown = {
        tag
        for role in READERS
        for tag, urls in walk(world, patient, role).shown.items()
        # the audit trail's first page holds the latest events, which the walk's own reads
        # push out of it: what it shows depends on the order of the walk
        if any(not url.startswith("/audit/") for url in urls)
    }
    assert {FIELDS[tag] for tag in FIELDS.keys() - shown} == NOT_SHOWN


def test_a_javascript_url_is_refused_as_a_video_link(hostile_world):
    world, patient = hostile_world
    with pytest.raises(ValidationError):
        follow_up_schedule(
            patient=patient,
            by=world.users[Role.NURSE],
            scheduled_at=timezone.now() + timedelta(days=3),
            mode="video",
            with_role="nurse",
            video_link="javascript:alert(1)",
        )
