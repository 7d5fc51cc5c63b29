"""The cohort dashboard's figures kept per episode: what the live computation (`cohort`) finds for
each episode on a day, so that the dashboard sums them up in a few aggregate queries instead of
reading every assessment, log entry and follow-up item of the program on each view.

Derived data, never entered by anyone: written only by `summary.summaries_refresh` (the hourly
job, and the dashboard for episodes it finds without a summary of the day), read only by
`summary.cohort_of`. A summary is of its day (`computed_on`): figures that depend on the day
(time in the program, who is retained at 3 months, the indicators whose window has passed)
are those of that day.
"""

from django.db import models
from django.db.models import Q

from . import domain

INDICATOR_FIELDS = {indicator: f"indicator_{indicator.value}" for indicator in domain.Indicator}


class EpisodeSummary(models.Model):
    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    computed_at = models.DateTimeField()
    computed_on = models.DateField()  # the day the figures are of
    started = models.BooleanField()  # the program started (the episode became active)
    withdrawn = models.BooleanField()
    # retained at 3, 6 and 12 months (`domain.retained_at`); None: not started or not yet due
    retained_3 = models.BooleanField(null=True)
    retained_6 = models.BooleanField(null=True)
    retained_12 = models.BooleanField(null=True)
    # the planned sessions from the start to yesterday and how they went; None: none planned
    planned = models.PositiveIntegerField(null=True)
    done = models.PositiveIntegerField(null=True)
    partly = models.PositiveIntegerField(null=True)
    logged = models.BooleanField()
    adherence_percent = models.FloatField(null=True)  # of those logging with sessions planned
    falls = models.PositiveIntegerField()
    refractures = models.PositiveIntegerField()
    exposure_days = models.PositiveIntegerField()
    # each fracture-liaison indicator: met, not met, or None (not counted yet)
    indicator_bone_density_12_weeks = models.BooleanField(null=True)
    indicator_falls_assessed = models.BooleanField(null=True)
    indicator_exercise_16_weeks = models.BooleanField(null=True)
    indicator_treatment_16_weeks = models.BooleanField(null=True)
    indicator_treatment_52_weeks = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__isnull=True, done__isnull=True, partly__isnull=True)
                | Q(planned__isnull=False, done__isnull=False, partly__isnull=False),
                name="episode_summary_sessions_whole",
            )
        ]

    def __str__(self) -> str:
        return f"summary of episode {self.episode_id} on {self.computed_on}"


class EpisodeChange(models.Model):
    """A measure's baseline and its reading at a time point, in an episode measured at both."""

    summary = models.ForeignKey(EpisodeSummary, on_delete=models.CASCADE, related_name="changes")
    instrument = models.CharField(max_length=40)
    months = models.PositiveSmallIntegerField()
    baseline = models.FloatField()
    follow_up = models.FloatField()
    change = models.FloatField()  # follow-up minus baseline
    reached = models.BooleanField(null=True)  # improved by the MCID; None: the measure has none

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "instrument", "months"], name="episode_change_once"
            )
        ]
        indexes = [models.Index(fields=["instrument", "months"])]

    def __str__(self) -> str:
        return f"{self.instrument} at {self.months} months"


class EpisodeFollowUp(models.Model):
    """An episode's follow-up items of one kind: done, missed (window closed) and still open."""

    summary = models.ForeignKey(EpisodeSummary, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=30)
    done = models.PositiveIntegerField()
    missed = models.PositiveIntegerField()
    open = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "kind"], name="episode_follow_up_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.done} done"
