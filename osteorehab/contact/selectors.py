"""Reads: the threads a user takes part in, and how many of their messages the user has not read.

Unread messages are the messages written by someone else after the last message the user read
in that thread (`ReadMark`); the pure rule is `domain.unread`. Each function here is one query.
"""

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Part, Role, parts_seen
from osteorehab.patients.models import Caregiver

from .models import Message, ReadMark, Thread


def _read_upto(user: Any) -> Subquery:
    """The id of the last message this user read in the outer query's thread (None if never)."""
    return Subquery(
        ReadMark.objects.filter(thread=OuterRef("thread"), user=user).values(
            "last_read_message_id"
        )[:1]
    )


def _unread(messages: QuerySet[Message], user: Any) -> QuerySet[Message]:
    return (
        messages.exclude(author=user)
        .annotate(read_upto=_read_upto(user))
        .filter(Q(read_upto__isnull=True) | Q(pk__gt=F("read_upto")))
    )


def _unread_in_thread(user: Any) -> Coalesce:
    """The outer query's thread's unread count for this user."""
    count = (
        _unread(Message.objects.filter(thread=OuterRef("pk")), user)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def _for_staff(user: Any) -> Q:
    """The threads that are this clinician's work: routed to their role, or written in by them."""
    wrote = Exists(Message.objects.filter(thread=OuterRef("pk"), author=user))
    return Q(to_role=user.role) | Q(wrote)


def staff_threads(user: Any, *, show: str = "all") -> QuerySet[Thread]:
    """The threads of the patients of this clinician's care teams, this user's own first (see
    `_for_staff`), then the most recently active; each with its unread count for this user.
    `show`: "all", "unread" (with unread messages) or "read" (none unread)."""
    threads = Thread.objects.filter(patient__in=visible_patients(user)).annotate(
        unread=_unread_in_thread(user),
        last_sent_at=Max("messages__sent_at"),
        mine=Case(When(_for_staff(user), then=Value(0)), default=Value(1)),
    )
    if show == "unread":
        threads = threads.filter(unread__gt=0)
    elif show == "read":
        threads = threads.filter(unread=0)
    return threads.select_related("patient").order_by("mine", "-last_sent_at", "-id")


def patient_threads(user: Any, patient_id: int) -> QuerySet[Thread]:
    """One patient's threads, each with its unread count for this user, latest first."""
    return (
        Thread.objects.filter(patient_id=patient_id)
        .annotate(
            unread=_unread_in_thread(user),
            last_sent_at=Max("messages__sent_at"),
        )
        .order_by("-last_sent_at", "-id")
    )


# Under which name the page shell finds each role's unread count (unread_counts)
UNREAD_KEYS = {
    **dict.fromkeys(CLINICAL_ROLES, "inbox_unread"),
    Role.PATIENT: "messages_unread",
    Role.CAREGIVER: "family_unread",
}


def unread_key(user: Any) -> str | None:
    """The name of this user's unread count (None: they have none), without a query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return UNREAD_KEYS.get(Role(user.role))


def unread_counts(user: Any) -> dict[str, Any]:
    """What the page shell shows: a clinician's unread messages in their own threads (the
    inbox badge), a patient's unread messages, a caregiver's per patient who shares the program
    with them. One query; none for other roles."""
    if unread_key(user) is None:
        return {}
    role = Role(user.role)
    if role in CLINICAL_ROLES:
        threads = Thread.objects.filter(_for_staff(user), patient__in=visible_patients(user))
        return {"inbox_unread": _unread(Message.objects.filter(thread__in=threads), user).count()}
    if role is Role.PATIENT:
        mine = Message.objects.filter(thread__patient__in=visible_patients(user))
        return {"messages_unread": _unread(mine, user).count()}
    if role is Role.CAREGIVER:
        per_patient = (
            _unread(Message.objects.filter(thread__patient=OuterRef("patient")), user)
            .order_by()
            .values("thread__patient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        links = (
            Caregiver.objects.filter(user=user, patient__in=visible_patients(user))
            .annotate(unread=Coalesce(Subquery(per_patient, output_field=IntegerField()), 0))
            .values_list("patient_id", "shared_parts", "unread")
        )
        return {
            "family_unread": {
                patient_id: unread
                for patient_id, shared, unread in links
                if Part.PROGRAM in parts_seen(Role.CAREGIVER, shared)
            }
        }
    return {}


def may_take_part(user: Any, patient: Any) -> bool:
    """Whether this user reads and writes the patient's messages: the clinicians of the
    patient's care team, the patient, and a caregiver the patient shares the program with (and
    whose family sharing is consented: `visible_patients` drops them at once when it is
    withdrawn). A program lead oversees the follow-ups but not the conversations."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not visible_patients(user).filter(pk=patient.pk).exists():
        return False
    role = Role(user.role)
    if role in CLINICAL_ROLES or role is Role.PATIENT:
        return True
    link = Caregiver.objects.filter(patient=patient, user=user).first()
    return (
        role is Role.CAREGIVER
        and link is not None
        and Part.PROGRAM in parts_seen(role, link.shared_parts)
    )
