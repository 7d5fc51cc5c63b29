"""Scheduling and recording follow-ups, and secure messages: checked, saved and audited in one
transaction each.

Who may do what:
- Follow-ups: the clinicians of the patient's care team (the roles that may edit the record)
  schedule them, record the note of one held, cancel one or mark it missed. The patient and a
  caregiver the patient shares the program with see their appointments.
- Messages: see `selectors.may_take_part`. Everyone who takes part reads every thread of the
  patient and writes in it; the clinical role a thread is routed to is told of the patient's
  side's messages by e-mail, and the patient's side of the care team's replies.

The audit trail records *that* a message was sent (who, in which thread, how long), never its
text: the trail is kept for years and searched by program leads and system administrators, who
are not in the conversation (an administrator sees no patient record at all), so copying
messages into it would spread what the patient wrote beyond the people it was written to. The
text itself is kept, unchanged, in the thread.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Role, may
from osteorehab.accounts.models import User
from osteorehab.audit.services import audit_write, changes_of, values_of
from osteorehab.core.idempotency import kept, save_once
from osteorehab.patients.models import Patient

from .domain import route
from .models import (
    MESSAGE_MAX_CHARS,
    AdherenceChoice,
    FollowUp,
    Message,
    Mode,
    MoodChoice,
    ReadMark,
    Status,
    Thread,
)
from .selectors import may_take_part
from .tasks import notify_message

SCHEDULE_FIELDS = ("scheduled_at", "mode", "video_link", "with_role", "follows_id")
NOTE_FIELDS = ("status", "held_by_id", "adherence", "mood", "problems", "plan_changes")
CLOSE_FIELDS = ("status", "closed_by_id", "closed_at", "cancellation_reason")


def _clinician_of(user: Any, patient: Patient) -> bool:
    role = Role(user.role)
    return (
        role in CLINICAL_ROLES
        and may(role, Action.EDIT)
        and visible_patients(user).filter(pk=patient.pk).exists()
    )


def _https_link(link: str, *, mode: str) -> str:
    link = link.strip()
    if link[:8].lower() == "https://":  # the scheme in one spelling: what is shown as a link
        link = "https://" + link[8:]
    if link:
        try:
            URLValidator(schemes=["https"])(link)
        except ValidationError:
            raise ValidationError(
                {"video_link": _("Give the full link of the video call, beginning https://.")}
            ) from None
    elif mode == Mode.VIDEO:
        raise ValidationError({"video_link": _("A video follow-up needs the video call's link.")})
    return link


@transaction.atomic
def follow_up_schedule(
    *,
    patient: Patient,
    by: User,
    scheduled_at: datetime,
    mode: str,
    with_role: str,
    video_link: str = "",
    follows: FollowUp | None = None,
) -> FollowUp:
    """Schedule a phone or video follow-up with one of the care team's clinical roles. The video
    call runs in the clinic's own video tool: we keep its https:// link, nothing else."""
    if not _clinician_of(by, patient):
        raise ValidationError(_("Only the care team's clinicians schedule follow-ups."))
    if timezone.is_naive(scheduled_at):
        raise ValueError("scheduled_at must be an aware datetime")
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": _("A follow-up cannot be scheduled in the past.")})
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Choose one of the options.")})
    if with_role not in [role.value for role in CLINICAL_ROLES]:
        raise ValidationError({"with_role": _("Choose one of the options.")})
    follow_up = FollowUp.objects.create(
        patient=patient,
        scheduled_at=scheduled_at,
        mode=mode,
        video_link=_https_link(video_link, mode=mode),
        with_role=with_role,
        scheduled_by=by,
        follows=follows,
    )
    audit_write(
        by=by,
        obj=follow_up,
        patient_id=patient.pk,
        created=True,
        changes=values_of(follow_up, SCHEDULE_FIELDS),
    )
    return follow_up


def _open_follow_up(follow_up: FollowUp, by: User) -> FollowUp:
    """The follow-up, locked, if this user may close it and it is still scheduled."""
    locked = FollowUp.objects.select_for_update().select_related("patient").get(pk=follow_up.pk)
    if not _clinician_of(by, locked.patient):
        raise ValidationError(_("Only the care team's clinicians record follow-ups."))
    if locked.status != Status.SCHEDULED:
        raise ValidationError(
            _("This follow-up is already closed (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _close(follow_up: FollowUp, *, by: User, status: Status) -> None:
    follow_up.status = status
    follow_up.closed_by = by
    follow_up.closed_at = timezone.now()


@transaction.atomic
def follow_up_complete(
    *,
    follow_up: FollowUp,
    by: User,
    adherence: str,
    mood: str,
    problems: str = "",
    plan_changes: str = "",
    next_at: datetime | None = None,
) -> FollowUp:
    """Record a follow-up as held, with its structured note; a next date schedules the next
    follow-up, in the same way and with the same role (audited as a scheduling of its own)."""
    locked = _open_follow_up(follow_up, by)
    if locked.scheduled_at > timezone.now():
        raise ValidationError(
            _("This follow-up is still to come: record it once it has been held.")
        )
    if adherence not in AdherenceChoice.values:
        raise ValidationError({"adherence": _("Choose one of the options.")})
    if mood not in MoodChoice.values:
        raise ValidationError({"mood": _("Choose one of the options.")})
    before = values_of(locked, NOTE_FIELDS + CLOSE_FIELDS)
    _close(locked, by=by, status=Status.HELD)
    locked.held_by = by
    locked.adherence = adherence
    locked.mood = mood
    locked.problems = problems.strip()
    locked.plan_changes = plan_changes.strip()
    locked.save()
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.patient_id,
        created=False,
        changes=changes_of(locked, NOTE_FIELDS + CLOSE_FIELDS, before),
    )
    if next_at is not None:
        try:
            follow_up_schedule(
                patient=locked.patient,
                by=by,
                scheduled_at=next_at,
                mode=locked.mode,
                with_role=locked.with_role,
                video_link=locked.video_link,
                follows=locked,
            )
        except ValidationError as error:  # said on the form's field for the next date
            if getattr(error, "error_dict", None) and "scheduled_at" in error.error_dict:
                raise ValidationError({"next_at": error.error_dict["scheduled_at"]}) from None
            raise
    return locked


@transaction.atomic
def follow_up_cancel(*, follow_up: FollowUp, by: User, cancellation_reason: str) -> FollowUp:
    """Cancel a follow-up still to be held, saying why."""
    locked = _open_follow_up(follow_up, by)
    reason = cancellation_reason.strip()
    if not reason:
        raise ValidationError({"cancellation_reason": _("Say why it is cancelled.")})
    before = values_of(locked, CLOSE_FIELDS)
    _close(locked, by=by, status=Status.CANCELLED)
    locked.cancellation_reason = reason
    locked.save()
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.patient_id,
        created=False,
        changes=changes_of(locked, CLOSE_FIELDS, before),
    )
    return locked


