from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osteorehab.assessments.domain import IMPACT_LEVELS, IMPACT_WORDS

from . import exercises as ex


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(str(key), _(words)) for key, words in labels.items()]


class Exercise(models.Model):
    """An exercise of the library: the built-in ones (`library/`, loaded by a migration) and
    those staff add. Retired rather than deleted, so that old plan versions still name it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=_choices(ex.CATEGORY_LABELS))
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    instructions_en = models.TextField(_("instructions (English)"))
    instructions_zh = models.TextField(_("instructions (Chinese)"))
    sets = models.PositiveSmallIntegerField(_("sets"), null=True, blank=True)
    reps = models.PositiveSmallIntegerField(_("repetitions"), null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(_("repetitions, up to"), null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(_("hold (seconds)"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    impacts = models.PositiveSmallIntegerField(_("impacts"), null=True, blank=True)
    load_en = models.CharField(_("load (English)"), max_length=200, blank=True)
    load_zh = models.CharField(_("load (Chinese)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=500)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    muscle_groups = models.JSONField(_("muscle groups"), default=list, blank=True)
    impact = models.CharField(
        _("impact"),
        max_length=10,
        choices=[(level, _(IMPACT_WORDS[level])) for level in IMPACT_LEVELS],
        default="none",
    )
    intensity = models.CharField(
        _("intensity"),
        max_length=10,
        choices=[(i.value, i.value) for i in ex.Intensity],
        default=ex.Intensity.LIGHT,
    )
    high_intensity = models.BooleanField(_("high intensity (LIFTMOR-type)"), default=False)
    spinal_flexion = models.BooleanField(
        _("loaded or end-range spinal flexion or twisting"), default=False
    )
    floor_lift = models.BooleanField(_("lifting from or to the floor"), default=False)
    supported = models.BooleanField(_("done holding on to a support"), default=False)
    otago_level = models.CharField(_("Otago level"), max_length=1, blank=True)
    contraindications = models.JSONField(_("contraindications"), default=list, blank=True)
    progression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    regression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alternatives = models.ManyToManyField("self", symmetrical=False, blank=True)
    builtin = models.BooleanField(default=False)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def instructions(self, language: str) -> str:
        return self.instructions_zh if language.startswith("zh") else self.instructions_en

    def to_domain(self, codes: dict[int, str]) -> ex.Exercise:
        """The exercise as the prescription reads it; `codes` maps ids to codes for the links."""
        return ex.Exercise(
            code=self.code,
            category=ex.Category(self.category),
            name_en=self.name_en,
            name_zh=self.name_zh,
            instructions_en=self.instructions_en,
            instructions_zh=self.instructions_zh,
            dose=ex.Dose(
                sets=self.sets,
                reps=self.reps,
                reps_max=self.reps_max,
                hold_seconds=self.hold_seconds,
                minutes=self.minutes,
                impacts=self.impacts,
                load_en=self.load_en,
                load_zh=self.load_zh,
            ),
            source=self.source,
            equipment=tuple(self.equipment),
            muscle_groups=tuple(self.muscle_groups),
            impact=self.impact,
            intensity=ex.Intensity(self.intensity),
            high_intensity=self.high_intensity,
            spinal_flexion=self.spinal_flexion,
            floor_lift=self.floor_lift,
            supported=self.supported,
            otago_level=self.otago_level,
            contraindications=frozenset(ex.Contraindication(c) for c in self.contraindications),
            progression=codes.get(self.progression_id or 0),
            regression=codes.get(self.regression_id or 0),
            alternatives=tuple(codes[a.pk] for a in self.alternatives.all() if a.pk in codes),
        )


class CarePlan(models.Model):
    """A patient's care plan: a sequence of versions, the latest in force once approved where
    approval is needed."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="care_plan"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")

    def __str__(self) -> str:
        return f"plan {self.pk}"

    @property
    def latest(self) -> "PlanVersion | None":
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    """One version of the plan, never changed once written: the whole document (exercise items,
    the therapist's recorded facts) as JSON, who wrote it, in which role, and why."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    reason = models.CharField(_("reason for the change"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            # two clinicians saving at once cannot both write version n: the second is refused
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once")
        ]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self) -> str:
        return f"version {self.number}"

    @property
    def approved(self) -> bool:
        return not self.needs_approval or self.approved_at is not None


class Phase(models.TextChoices):
    # the program's phases: short ~2 weeks, medium ~6 weeks, long ~12 weeks
    SHORT = "short", _("Short-term (about 2 weeks)")
    MEDIUM = "medium", _("Medium-term (about 6 weeks)")
    LONG = "long", _("Long-term (about 12 weeks)")


PHASE_WEEKS = {Phase.SHORT: 2, Phase.MEDIUM: 6, Phase.LONG: 12}
GAS_LEVELS = [
    (-2, _("-2: much less than expected")),
    (-1, _("-1: less than expected")),
    (0, _("0: as expected")),
    (1, _("+1: more than expected")),
    (2, _("+2: much more than expected")),
]
# Turner-Stokes 2009: a goal's weight is importance x difficulty, each rated 0-3 (1.11).
RATING_0_3 = [(n, str(n)) for n in range(4)]


class Goal(models.Model):
    """A SMART goal in the patient's own words, with the five Goal Attainment Scaling levels
    written for it, linked to the measure that shows progress."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(_("the goal, in the patient's words"), max_length=200)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    target_on = models.DateField(_("to reach by"))
    measure = models.CharField(_("measure that shows progress"), max_length=40, blank=True)
    importance = models.PositiveSmallIntegerField(_("importance (0-3)"), choices=RATING_0_3)
    difficulty = models.PositiveSmallIntegerField(_("difficulty (0-3)"), choices=RATING_0_3)
    level_minus_2 = models.CharField(_("-2: much less than expected"), max_length=200)
    level_minus_1 = models.CharField(_("-1: less than expected"), max_length=200)
    level_0 = models.CharField(_("0: the expected outcome"), max_length=200)
    level_plus_1 = models.CharField(_("+1: more than expected"), max_length=200)
    level_plus_2 = models.CharField(_("+2: much more than expected"), max_length=200)
    baseline_level = models.SmallIntegerField(
        _("level at the start"), choices=GAS_LEVELS[:2], default=-1
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_on", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.statement

    @property
    def weight(self) -> int:
        return self.importance * self.difficulty

    def levels(self) -> list[tuple[int, str]]:
        return [
            (-2, self.level_minus_2),
            (-1, self.level_minus_1),
            (0, self.level_0),
            (1, self.level_plus_1),
            (2, self.level_plus_2),
        ]


class RatedAs(models.TextChoices):
    # whose judgement a rating is: the patient's own, on their phone, or a clinician's at review
    PATIENT = "patient", _("the patient")
    CLINICIAN = "clinician", _("a clinician")


class GoalRating(models.Model):
    """How far a goal is attained at a review, on its GAS levels; never edited."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    rated_on = models.DateField(_("date"))
    level = models.SmallIntegerField(_("level attained"), choices=GAS_LEVELS)
    note = models.CharField(_("note"), max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_as = models.CharField(
        _("rated by"), max_length=10, choices=RatedAs.choices, default=RatedAs.CLINICIAN
    )
    rated_at = models.DateTimeField(auto_now_add=True)
    # the patient's form's key: the rating sent twice is one rating (core.idempotency)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-rated_on", "-id"]
        verbose_name = _("goal rating")
        verbose_name_plural = _("goal ratings")
        constraints = [
            models.UniqueConstraint(fields=["goal", "client_key"], name="goal_rating_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.rated_on}"


class Preset(models.Model):
    """A program preset: a week of exercises for a kind of patient (e.g. early after a vertebral
    fracture) that a therapist applies to a plan, where the safety layer checks it like any
    other change. The built-in ones are loaded by a migration; retired rather than deleted."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("program preset")
        verbose_name_plural = _("program presets")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def description(self, language: str) -> str:
        return self.description_zh if language.startswith("zh") else self.description_en


class PresetItem(models.Model):
    """One exercise of a preset: on which days (0 is Monday) and, where given, its dose; an
    empty dose field keeps the exercise's own."""

    preset = models.ForeignKey(Preset, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    days = models.JSONField(_("days"), default=list)
    sets = models.PositiveSmallIntegerField(_("sets"), null=True, blank=True)
    reps = models.PositiveSmallIntegerField(_("repetitions"), null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(_("hold (seconds)"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)

    class Meta:
        ordering = ["preset", "id"]
        constraints = [
            # a plan holds an exercise once, so a preset does too
            models.UniqueConstraint(fields=["preset", "exercise"], name="preset_exercise_once")
        ]
        verbose_name = _("preset exercise")
        verbose_name_plural = _("preset exercises")

    def __str__(self) -> str:
        return f"{self.preset_id}: {self.exercise_id}"

    def dose(self) -> ex.Dose:
        """The dose in the plan: the preset's where it gives one, else the exercise's own (a
        preset's repetitions are a number, not a range)."""
        exercise = self.exercise
        return ex.Dose(
            sets=self.sets or exercise.sets,
            reps=self.reps or exercise.reps,
            reps_max=None if self.reps else exercise.reps_max,
            hold_seconds=self.hold_seconds or exercise.hold_seconds,
            minutes=self.minutes or exercise.minutes,
            impacts=exercise.impacts,
            load_en=exercise.load_en,
            load_zh=exercise.load_zh,
        )
