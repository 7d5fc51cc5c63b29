from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .domain import (
    FALLS_TWO_OR_MORE,
    MOOD_MAX,
    MOOD_MIN,
    RATING_MAX,
    RATING_MIN,
    Completion,
    Place,
    SkipReason,
    Sleep,
)


class EnteredAs(models.TextChoices):
    PATIENT = "patient", _("The patient")
    NURSE_PHONE = "nurse_phone", _("The care team, from a phone call")
    NURSE_PAPER = "nurse_paper", _("The care team, from the paper diary")
    CAREGIVER = "caregiver", _("A family caregiver")


class Via(models.TextChoices):
    """How the care team heard what it enters for the patient."""

    PHONE = "phone", _("A phone call")
    PAPER = "paper", _("The paper diary")


VIA_ENTERED_AS = {Via.PHONE: EnteredAs.NURSE_PHONE, Via.PAPER: EnteredAs.NURSE_PAPER}


class CompletionChoice(models.TextChoices):
    DONE = Completion.DONE.value, _("Done")
    PARTLY = Completion.PARTLY.value, _("Partly")
    SKIPPED = Completion.SKIPPED.value, _("Skipped")


class SkipReasonChoice(models.TextChoices):
    PAIN = SkipReason.PAIN.value, _("Pain")
    FATIGUE = SkipReason.FATIGUE.value, _("Too tired")
    FEAR = SkipReason.FEAR.value, _("Afraid of falling or of getting hurt")
    NO_TIME = SkipReason.NO_TIME.value, _("No time")
    ILL = SkipReason.ILL.value, _("Unwell")
    FORGOT = SkipReason.FORGOT.value, _("Forgot")
    OTHER = SkipReason.OTHER.value, _("Something else")


class SleepChoice(models.TextChoices):
    POOR = Sleep.POOR.value, _("Poorly")
    FAIR = Sleep.FAIR.value, _("So-so")
    GOOD = Sleep.GOOD.value, _("Well")


class PlaceChoice(models.TextChoices):
    HOME_INSIDE = Place.HOME_INSIDE.value, _("At home, inside")
    HOME_OUTSIDE = Place.HOME_OUTSIDE.value, _("At home, outside (garden, yard, steps)")
    STREET = Place.STREET.value, _("In the street")
    SHOP = Place.SHOP.value, _("In a shop")
    OTHER = Place.OTHER.value, _("Somewhere else")


FALL_COUNTS = [(0, _("None")), (1, _("Once")), (FALLS_TWO_OR_MORE, _("Twice or more"))]


def _rating(name: str) -> Q:
    return Q(**{f"{name}__gte": RATING_MIN, f"{name}__lte": RATING_MAX})


def _entry_constraints(label: str) -> list[models.BaseConstraint]:
    """What every entry of the log keeps: a retried submission (the same key from the same
    patient's form) is stored once, and who entered it is one of the known ways."""
    return [
        models.UniqueConstraint(fields=["patient", "client_key"], name=f"{label}_client_key_once"),
        models.CheckConstraint(
            condition=Q(entered_as__in=EnteredAs.values), name=f"{label}_entered_as_known"
        ),
    ]


