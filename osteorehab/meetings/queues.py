"""What waits for each clinical role elsewhere in the program, for the "My work" page: each source
is a function `source(user, today) -> [Waiting]` over the patients the user can reach (a few
queries, whatever their number); `QUEUES` says which sources each role reads.

The roles' work, as the program describes it (issue #6 §4): the counsellor's emotional
interventions and beliefs, the therapist's exercise, the physician's safety limits and
approvals, the nurse's daily management, feedback recording and contacting patients. What is
routed to a role by the record itself (an alert naming it, a message thread or a follow-up call
routed to it) waits for that role whatever it is.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.alerts.models import Alert
from osteorehab.assessments.models import ImpactDecision
from osteorehab.contact.models import FollowUp
from osteorehab.contact.selectors import staff_threads
from osteorehab.followup.domain import Status
from osteorehab.followup.models import STATUS_LABELS
from osteorehab.followup.models import Kind as ScheduleKind
from osteorehab.followup.selectors import due_items
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode, Patient
from osteorehab.plans.models import PlanVersion
from osteorehab.psychology.models import PsychSession
from osteorehab.rules.models import Proposal


@dataclass(frozen=True)
class Waiting:
    patient: Patient
    what: str  # in the reader's language
    since: date | None  # raised, due or sent on
    url: str


QueueSource = Callable[[User, date], Iterable[Waiting]]


def alerts(user: User, today: date) -> Iterator[Waiting]:
    """Open alerts that name the user's role."""
    rows = Alert.objects.open().filter(patient__in=visible_patients(user)).select_related("patient")
    for alert in rows:
        if user.role in alert.roles:
            yield Waiting(
                alert.patient,
                _("Urgent alert: %(alert)s") % {"alert": alert.get_kind_display()}
                if alert.urgent
                else alert.get_kind_display(),
                timezone.localdate(alert.raised_at),
                reverse("alerts:acknowledge", args=[alert.patient_id, alert.pk]),
            )


def unread_messages(user: User, today: date) -> Iterator[Waiting]:
    """Message threads with unread messages, routed to the user's role or written in by them."""
    for thread in staff_threads(user, show="unread"):
        if thread.mine == 0:  # type: ignore[attr-defined]
            yield Waiting(
                thread.patient,
                _("%(count)s unread message(s): %(topic)s")
                % {"count": thread.unread, "topic": thread.get_topic_display()},  # type: ignore[attr-defined]
                timezone.localdate(thread.last_sent_at),  # type: ignore[attr-defined]
                reverse("contact:thread", args=[thread.patient_id, thread.pk]),
            )


def follow_ups_to_record(user: User, today: date) -> Iterator[Waiting]:
    """Phone and video follow-ups with the user's role whose time has passed, not yet recorded."""
    rows = (
        FollowUp.objects.scheduled()
        .filter(patient__in=visible_patients(user), with_role=user.role)
        .filter(scheduled_at__lt=timezone.now())
        .select_related("patient")
    )
    for follow_up in rows:
        yield Waiting(
            follow_up.patient,
            _("Record the %(mode)s follow-up") % {"mode": follow_up.get_mode_display().lower()},
            timezone.localdate(follow_up.scheduled_at),
            reverse("contact:follow-ups", args=[follow_up.patient_id]),
        )


def schedule_overdue(user: User, today: date) -> Iterator[Waiting]:
    """Check-ups and tests of the follow-up schedule past their due date: the patient is to be
    contacted (the team reviews are the meetings' own)."""
    for scheduled in due_items(visible_patients(user), today):
        item = scheduled.item
        if item.kind != ScheduleKind.TEAM_REVIEW and scheduled.status in (
            Status.OVERDUE,
            Status.MISSED,
        ):
            yield Waiting(
                item.patient,
                f"{item.get_kind_display()}: {STATUS_LABELS[scheduled.status]}",
                item.due_on,
                reverse("patients:record", args=[item.patient_id]),
            )