@transaction.atomic
def follow_up_missed(*, follow_up: FollowUp, by: User) -> FollowUp:
    """Record that the patient could not be reached at the time of the follow-up."""
    locked = _open_follow_up(follow_up, by)
    if locked.scheduled_at > timezone.now():
        raise ValidationError(_("This follow-up is still to come: it cannot have been missed."))
    before = values_of(locked, CLOSE_FIELDS)
    _close(locked, by=by, status=Status.MISSED)
    locked.save()
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.patient_id,
        created=False,
        changes=changes_of(locked, CLOSE_FIELDS, before),
    )
    return locked


# --- Messages ------------------------------------------------------------------------------


def _refuse_outsider(user: Any, patient: Patient) -> None:
    if not may_take_part(user, patient):
        raise ValidationError(_("You do not take part in this patient's messages."))


def _text(body: str) -> str:
    text = body.replace("\x00", "").strip()
    if not text:
        raise ValidationError({"body": _("Write your message.")})
    if len(text) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("A message can be %(max)s characters long at most; this one has %(n)s.")
                % {"max": MESSAGE_MAX_CHARS, "n": len(text)}
            }
        )
    return text


def _post(thread: Thread, by: User, text: str, client_key: UUID | None) -> tuple[Message, bool]:
    """Save the message; its author has read the thread up to it; the others are told after
    the transaction commits (never of a message rolled back). Or, when a request with the same
    key stored it at the same moment, that message, and False."""
    message, created = save_once(
        Message(thread=thread, author=by, body=text, client_key=client_key),
        key={"author": by, "client_key": client_key},
    )
    if not created:
        return message, False
    ReadMark.objects.update_or_create(
        user=by,
        thread=thread,
        defaults={"last_read_message": message, "last_read_at": message.sent_at},
    )
    transaction.on_commit(lambda: notify_message(message.pk))
    return message, True


@transaction.atomic
def thread_start(
    *, patient: Patient, by: User, topic: str, body: str, client_key: UUID | None = None
) -> Thread:
    """Start a conversation on a topic; the topic decides the role it goes to (domain.route).
    The form sent again with its key (`client_key`) answers the conversation it started."""
    _refuse_outsider(by, patient)
    started = kept(Thread, patient=patient, client_key=client_key)
    if started is not None:
        return started
    try:
        routed = route(topic)
    except ValueError:
        raise ValidationError({"topic": _("Choose what your message is about.")}) from None
    text = _text(body)
    thread, created = save_once(
        Thread(
            patient=patient,
            topic=routed.topic.value,
            to_role=routed.role.value,
            created_by=by,
            client_key=client_key,
        ),
        key={"patient": patient, "client_key": client_key},
    )
    if not created:
        return thread
    message, _sent = _post(thread, by, text, client_key)
    audit_write(
        by=by,
        obj=thread,
        patient_id=patient.pk,
        created=True,
        changes={
            "topic": thread.topic,
            "to_role": thread.to_role,
            "first_message_id": message.pk,
            "characters": len(text),  # the fact of the message, not its text (module docstring)
        },
    )
    return thread


@transaction.atomic
def message_send(*, thread: Thread, by: User, body: str, client_key: UUID | None = None) -> Message:
    """Write in a conversation. The form sent again with its key (`client_key`) answers the
    message it wrote, and writes nothing."""
    _refuse_outsider(by, thread.patient)
    earlier = kept(Message, author=by, client_key=client_key)
    if earlier is not None:
        return earlier
    text = _text(body)
    message, sent = _post(thread, by, text, client_key)
    if not sent:
        return message
    audit_write(
        by=by,
        obj=message,
        patient_id=thread.patient_id,
        created=True,
        changes={
            "thread_id": thread.pk,
            "author_role": by.role,
            "characters": len(text),  # the fact of the message, not its text (module docstring)
        },
    )
    return message


@transaction.atomic
def thread_read(*, thread: Thread, by: User) -> ReadMark:
    """Mark the thread read up to its latest message, for this user only.

    Not audited as a write: the mark is the reader's own bookkeeping, and the reading itself is
    already in the audit trail as the page's read event (the access helper notes it)."""
    _refuse_outsider(by, thread.patient)
    latest = thread.messages.order_by("-id").first()
    mark, _created = ReadMark.objects.update_or_create(
        user=by,
        thread=thread,
        defaults={"last_read_message": latest, "last_read_at": timezone.now()},
    )
    return mark
