from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .domain import DEFAULT_MAX_PER_DAY, DEFAULT_QUIET, MAX_PER_DAY_RANGE, Channel, Kind, Preference

KIND_CHOICES = [
    (Kind.FOLLOW_UP.value, _("Remote follow-up")),
    (Kind.SESSION.value, _("Exercise session")),
    (Kind.HOME_SAFETY.value, _("Home safety action")),
    (Kind.LESSON.value, _("Lesson")),
    (Kind.QUESTIONNAIRE.value, _("Questionnaires")),
]


class ReminderPreference(models.Model):
    """How and when one user (a patient or a caregiver) wants reminders. A user without one
    gets the defaults (`domain.Preference()`): e-mail and in the app, quiet from 21:00 to
    08:00, two a day. Written only by `reminder_preference_save`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by text message (SMS)"), default=False)
    in_app = models.BooleanField(_("in the app"), default=True)
    quiet_start = models.TimeField(_("quiet from"), default=DEFAULT_QUIET[0])
    quiet_end = models.TimeField(_("quiet until"), default=DEFAULT_QUIET[1])
    max_per_day = models.PositiveSmallIntegerField(
        _("at most this many a day"),
        default=DEFAULT_MAX_PER_DAY,
        validators=[
            MinValueValidator(MAX_PER_DAY_RANGE[0]),
            MaxValueValidator(MAX_PER_DAY_RANGE[1]),
        ],
    )
    phone = models.CharField(_("mobile phone for text messages"), max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_per_day__gte=MAX_PER_DAY_RANGE[0])
                & Q(max_per_day__lte=MAX_PER_DAY_RANGE[1]),
                name="reminder_preference_max_per_day_1_5",
            ),
            models.CheckConstraint(
                condition=Q(by_sms=False) | ~Q(phone=""), name="reminder_preference_sms_has_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder preference of {self.user_id}"

    def to_domain(self) -> Preference:
        channels = {
            Channel.EMAIL: self.by_email,
            Channel.SMS: self.by_sms,
            Channel.IN_APP: self.in_app,
        }
        return Preference(
            channels=frozenset(channel for channel, chosen in channels.items() if chosen),
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            max_per_day=self.max_per_day,
        )


class SentReminder(models.Model):
    """A reminder sent to a user, once: the database refuses a second row for the same user and
    key, so that of two workers deciding to send the same reminder only the one that records it
    first sends it (`services.reminder_claim`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    # the channels it went out on (one reminder, several channels at once)
    channels = models.JSONField(default=list)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["user", "sent_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="sent_reminder_once_per_user"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in Kind]), name="sent_reminder_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A reminder shown in the app, in both languages (the page shows the reader's)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text_en = models.CharField(max_length=300)
    text_zh = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"notification {self.pk} to {self.user_id}"

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en
