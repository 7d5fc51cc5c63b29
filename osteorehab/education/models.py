from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from osteorehab.patients.models import Sex
from osteorehab.plans.education import MODULES

# The catalogue's modules, in its order. The label is the English title: pages show the title in
# the reader's language from the module itself (`templatetags/education.py`).
MODULE_CHOICES = [(module.code, module.title_en) for module in MODULES]
NUTRITION_SEXES = [(Sex.FEMALE.value, Sex.FEMALE.label), (Sex.MALE.value, Sex.MALE.label)]


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open(self) -> "AssignmentQuerySet":
        return self.filter(completed_on__isnull=True)


class Assignment(models.Model):
    """A lesson the care team gave the patient. It is completed when the quiz is passed; a failed
    attempt leaves it open to try again (the latest attempt is kept, and the attempts counted).
    Written only by the services in `services.py`."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="education_assignments"
    )
    module = models.CharField(_("lesson"), max_length=40, choices=MODULE_CHOICES)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The latest attempt: question code -> chosen option code, and how it was marked.
    quiz_answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)  # questions in that attempt
    passed = models.BooleanField(_("passed"), null=True, blank=True)  # None: not yet tried
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempted_on = models.DateField(null=True, blank=True)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The answers of an attempt in progress on the patient's phone, one question per screen, so
    # that they can stop and come back; emptied when the attempt is marked.
    draft_answers = models.JSONField(default=dict, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson assignment")
        verbose_name_plural = _("lesson assignments")
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "module"],
                condition=Q(completed_on__isnull=True),
                name="education_one_open_assignment_per_module",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("assigned_on")),
                name="education_due_not_before_assigned",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(passed=True),
                name="education_completed_only_when_passed",
            ),
            models.CheckConstraint(
                condition=Q(attempts=0, passed__isnull=True, score__isnull=True)
                | Q(attempts__gt=0, passed__isnull=False, score__isnull=False),
                name="education_marked_once_attempted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.assigned_on}"

    @property
    def status(self) -> str:
        """ "done", "retry" (a failed attempt, still open) or "todo"."""
        if self.completed_on is not None:
            return "done"
        return "retry" if self.attempts else "todo"


class FoodItem(models.Model):
    """One line of the clinic's food-frequency checklist: a food, its serving and the calcium
    in one serving. No values ship with the program (the clinical reference did not retrieve
    any, clinical-reference 4.6): each clinic enters its own and says where it took them from."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="food_items"
    )
    name_en = models.CharField(_("name in English"), max_length=100)
    name_zh = models.CharField(_("name in Chinese"), max_length=100)
    serving_en = models.CharField(_("serving in English"), max_length=100)
    serving_zh = models.CharField(_("serving in Chinese"), max_length=100)
    mg_per_serving = models.PositiveIntegerField(_("calcium per serving (mg)"))
    source = models.TextField(_("source of the calcium value"))
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("food")
        verbose_name_plural = _("foods")
        ordering = ["name_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mg_per_serving__gt=0), name="food_item_mg_per_serving_positive"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="food_item_source_given"),
            models.UniqueConstraint(
                fields=["organisation", "name_en"],
                condition=Q(retired=False),
                name="food_item_unique_current_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en


class NutritionCheck(models.Model):
    """A food-frequency check with the patient: the inputs as given, and the targets and the
    calcium estimate the pure functions of `osteorehab.plans.nutrition` computed from them."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="nutrition_checks"
    )
    checked_on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    age = models.PositiveSmallIntegerField(_("age"))  # completed years on checked_on
    # the sexes of the IOM table's rows
    sex = models.CharField(_("sex"), max_length=10, choices=NUTRITION_SEXES)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1)
    ill = models.BooleanField(_("acute or chronic illness"))
    # food id (as text) -> servings per week, and the calcium per serving used then, so that a
    # later change to the food list does not change a stored estimate
    servings = models.JSONField(default=dict)
    mg_per_serving = models.JSONField(default=dict)
    estimate_mg = models.PositiveIntegerField(_("calcium from food (mg/day)"))
    target_mg = models.PositiveIntegerField(_("calcium target (mg/day)"))
    vitamin_d_target_iu = models.PositiveIntegerField(_("vitamin D target (IU/day)"))
    protein_low_g = models.DecimalField(max_digits=5, decimal_places=1)
    protein_high_g = models.DecimalField(max_digits=5, decimal_places=1)
    reasons = models.JSONField(default=list)  # the stored Reasons: why each number is what it is
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nutrition check")
        verbose_name_plural = _("nutrition checks")
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(protein_high_g__gte=F("protein_low_g")),
                name="nutrition_check_protein_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.checked_on}"