class Entry(models.Model):
    """Who the entry is about, who entered it and how (the patient, the care team from a phone
    call or the paper diary, a caregiver), and the key the form was given: the same key sent
    twice (a lost connection, a second tap) is one entry."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_as = models.CharField(_("entered by"), max_length=20, choices=EnteredAs.choices)
    client_key = models.UUIDField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def on_behalf(self) -> bool:
        return self.entered_as != EnteredAs.PATIENT


class ExerciseLog(Entry):
    """One exercise of one day's session, as the patient did it (or did not)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="exercise_logs"
    )
    day = models.DateField(_("day"))
    exercise = models.CharField(_("exercise"), max_length=60)  # the library's code
    plan_version = models.PositiveIntegerField(_("plan version"))  # its number in the plan
    completion = models.CharField(_("done?"), max_length=10, choices=CompletionChoice.choices)
    sets = models.PositiveSmallIntegerField(_("sets"), null=True, blank=True)
    reps = models.PositiveSmallIntegerField(_("repetitions"), null=True, blank=True)
    load = models.CharField(_("weight or band"), max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    effort = models.PositiveSmallIntegerField(_("effort (0-10)"), null=True, blank=True)
    pain = models.PositiveSmallIntegerField(_("pain (0-10)"), null=True, blank=True)
    skip_reason = models.CharField(
        _("why skipped"), max_length=20, choices=SkipReasonChoice.choices, blank=True
    )
    skip_other = models.CharField(_("other reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exercise log")
        verbose_name_plural = _("exercise logs")
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["patient", "day"])]
        constraints = [
            *_entry_constraints("exercise_log"),
            models.CheckConstraint(
                condition=Q(completion__in=CompletionChoice.values),
                name="exercise_log_completion_known",
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | _rating("effort"),
                name="exercise_log_effort_0_10",
            ),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | _rating("pain"), name="exercise_log_pain_0_10"
            ),
            # a reason exactly when skipped
            models.CheckConstraint(
                condition=Q(
                    completion=Completion.SKIPPED.value, skip_reason__in=SkipReasonChoice.values
                )
                | (~Q(completion=Completion.SKIPPED.value) & Q(skip_reason="")),
                name="exercise_log_skip_reason_when_skipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} {self.day} {self.completion}"


class CheckIn(Entry):
    """The daily check-in: how the patient feels, sleeps and hurts, and any falls."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="check_ins"
    )
    day = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(_("mood (1-5)"))
    confidence = models.PositiveSmallIntegerField(_("confidence (0-10)"))
    fatigue = models.PositiveSmallIntegerField(_("tiredness (0-10)"))
    sleep = models.CharField(_("sleep"), max_length=10, choices=SleepChoice.choices)
    pain = models.PositiveSmallIntegerField(_("pain (0-10)"))
    back_pain_new = models.BooleanField(_("new back pain"))
    falls = models.PositiveSmallIntegerField(_("falls since last time"), choices=FALL_COUNTS)
    near_falls = models.PositiveSmallIntegerField(
        _("near-falls since last time"), choices=FALL_COUNTS
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-day", "-id"]
        constraints = [
            *_entry_constraints("check_in"),
            models.CheckConstraint(
                condition=Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX), name="check_in_mood_1_5"
            ),
            models.CheckConstraint(
                condition=_rating("confidence") & _rating("fatigue") & _rating("pain"),
                name="check_in_ratings_0_10",
            ),
            models.CheckConstraint(
                condition=Q(sleep__in=SleepChoice.values), name="check_in_sleep_known"
            ),
            models.CheckConstraint(
                condition=Q(falls__lte=FALLS_TWO_OR_MORE, near_falls__lte=FALLS_TWO_OR_MORE),
                name="check_in_fall_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.day}"


class FallReport(Entry):
    """A fall, as the patient (or someone for them) tells it."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="fall_reports"
    )
    happened_on = models.DateField(_("date of the fall"))
    place = models.CharField(_("where"), max_length=20, choices=PlaceChoice.choices)
    place_other = models.CharField(_("where, in words"), max_length=200, blank=True)
    injury = models.BooleanField(_("hurt"))
    injury_what = models.CharField(_("what was hurt"), max_length=300, blank=True)
    could_get_up = models.BooleanField(_("could get up alone"))
    saw_doctor = models.BooleanField(_("saw a doctor"))

    class Meta:
        verbose_name = _("fall report")
        verbose_name_plural = _("fall reports")
        ordering = ["-happened_on", "-id"]
        constraints = [
            *_entry_constraints("fall_report"),
            models.CheckConstraint(
                condition=Q(place__in=PlaceChoice.values), name="fall_report_place_known"
            ),
        ]

    def __str__(self) -> str:
        return f"fall {self.happened_on}"
