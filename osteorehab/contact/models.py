from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES
from osteorehab.accounts.models import ROLE_LABELS

from .domain import ROUTE_OF, ROUTES, Adherence, Mood, Topic, https_only

CLINICAL_ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in CLINICAL_ROLES]


class Mode(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class AdherenceChoice(models.TextChoices):
    ALL = Adherence.ALL.value, _("All of them")
    MOST = Adherence.MOST.value, _("Most of them")
    SOME = Adherence.SOME.value, _("Some of them")
    FEW = Adherence.FEW.value, _("A few of them")
    NONE = Adherence.NONE.value, _("None of them")


class MoodChoice(models.TextChoices):
    VERY_GOOD = Mood.VERY_GOOD.value, _("Very good")
    GOOD = Mood.GOOD.value, _("Good")
    SO_SO = Mood.SO_SO.value, _("So-so")
    LOW = Mood.LOW.value, _("Low")
    VERY_LOW = Mood.VERY_LOW.value, _("Very low")


# The routing table's topics (domain), in its order, in the patient's words.
TOPIC_CHOICES = [(route.topic.value, _(route.label)) for route in ROUTES]


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def scheduled(self) -> "FollowUpQuerySet":
        return self.filter(status=Status.SCHEDULED)


class FollowUp(models.Model):
    """A phone or video follow-up with the patient, and once held, its structured note.
    Written only by the `follow_up_*` services."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="follow_ups"
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    mode = models.CharField(_("phone or video"), max_length=10, choices=Mode.choices)
    # the clinic's own video tool: we keep its link, we host no calls
    video_link = models.URLField(_("video call link"), max_length=500, blank=True)
    with_role = models.CharField(_("held by (role)"), max_length=20, choices=CLINICAL_ROLE_CHOICES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # the follow-up whose note asked for this one
    follows = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_follow_up"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    # the structured note, when held
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
    )
    adherence = models.CharField(
        _("exercise sessions done"), max_length=10, choices=AdherenceChoice.choices, blank=True
    )
    problems = models.TextField(_("problems"), blank=True)
    mood = models.CharField(_("mood"), max_length=10, choices=MoodChoice.choices, blank=True)
    plan_changes = models.TextField(_("plan changes agreed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["status", "scheduled_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="follow_up_mode_known"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="follow_up_status_known"
            ),
            models.CheckConstraint(
                condition=Q(with_role__in=[r.value for r in CLINICAL_ROLES]),
                name="follow_up_with_clinical_role",
            ),
            models.CheckConstraint(
                condition=~Q(mode=Mode.VIDEO) | ~Q(video_link=""),
                name="follow_up_video_has_link",
            ),
            models.CheckConstraint(
                condition=Q(video_link="") | Q(video_link__startswith="https://"),
                name="follow_up_link_https",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=Status.HELD, held_by__isnull=False, adherence__gt="", mood__gt=""
                )
                | (~Q(status=Status.HELD) & Q(held_by__isnull=True, adherence="", mood="")),
                name="follow_up_held_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | ~Q(cancellation_reason=""),
                name="follow_up_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.SCHEDULED, closed_at__isnull=True)
                | Q(~Q(status=Status.SCHEDULED), closed_at__isnull=False),
                name="follow_up_closed_when_not_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mode} follow-up {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def safe_video_link(self) -> str:
        return https_only(self.video_link)


class Thread(models.Model):
    """A conversation between the patient's side (the patient, caregivers they share the
    program with) and the care team, on one topic, routed to one clinical role."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="threads"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=TOPIC_CHOICES)
    to_role = models.CharField(_("routed to"), max_length=20, choices=CLINICAL_ROLE_CHOICES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # the new-message form's key: the form sent twice starts one conversation (core.idempotency)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_key"], name="thread_client_key_once"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=[t.value for t in Topic]), name="thread_topic_known"
            ),
            models.CheckConstraint(
                condition=Q(to_role__in=[r.value for r in CLINICAL_ROLES]),
                name="thread_to_clinical_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} thread #{self.pk}"

    @property
    def routing_reason(self) -> str:
        return gettext(ROUTE_OF[Topic(self.topic)].reason)


# Long enough for a question and its context; a page, not a letter.
MESSAGE_MAX_CHARS = 2000


class Message(models.Model):
    """One message, plain text: stored as typed, always shown escaped."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_CHARS)
    sent_at = models.DateTimeField(auto_now_add=True)
    # set by the notification job, so that running it twice sends nothing the second time
    notified_at = models.DateTimeField(null=True, blank=True)
    # the reply form's key: the form sent twice is one message (core.idempotency)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_not_empty"),
            models.UniqueConstraint(
                fields=["author", "client_key"], name="message_client_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk} in thread #{self.thread_id}"


class ReadMark(models.Model):
    """How far a user has read a thread. Unread messages are the others' messages after
    `last_read_message` (ids, not times: two messages can carry the same timestamp)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    last_read_message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="read_mark_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read thread #{self.thread_id} to #{self.last_read_message_id}"
