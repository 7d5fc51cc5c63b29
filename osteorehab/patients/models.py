from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Part
from osteorehab.accounts.models import CareTeam, Organisation

from .domain import CLOSED, EpisodeStatus, age_on, display_name


class Sex(models.TextChoices):
    # Sex recorded for bone-density reference values, as FHIR AdministrativeGender codes.
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "简体中文"


class Patient(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="patients"
    )
    care_team = models.ForeignKey(
        CareTeam, on_delete=models.PROTECT, related_name="patients", verbose_name=_("care team")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient",
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    record_number = models.CharField(
        _("hospital record number"), max_length=40, blank=True, default=""
    )
    diagnosis_on = models.DateField(_("osteoporosis diagnosed on"), null=True, blank=True)
    relevant_conditions = models.TextField(_("relevant conditions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [models.Index(fields=["organisation", "family_name", "given_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_number"],
                condition=~Q(record_number=""),
                name="patient_unique_record_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return display_name(self.family_name, self.given_name)

    @property
    def age(self) -> int:
        return age_on(self.date_of_birth, timezone.localdate())


class CorrectableQuerySet(models.QuerySet):
    def valid(self) -> "CorrectableQuerySet":
        return self.filter(error_reason="")


class Correctable(models.Model):
    """A history entry that is never deleted: a mistake is marked entered in error, with why,
    and disappears from the record while the audit trail keeps it."""

    error_reason = models.CharField(_("entered in error because"), max_length=300, blank=True)
    patient_id: int  # each subclass belongs to one patient

    objects = CorrectableQuerySet.as_manager()

    class Meta:
        abstract = True


class FractureSite(models.TextChoices):
    HIP = "hip", _("Hip")
    VERTEBRA = "vertebra", _("Vertebra")
    WRIST = "wrist", _("Wrist")
    HUMERUS = "humerus", _("Humerus")
    OTHER = "other", _("Other")


class Fracture(Correctable):
    """A prior fragility fracture."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="fractures")
    site = models.CharField(_("site of fracture"), max_length=20, choices=FractureSite.choices)
    site_other = models.CharField(_("other site"), max_length=100, blank=True)
    occurred_on = models.DateField(_("date of fracture"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fracture")
        verbose_name_plural = _("fractures")
        ordering = ["-occurred_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(site="other") | ~Q(site_other=""), name="fracture_other_site_named"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_site_display()} {self.occurred_on}"


class Drug(models.TextChoices):
    # Anti-osteoporosis medicines by name; dosing intervals per clinical-reference 5.
    ALENDRONATE = "alendronate", _("Alendronate")
    RISEDRONATE = "risedronate", _("Risedronate")
    IBANDRONATE = "ibandronate", _("Ibandronate")
    ZOLEDRONATE = "zoledronate", _("Zoledronic acid")
    DENOSUMAB = "denosumab", _("Denosumab")
    TERIPARATIDE = "teriparatide", _("Teriparatide")
    ABALOPARATIDE = "abaloparatide", _("Abaloparatide")
    ROMOSOZUMAB = "romosozumab", _("Romosozumab")
    RALOXIFENE = "raloxifene", _("Raloxifene")
    HRT = "hrt", _("Menopausal hormone therapy")
    OTHER = "other", _("Other")


class Medication(Correctable):
    """An anti-osteoporosis medication the patient takes or took."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    drug = models.CharField(_("medicine"), max_length=20, choices=Drug.choices)
    drug_other = models.CharField(_("other medicine"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"))
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)

    class Meta:
        verbose_name = _("medication")
        verbose_name_plural = _("medications")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stops_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(drug="other") | ~Q(drug_other=""), name="medication_other_named"
            ),
        ]

    def __str__(self) -> str:
        return self.drug_other or self.get_drug_display()


class MedicationFill(Correctable):
    """One dispensing (a refill) of a medicine, for its proportion of days covered
    (clinical-reference 5)."""

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="fills")
    dispensed_on = models.DateField(_("dispensed on"))
    # clinical-reference 5: the days the supply covers (for long-interval medicines, the days
    # its doses cover).
    days_supply = models.PositiveIntegerField(_("days' supply"), validators=[MinValueValidator(1)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refill")
        verbose_name_plural = _("refills")
        ordering = ["-dispensed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_supply__gte=1), name="medication_fill_covers_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispensed_on} ({self.days_supply})"

    # A refill belongs to its medicine's patient (read by the audit trail and corrections).
    @property
    def patient_id(self) -> int:  # type: ignore[override]
        return self.medication.patient_id


class ConsentKind(models.TextChoices):
    PROGRAM = "program", _("Taking part in the program")
    FAMILY_SHARING = "family_sharing", _("Sharing data with family")


class Consent(models.Model):
    """A consent decision, as recorded; the latest per kind is the one in force."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    granted = models.BooleanField(_("granted"))
    decided_on = models.DateField(_("date of decision"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.granted}"


STATUS_LABELS = {
    EpisodeStatus.REFERRED.value: _("Referred"),
    EpisodeStatus.ASSESSMENT.value: _("Assessment"),
    EpisodeStatus.ACTIVE.value: _("Active"),
    EpisodeStatus.MAINTENANCE.value: _("Maintenance"),
    EpisodeStatus.DISCHARGED.value: _("Discharged"),
    EpisodeStatus.WITHDRAWN.value: _("Withdrawn"),
}


class Episode(models.Model):
    """One stay in the program; a patient may have several over the years, one open at a time."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=list(STATUS_LABELS.items()),
        default=EpisodeStatus.REFERRED.value,
    )
    referred_on = models.DateField(_("referred on"))
    status_since = models.DateField(_("status since"))
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("program episode")
        verbose_name_plural = _("program episodes")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=~Q(status__in=sorted(s.value for s in CLOSED)),
                name="episode_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=~Q(status=EpisodeStatus.WITHDRAWN.value) | ~Q(end_reason=""),
                name="episode_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status_since__gte=models.F("referred_on")),
                name="episode_status_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.referred_on})"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED


class EpisodeStatusChange(models.Model):
    """The episode's history, shown on the record and used for retention figures."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status} {self.on}"


class Caregiver(models.Model):
    """A family member the patient invited; they see only the parts the patient shares, and
    nothing at all while the patient's consent to family sharing is withdrawn."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="caregivers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caregiving",
    )
    name = models.CharField(_("full name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("If you give it, the invitation is sent there.")
    )
    shared_parts = models.JSONField(_("shared with them"), default=list)
    allowed_actions = models.JSONField(_("allowed to"), default=list)  # CaregiverAction values
    invite_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The joining code's keyed hash (never the code) and when it stops working; see
    # `services.caregiver_code_issue`.
    join_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "user"],
                condition=Q(user__isnull=False),
                name="caregiver_one_link_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> list[Part]:
        return [part for part in Part if part.value in self.shared_parts]
