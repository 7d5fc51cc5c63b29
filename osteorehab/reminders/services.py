"""Reminders: a user's choice of how and when, and sending what is due, each reminder once."""

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, changes_of, values_of

from .domain import MAX_PER_DAY_RANGE, Channel, Due, to_send
from .models import Notification, ReminderPreference, SentReminder
from .sms import sms_sender
from .sources import due_now

logger = logging.getLogger(__name__)

PREFERENCE_FIELDS = (
    "by_email",
    "by_sms",
    "in_app",
    "quiet_start",
    "quiet_end",
    "max_per_day",
    "phone",
)
# Reminders are for the patient's side; the care team has its own alerts and inbox.
REMINDED_ROLES = (Role.PATIENT, Role.CAREGIVER)


def preference_of(user: User) -> ReminderPreference:
    """The user's saved choice, or the defaults (unsaved) when they have made none."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


@transaction.atomic
def reminder_preference_save(
    *,
    user: User,
    by_email: bool,
    by_sms: bool,
    in_app: bool,
    quiet_start: time,
    quiet_end: time,
    max_per_day: int,
    phone: str = "",
) -> ReminderPreference:
    """A patient's or caregiver's own choice of reminders: the channels, the quiet hours and
    how many a day. Text messages need a phone number."""
    if user.role not in REMINDED_ROLES:
        raise ValidationError(_("Reminders are for patients and their families."))
    low, high = MAX_PER_DAY_RANGE
    if not low <= max_per_day <= high:
        raise ValidationError(
            {"max_per_day": _("Choose between %(low)s and %(high)s.") % {"low": low, "high": high}}
        )
    phone = phone.strip()
    if by_sms and not phone:
        raise ValidationError({"phone": _("Give a mobile phone number for text messages.")})
    preference, created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    before = {} if created else values_of(preference, PREFERENCE_FIELDS)
    for name, value in (
        ("by_email", by_email),
        ("by_sms", by_sms),
        ("in_app", in_app),
        ("quiet_start", quiet_start),
        ("quiet_end", quiet_end),
        ("max_per_day", max_per_day),
        ("phone", phone),
    ):
        setattr(preference, name, value)
    preference.save()
    changes = changes_of(preference, PREFERENCE_FIELDS, before)
    if created or changes:
        audit_event(
            by=user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=ReminderPreference._meta.label,
            object_id=preference.pk,
            changes=changes,
        )
    return preference


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; how many were unread."""
    unread = Notification.objects.filter(user=user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


# ---- Sending ----


def reachable_channels(user: User, preference: ReminderPreference) -> frozenset[Channel]:
    """The channels the user chose that can reach them: e-mail needs an address, a text
    message a phone number."""
    chosen = preference.to_domain().channels
    return frozenset(
        channel
        for channel in chosen
        if (channel != Channel.EMAIL or user.email) and (channel != Channel.SMS or preference.phone)
    )


def reminder_claim(*, user: User, due: Due, channels: frozenset[Channel], now: datetime) -> bool:
    """Record the reminder as sent, with its in-app notification; False when it was already
    recorded. The unique (user, key) constraint decides: of two workers that both decided to
    send it, the second one's insert fails (on PostgreSQL it waits for the first to commit),
    and only the one that recorded it sends it."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                user=user,
                key=due.key,
                kind=due.kind,
                channels=sorted(channels),
                sent_at=now,
            )
            if Channel.IN_APP in channels:
                Notification.objects.create(
                    user=user,
                    text_en=due.text_en,
                    text_zh=due.text_zh,
                    url=due.url,
                    created_at=now,
                )
    except IntegrityError:
        return False
    return True


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _deliver(user: User, preference: ReminderPreference, due: Due, channel: Channel) -> None:
    """Send one reminder on one channel, in the recipient's language. A failure is logged (the
    reminder's key and the channel, nothing about the person) and does not stop the others:
    the reminder stays recorded, as each one goes at most once."""
    language = user.preferred_language
    text = due.text(language)
    try:
        if channel == Channel.EMAIL:
            with translation.override(language):
                subject = gettext("OsteoRehab reminder")
                body = render_to_string(
                    "reminders/email.txt",
                    {
                        "text": text,
                        "link": _link(due.url),
                        "preferences": _link(reverse("reminders:preferences")),
                    },
                )
            send_mail(subject, body, None, [user.email])
        elif channel == Channel.SMS:
            sms_sender().send(preference.phone, f"{text} {_link(due.url)}")
    except Exception as error:
        logger.warning("Reminder %s not sent by %s: %s", due.key, channel, type(error).__name__)


def reminders_send(*, now: datetime) -> int:
    """Send everyone the reminders due now, by their preferences; how many were sent. Running
    it again at once sends nothing more: each reminder is recorded before it is sent.

    Deliberately not one transaction: each reminder's record commits on its own before it is
    sent, so that a failure later in the run takes back nothing already sent. A few queries
    for everyone (the sources', the recipients', what was sent), then one insert a reminder."""
    now = timezone.localtime(now)
    due = due_now(now)
    if not due:
        return 0
    by_user: dict[int, list[Due]] = defaultdict(list)
    for item in due:
        by_user[item.recipient_id].append(item)
    users = User.objects.filter(
        pk__in=list(by_user), is_active=True, role__in=[role.value for role in REMINDED_ROLES]
    ).select_related("reminder_preference")
    sent_keys: dict[int, set[str]] = defaultdict(set)
    for user_id, key in SentReminder.objects.filter(
        user_id__in=list(by_user), key__in={item.key for item in due}
    ).values_list("user_id", "key"):
        sent_keys[user_id].add(key)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = dict(
        SentReminder.objects.filter(user_id__in=list(by_user), sent_at__gte=midnight)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    sent = 0
    for user in users:
        preference = preference_of(user)
        channels = reachable_channels(user, preference)
        chosen = to_send(
            by_user[user.pk],
            replace(preference.to_domain(), channels=channels),
            now,
            sent_keys[user.pk],
            sent_today.get(user.pk, 0),
        )
        for item in chosen:
            if not reminder_claim(user=user, due=item, channels=channels, now=now):
                continue  # another worker sent it
            for channel in sorted(channels - {Channel.IN_APP}):
                _deliver(user, preference, item, channel)
            sent += 1
    return sent
