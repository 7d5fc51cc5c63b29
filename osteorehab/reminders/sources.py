"""Where reminders come from: each source is a function `source(now) -> Iterable[Due]` that
says, for everyone at once, what is to be done; `SOURCES` is the registry the job reads.

A source takes the moment (an aware local datetime), not only the day, because two of them
depend on the time of day (a session not done by 17:00, a call within two hours). Each source
is a few queries, whatever the number of patients, and gives only patients whose program
episode is open: nothing is sent about a patient who was discharged or withdrew.

Keys are stable: the same thing to do gives the same key on every run (`homesafety:<action
id>:<due date>`), so the job sends each reminder once (`SentReminder`). A key carries the date
the thing is due, so a new due date (an answered check-up, a moved call) is a new reminder.

To add a source: write the function here and add it to `SOURCES`; its words are marked with
`gettext_noop` and carry no clinical detail (no diagnosis, score or band).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from osteorehab.accounts.domain import Part
from osteorehab.contact.models import FollowUp, Mode
from osteorehab.education.models import Assignment
from osteorehab.followup.selectors import due_items
from osteorehab.homesafety.domain import Owner
from osteorehab.homesafety.models import HomeSafetyAction
from osteorehab.logbook.domain import due_on
from osteorehab.logbook.models import ExerciseLog
from osteorehab.patients.domain import CLOSED
from osteorehab.patients.models import Caregiver, Consent, ConsentKind, Episode, Patient
from osteorehab.plans.domain import items_of
from osteorehab.plans.models import PlanVersion

from .domain import Due, Kind

Source = Callable[[datetime], Iterable[Due]]

HOME_SAFETY_PATIENT = gettext_noop("A home safety task is due. Please have a look.")
HOME_SAFETY_CAREGIVER = gettext_noop(
    "A home safety task for the person you support is due. Please have a look."
)
LESSON = gettext_noop("You have a lesson to finish by %(date)s.")
QUESTIONNAIRES = gettext_noop("Your check-up questionnaires are due. They take a few minutes.")
SESSION = gettext_noop("You have an exercise session to do today.")
FOLLOW_UP_WORDS = {
    (Mode.PHONE.value, "tomorrow"): gettext_noop(
        "Your care team will phone you tomorrow at %(time)s."
    ),
    (Mode.PHONE.value, "today"): gettext_noop("Your care team will phone you today at %(time)s."),
    (Mode.VIDEO.value, "tomorrow"): gettext_noop(
        "You have a video call with your care team tomorrow at %(time)s."
    ),
    (Mode.VIDEO.value, "today"): gettext_noop(
        "You have a video call with your care team today at %(time)s."
    ),
}

# Lessons: reminded from the day before they are due (issue #5 §5).
LESSON_DAYS_AHEAD = 1
# Today's session: reminded when some exercise is still not logged at 17:00 local time.
SESSION_BY = time(17, 0)
# A remote follow-up: reminded the day before, and again within the two hours before it.
FOLLOW_UP_SOON = timedelta(hours=2)


def words(message: str, **params: Any) -> tuple[str, str]:
    """The reminder's words in English and in Simplified Chinese."""
    texts = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            texts.append(gettext(message) % params if params else gettext(message))
    return texts[0], texts[1]


def at_start_of(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(0), tzinfo=now.tzinfo)


def in_program() -> QuerySet[Patient]:
    """Patients whose program episode is open (not discharged, not withdrawn)."""
    open_episode = Episode.objects.filter(patient=OuterRef("pk")).exclude(
        status__in=[status.value for status in CLOSED]
    )
    return Patient.objects.filter(Exists(open_episode))


def with_login() -> QuerySet[Patient]:
    return in_program().filter(user__isnull=False)


