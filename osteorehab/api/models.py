import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.models import Organisation


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    CHECKING = "checking", _("Checking the rows")
    IMPORTING = "importing", _("Registering the patients")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Not imported: the file has problems")
    FAILED = "failed", _("Not imported: the import stopped on an error")


FINISHED = (ImportState.DONE, ImportState.REFUSED, ImportState.FAILED)


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> "ImportJobQuerySet":
        """A job is seen only by the user who uploaded the file: its problems quote the file."""
        return self.filter(created_by_id=user.pk) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """One upload of a patient spreadsheet and its progress: the rows checked so far, then either
    every patient registered (their ids kept) or nothing, with each problem by row and column.
    Only the user who uploaded it sees it. The file's text is kept only until the job ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)  # its last progress (services.STALE)
    file_name = models.CharField(_("file"), max_length=200)
    language = models.CharField(max_length=10)  # the problems are written in it
    ip = models.GenericIPAddressField(null=True)  # for the audit rows the job writes
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED
    )
    total = models.PositiveIntegerField(default=0)  # rows in the file
    checked = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)
    problems = models.JSONField(default=list)  # [{"row": n | None, "column": …, "message": …}]
    patient_ids = models.JSONField(default=list)  # the patients registered

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient import")
        verbose_name_plural = _("patient imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="import_job_state_known"
            ),
            models.CheckConstraint(
                condition=Q(checked__lte=F("total")), name="import_job_checked_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == ImportState.DONE:
            return 100
        return 100 * self.checked // self.total if self.total else 0
