from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.accounts.models import ROLE_LABELS
from osteorehab.assessments.instruments.base import Reason

from . import domain


class Status(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    MODIFIED = "modified", _("Accepted with changes")
    REJECTED = "rejected", _("Rejected")


class Urgency(models.TextChoices):
    ROUTINE = domain.Urgency.ROUTINE.value, _("Routine")
    URGENT = domain.Urgency.URGENT.value, _("Urgent")


DECIDER_CHOICES = [(role.value, ROLE_LABELS[role]) for role in CLINICAL_ROLES]


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def open(self) -> "ProposalQuerySet":
        return self.filter(status=Status.OPEN)

    def for_role(self, role: Role) -> "ProposalQuerySet":
        """Those this role decides: routed to it, and for the physician the urgent ones too
        (`domain.may_decide`)."""
        routed = Q(role=role.value)
        if role == Role.PHYSICIAN:
            routed |= Q(urgency=Urgency.URGENT)
        return self.filter(routed)


class Proposal(models.Model):
    """What a rule proposes for a patient, on the data that fired it, until the role it is routed
    to decides: accepted (the change applied: a new plan version where the plan changes),
    accepted with changes, or rejected with a reason. Written only by the rules' services; the
    same data (rule, version, evidence: the fingerprint) is never proposed twice, and one
    proposal per rule and subject waits at a time."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="proposals"
    )
    rule = models.CharField(_("rule"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("rule version"))
    subject = models.CharField(max_length=80, blank=True)  # e.g. "fall:12"; "" the patient
    role = models.CharField(_("decided by (role)"), max_length=20, choices=DECIDER_CHOICES)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    change = models.JSONField()  # domain.Change.stored()
    reason = models.JSONField()  # domain.Reason.stored(): the data that fired it, in words
    evidence = models.JSONField()  # the data points, domain.Point.as_dict()
    fingerprint = models.CharField(max_length=64)
    found_in = models.UUIDField(editable=False)  # the run that stored it
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_change = models.JSONField(null=True, blank=True)  # the change as modified
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan version"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["status", "role"]),
            models.Index(fields=["found_in"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["patient", "fingerprint"], name="proposal_data_once"),
            models.UniqueConstraint(
                fields=["patient", "rule", "subject"],
                condition=Q(status="open"),
                name="proposal_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="proposal_status_known"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="proposal_urgency_known"
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="proposal_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="proposal_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} v{self.rule_version} ({self.status})"

    @property
    def rule_definition(self) -> domain.Rule | None:
        return domain.RULES_BY_ID.get(self.rule)

    @property
    def why(self) -> Reason:
        return Reason.from_stored(self.reason)

    @property
    def proposed(self) -> domain.Change:
        return domain.Change.from_stored(self.change)

    @property
    def applied(self) -> domain.Change | None:
        """The change as decided: the proposal's, or the clinician's version of it."""
        if self.status == Status.MODIFIED and self.decided_change is not None:
            return domain.Change.from_stored(self.decided_change)
        return self.proposed if self.status == Status.ACCEPTED else None

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT


class SweepRun(models.Model):
    """One sweep of the rules over every patient in the program, in batches by patient id: its
    progress is kept as it goes, so that a sweep stopped half-way resumes after the last
    patient done (and a second worker joins it rather than starting again)."""

    day = models.DateField()  # the day the rules ran on
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_patient_id = models.PositiveBigIntegerField(default=0)
    proposals = models.PositiveIntegerField(default=0)  # new proposals stored

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(finished_at__isnull=True),
                name="sweep_one_unfinished_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"sweep {self.day}: {self.done}/{self.total}"