def plan_caregivers(patient_ids: Iterable[int]) -> dict[int, list[int]]:
    """Patient id -> the user ids of the caregivers who can open the patient's plan: the rule of
    `accounts.access.visible_patients` (invitation accepted, not revoked, family sharing
    consented in the latest decision) and the plan shared with them, in one query."""
    sharing = Subquery(
        Consent.objects.filter(patient=OuterRef("patient"), kind=ConsentKind.FAMILY_SHARING)
        .order_by("-decided_on", "-id")
        .values("granted")[:1]
    )
    links = (
        Caregiver.objects.filter(
            patient_id__in=list(patient_ids),
            user__isnull=False,
            accepted_at__isnull=False,
            revoked_at__isnull=True,
        )
        .annotate(sharing=sharing)
        .filter(sharing=True)
        .order_by("pk")
        .values_list("patient_id", "user_id", "shared_parts")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for patient_id, user_id, shared_parts in links:
        if user_id is not None and Part.PLAN.value in shared_parts:
            found[patient_id].append(user_id)
    return found


def home_safety_actions(now: datetime) -> Iterator[Due]:
    """Open home-safety actions due today or overdue: the patient's own to the patient, a
    caregiver's to each caregiver who can open the plan. The nurse's are the team's work."""
    actions = list(
        HomeSafetyAction.objects.open()
        .filter(
            due_on__lte=now.date(),
            owner__in=[Owner.PATIENT.value, Owner.CAREGIVER.value],
            patient__in=in_program(),
        )
        .values_list("pk", "patient_id", "patient__user_id", "owner", "due_on")
    )
    caregivers = plan_caregivers({row[1] for row in actions if row[3] == Owner.CAREGIVER})
    for pk, patient_id, patient_user_id, owner, due in actions:
        key = f"homesafety:{pk}:{due.isoformat()}"
        url = reverse("homesafety:overview", args=[patient_id])
        if owner == Owner.PATIENT:
            recipients, message = [patient_user_id] if patient_user_id else [], HOME_SAFETY_PATIENT
        else:
            recipients, message = caregivers.get(patient_id, []), HOME_SAFETY_CAREGIVER
        for user_id in recipients:
            yield Due(key, Kind.HOME_SAFETY, user_id, *words(message), url, at_start_of(due, now))


def lessons_due(now: datetime) -> Iterator[Due]:
    """Lessons not yet completed and due by tomorrow (or overdue)."""
    rows = (
        Assignment.objects.open()
        .filter(
            due_on__isnull=False,
            due_on__lte=now.date() + timedelta(days=LESSON_DAYS_AHEAD),
            patient__in=with_login(),
        )
        .values_list("pk", "patient__user_id", "due_on")
    )
    url = reverse("education:lessons")
    for pk, user_id, due in rows:
        if due is None:  # excluded by the query; for the type checker
            continue
        texts = words(LESSON, date=due.isoformat())
        yield Due(
            f"lesson:{pk}:{due.isoformat()}",
            Kind.LESSON,
            user_id,
            *texts,
            url,
            at_start_of(due, now),
        )


def questionnaires_due(now: datetime) -> Iterator[Due]:
    """The questionnaires of the patient's follow-up schedule: from the day the window of a
    check-up (GAD-7, PHQ-9, confidence, Short FES-I) or of a reassessment opens, while one the
    patient answers themself is still not done inside it. Any answer counts, the patient's own
    on the phone or one the counsellor recorded on a call: either way it was done. A patient
    whose program has not started has no schedule, so nothing is due (the baseline is the care
    team's). One reminder per patient and due date: the earliest item's."""
    earliest: dict[tuple[int, int], date] = {}
    for scheduled in due_items(with_login(), now.date()):
        if not scheduled.questionnaires:
            continue
        item = scheduled.item
        who = (item.patient_id, item.patient.user_id or 0)
        earliest[who] = min(item.due_on, earliest.get(who, date.max))
    url = reverse("assessments:questionnaires")
    for (patient_id, user_id), due in earliest.items():
        key = f"questionnaire:{patient_id}:{due.isoformat()}"
        yield Due(
            key, Kind.QUESTIONNAIRE, user_id, *words(QUESTIONNAIRES), url, at_start_of(due, now)
        )


def sessions_not_done(now: datetime) -> Iterator[Due]:
    """From 17:00, today's session when an exercise the approved plan asks for today has no
    log yet (done, partly or skipped: any answer counts as logged)."""
    if now.time().replace(tzinfo=None) < SESSION_BY:
        return
    today = now.date()
    versions = (
        PlanVersion.objects.filter(plan__patient__in=with_login())
        .filter(Q(needs_approval=False) | Q(approved_at__isnull=False))
        .order_by("plan__patient_id", "-number")
        .values_list("plan__patient_id", "plan__patient__user_id", "content")
    )
    in_force: dict[int, tuple[int, dict[str, Any]]] = {}
    for patient_id, user_id, content in versions:
        in_force.setdefault(patient_id, (user_id, content))  # the latest approved version
    logged: dict[int, set[str]] = defaultdict(set)
    for patient_id, exercise in ExerciseLog.objects.filter(
        day=today, patient_id__in=list(in_force)
    ).values_list("patient_id", "exercise"):
        logged[patient_id].add(exercise)
    url = reverse("logbook:today")
    due_at = datetime.combine(today, SESSION_BY, tzinfo=now.tzinfo)
    for patient_id, (user_id, content) in in_force.items():
        planned = {item.exercise for item in due_on(items_of(content), today)}
        if planned - logged[patient_id]:
            key = f"session:{patient_id}:{today.isoformat()}"
            yield Due(key, Kind.SESSION, user_id, *words(SESSION), url, due_at)


def follow_ups_upcoming(now: datetime) -> Iterator[Due]:
    """Scheduled remote follow-ups: the day before (a call tomorrow) and again within the two
    hours before the call."""
    tomorrow = at_start_of(now.date() + timedelta(days=1), now)
    soon = now + FOLLOW_UP_SOON
    rows = (
        FollowUp.objects.scheduled()
        .filter(patient__in=with_login())
        .filter(
            Q(scheduled_at__gte=tomorrow, scheduled_at__lt=tomorrow + timedelta(days=1))
            | Q(scheduled_at__gt=now, scheduled_at__lte=soon)
        )
        .values_list("pk", "patient__user_id", "scheduled_at", "mode")
    )
    url = reverse("contact:my-follow-ups")
    for pk, user_id, scheduled_at, mode in rows:
        local = timezone.localtime(scheduled_at)
        when = "soon" if scheduled_at <= soon else "day_before"
        key = f"followup:{pk}:{local:%Y-%m-%dT%H:%M}:{when}"
        day = "today" if local.date() == now.date() else "tomorrow"
        texts = words(FOLLOW_UP_WORDS[(mode, day)], time=f"{local:%H:%M}")
        yield Due(key, Kind.FOLLOW_UP, user_id, *texts, url, scheduled_at)


SOURCES: tuple[Source, ...] = (
    home_safety_actions,
    lessons_due,
    questionnaires_due,
    sessions_not_done,
    follow_ups_upcoming,
)


def due_now(now: datetime) -> list[Due]:
    """Everything due for everyone, from every source."""
    return [due for source in SOURCES for due in source(now)]