def psychological_sessions_due(user: User, today: date) -> Iterator[Waiting]:
    """Patients whose latest psychological session set a next session due by today."""
    latest: dict[int, PsychSession] = {}
    rows = PsychSession.objects.filter(patient__in=visible_patients(user)).select_related("patient")
    for session in rows.order_by("patient_id", "-held_on", "-id"):
        latest.setdefault(session.patient_id, session)
    for session in latest.values():
        if session.next_session_on is not None and session.next_session_on <= today:
            yield Waiting(
                session.patient,
                _("Psychological session due (%(module)s)")
                % {"module": session.get_module_display()},
                session.next_session_on,
                reverse("psychology:overview", args=[session.patient_id]),
            )


def _in_status(user: User, *statuses: EpisodeStatus) -> QuerySet[Patient]:
    """The patients this user can reach whose program episode is in one of these statuses."""
    episode = Episode.objects.filter(patient=OuterRef("pk"), status__in=statuses)
    return visible_patients(user).filter(Exists(episode))


def plans_to_draft(user: User, today: date) -> Iterator[Waiting]:
    """Patients in the active program without an exercise plan."""
    versions = PlanVersion.objects.filter(plan__patient=OuterRef("pk"))
    for patient in _in_status(user, EpisodeStatus.ACTIVE).filter(~Exists(versions)):
        yield Waiting(
            patient,
            _("Draft the first exercise plan"),
            None,
            reverse("plans:plan", args=[patient.pk]),
        )


def plans_to_approve(user: User, today: date) -> Iterator[Waiting]:
    """The latest plan versions that wait for the physician's approval."""
    newer = PlanVersion.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    rows = (
        PlanVersion.objects.filter(plan__patient__in=visible_patients(user))
        .filter(needs_approval=True, approved_at__isnull=True)
        .filter(~Exists(newer))
        .select_related("plan__patient")
    )
    for version in rows:
        yield Waiting(
            version.plan.patient,
            _("Approve version %(number)s of the plan") % {"number": version.number},
            timezone.localdate(version.created_at),
            reverse("plans:plan", args=[version.plan.patient_id]),
        )


def impact_to_decide(user: User, today: date) -> Iterator[Waiting]:
    """Patients in the program without the physician's decision on impact exercise (none is
    allowed until it is made)."""
    decided = ImpactDecision.objects.filter(patient=OuterRef("pk"))
    waiting = _in_status(user, EpisodeStatus.ASSESSMENT, EpisodeStatus.ACTIVE)
    for patient in waiting.filter(~Exists(decided)):
        yield Waiting(
            patient,
            _("Decide how much impact exercise is safe"),
            None,
            reverse("assessments:impact", args=[patient.pk]),
        )


def proposals(user: User, today: date) -> Iterator[Waiting]:
    """The adjustment rules' proposals the user's role decides (issue #6 §2)."""
    rows = (
        Proposal.objects.open()
        .filter(patient__in=visible_patients(user))
        .for_role(Role(user.role))
        .select_related("patient")
    )
    for proposal in rows:
        definition = proposal.rule_definition
        title = _(definition.title) if definition else proposal.rule
        yield Waiting(
            proposal.patient,
            _("Urgent proposal: %(rule)s") % {"rule": title}
            if proposal.is_urgent
            else _("Proposal: %(rule)s") % {"rule": title},
            timezone.localdate(proposal.created_at),
            reverse("rules:patient", args=[proposal.patient_id]),
        )


# Routed by the record to whichever role it names.
ROUTED: tuple[QueueSource, ...] = (alerts, proposals, unread_messages, follow_ups_to_record)
QUEUES: dict[Role, tuple[QueueSource, ...]] = {
    Role.COUNSELLOR: (*ROUTED, psychological_sessions_due),
    Role.THERAPIST: (*ROUTED, plans_to_draft),
    Role.PHYSICIAN: (*ROUTED, plans_to_approve, impact_to_decide),
    Role.NURSE: (*ROUTED, schedule_overdue),
}


def waiting_for(user: User, today: date) -> list[Waiting]:
    """Everything waiting for the user's role, the oldest first (undated last), then by name."""
    found = [item for source in QUEUES.get(Role(user.role), ()) for item in source(user, today)]
    return sorted(found, key=lambda w: (w.since is None, w.since or today, w.patient.name, w.what))
