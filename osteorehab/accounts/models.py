from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain import STAFF_ROLES, Part, Role

ROLE_LABELS = {
    Role.COUNSELLOR: _("Psychological counsellor"),
    Role.THERAPIST: _("Rehabilitation therapist"),
    Role.PHYSICIAN: _("Physician"),
    Role.NURSE: _("Nurse"),
    Role.LEAD: _("Program lead"),
    Role.ADMIN: _("System administrator"),
    Role.PATIENT: _("Patient"),
    Role.CAREGIVER: _("Family caregiver"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]
PART_LABELS = {
    Part.PROGRAM: _("Program status, care team and appointments"),
    Part.MEDICAL: _("Osteoporosis details, fractures and medicines"),
    Part.PLAN: _("Exercise and support plan"),
    Part.LOG: _("Rehabilitation log and check-ins"),
    Part.PROGRESS: _("Progress and goals"),
}
STAFF_ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in STAFF_ROLES]


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Everyone who logs in: staff of each role, patients and family caregivers."""

    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", verbose_name=_("organisation")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("en", "English"), ("zh-hans", "简体中文")],
        default="en",
    )

    objects = UserManager()  # type: ignore[misc]
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in Role]), name="user_role_known"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class CareTeam(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="care_teams")
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        User, through="CareTeamMember", related_name="care_teams", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="care_team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CareTeamMember(models.Model):
    care_team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        constraints = [
            models.UniqueConstraint(fields=["care_team", "user"], name="care_team_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.care_team})"


class ApiToken(models.Model):
    """A key an integration (a hospital system, a reporting tool) sends as
    `Authorization: Bearer <key>` to act as one service user, who then reaches exactly what that
    user reaches on the web pages. Only the key's hash is kept: the key is shown once, when an
    administrator creates it (`manage.py api_token create`). Written only by the
    `api_token_*` services."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("acts as")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # the key's first characters, to tell tokens apart in a list without keeping the key
    prefix = models.CharField(_("key starts with"), max_length=12)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
