"""Plain forms: the services check every rule and name the field; the forms turn what was typed
or tapped into values. Each form carries a key made when it is first shown (`client_key`), so
that the same submission sent twice is stored once."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput, KeyedForm
from osteorehab.plans.exercises import Dose

from . import domain
from .domain import MAX_MINUTES, MAX_REPS, MAX_SETS
from .models import (
    FALL_COUNTS,
    CompletionChoice,
    PlaceChoice,
    SkipReasonChoice,
    SleepChoice,
    Via,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


def scale_field(label: Any, low: int, high: int, *, required: bool = True) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, str(n)) for n in range(low, high + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def rating_field(label: Any, *, required: bool = True) -> forms.Field:
    return scale_field(label, domain.RATING_MIN, domain.RATING_MAX, required=required)


def yes_no_field(label: Any) -> forms.Field:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )


def mood_choices() -> list[tuple[int, Any]]:
    return [(n, _(words)) for n, (words, _face) in domain.MOODS.items()]


# ---- The patient's forms (large controls, one task each) ----


class ExerciseLogForm(KeyedForm):
    """One exercise of today's session, once the patient said whether they did it: what they
    did, how hard it was and how much it hurt; or why they skipped it. Only the amounts the
    plan's dose speaks of are asked, filled in with the dose."""

    day = forms.DateField(widget=forms.HiddenInput)
    plan_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    completion = forms.ChoiceField(choices=CompletionChoice.choices, widget=forms.HiddenInput)
    sets = forms.IntegerField(label=_("Sets done"), min_value=0, max_value=MAX_SETS, required=False)
    reps = forms.IntegerField(
        label=_("Repetitions in each set"), min_value=0, max_value=MAX_REPS, required=False
    )
    minutes = forms.IntegerField(
        label=_("Minutes done"), min_value=0, max_value=MAX_MINUTES, required=False
    )
    load = forms.CharField(label=_("Weight or band used"), max_length=200, required=False)
    effort = rating_field(_("How hard was it? 0 is no effort, 10 is as hard as you can."))
    pain = rating_field(_("How much pain did you have? 0 is no pain, 10 is the worst pain."))
    skip_reason = forms.ChoiceField(
        label=_("Why did you skip it?"), choices=SkipReasonChoice.choices, widget=forms.RadioSelect
    )
    skip_other = forms.CharField(
        label=_("In your own words, if you like"), max_length=200, required=False
    )

    def __init__(self, *args: Any, completion: str, dose: Dose | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if completion == domain.Completion.SKIPPED:
            dropped = ["sets", "reps", "minutes", "load", "effort", "pain"]
        else:
            dropped = ["skip_reason", "skip_other"]
            if dose is not None:
                if not (dose.sets or dose.reps):
                    dropped += ["sets", "reps"]
                if not dose.minutes:
                    dropped.append("minutes")
                if not (dose.load_en or dose.load_zh):
                    dropped.append("load")
        for name in dropped:
            del self.fields[name]
        if dose is not None and completion == domain.Completion.DONE and not self.is_bound:
            self.initial.update({"sets": dose.sets, "reps": dose.reps, "minutes": dose.minutes})

    def amounts(self) -> list[forms.BoundField]:
        return [self[name] for name in ("sets", "reps", "minutes", "load") if name in self.fields]

    def values(self) -> dict[str, Any]:
        """The cleaned data as the service takes it (an absent field is not given)."""
        data = dict(self.cleaned_data)
        data["load"] = data.get("load") or ""
        data["skip_reason"] = data.get("skip_reason") or ""
        data["skip_other"] = data.get("skip_other") or ""
        return data


class CheckInForm(KeyedForm):
    """The daily check-in on one short screen: eight taps, each a large target."""

    day = forms.DateField(widget=forms.HiddenInput)
    mood = forms.TypedChoiceField(
        label=_("How do you feel today?"), coerce=int, widget=forms.RadioSelect
    )
    confidence = rating_field(
        _(
            "How sure are you that you can keep up your exercises? "
            "0 is not at all, 10 is completely."
        )
    )
    fatigue = rating_field(_("How tired are you? 0 is not at all, 10 is exhausted."))
    sleep = forms.ChoiceField(
        label=_("How did you sleep last night?"),
        choices=SleepChoice.choices,
        widget=forms.RadioSelect,
    )
    pain = rating_field(_("How much pain do you have today? 0 is no pain, 10 is the worst pain."))
    back_pain_new = yes_no_field(_("Do you have back pain that is new?"))
    falls = forms.TypedChoiceField(
        label=_("Have you fallen since your last check-in?"),
        choices=FALL_COUNTS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    near_falls = forms.TypedChoiceField(
        label=_("Have you nearly fallen (tripped or slipped, but did not fall)?"),
        choices=FALL_COUNTS,
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mood"].choices = mood_choices()  # type: ignore[attr-defined]

    def questions(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name != "via"]


# ---- The fall report, one question per screen ----


class WhenChoice(forms.ChoiceField):
    """A day the form offered, or any ISO date carried from an earlier day's screen (the service
    checks the date itself)."""

    def valid_value(self, value: Any) -> bool:
        if value == "other":
            return True
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return True


class WhenForm(forms.Form):
    """The day of the fall: today, yesterday (sent as dates, so that an answer kept on the
    phone and sent the next day keeps its day) or another day."""

    when = WhenChoice(label=_("When did you fall?"), widget=forms.RadioSelect)
    other_day = forms.DateField(label=_("Which day?"), required=False, widget=DateInput())

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when"].choices = [  # type: ignore[attr-defined]
            (today.isoformat(), _("Today")),
            ((today - timedelta(days=1)).isoformat(), _("Yesterday")),
            ("other", _("Another day")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "other" and not data.get("other_day"):
            self.add_error("other_day", _("Choose the day of the fall."))
        return data

    def happened_on(self) -> date:
        when = self.cleaned_data["when"]
        return self.cleaned_data["other_day"] if when == "other" else date.fromisoformat(when)


class PlaceForm(forms.Form):
    place = forms.ChoiceField(
        label=_("Where did you fall?"), choices=PlaceChoice.choices, widget=forms.RadioSelect
    )
    place_other = forms.CharField(
        label=_("If somewhere else: where?"), max_length=200, required=False
    )


class InjuryForm(forms.Form):
    injury = yes_no_field(_("Were you hurt?"))


class InjuryWhatForm(forms.Form):
    injury_what = forms.CharField(
        label=_("What was hurt? For example: my wrist, my hip, my head."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GotUpForm(forms.Form):
    could_get_up = yes_no_field(_("Could you get up by yourself after the fall?"))


class DoctorForm(forms.Form):
    saw_doctor = yes_no_field(_("Have you seen a doctor about this fall?"))


# ---- The care team's and the caregiver's forms: everything on one screen ----


class ViaMixin(forms.Form):
    via = forms.ChoiceField(
        label=_("How did you hear it?"), choices=Via.choices, widget=forms.RadioSelect
    )


def _without_via(form: forms.Form, clinician: bool) -> None:
    if not clinician:
        del form.fields["via"]


class StaffExerciseLogForm(KeyedForm, ViaMixin):
    """An exercise of a session, entered for the patient from a call, the diary or a visit.
    Effort and pain may be left empty when the patient did not say."""

    day = forms.DateField(label=_("Day"), widget=DateInput())
    exercise = forms.ChoiceField(label=_("Exercise"))
    completion = forms.ChoiceField(
        label=_("Done?"), choices=CompletionChoice.choices, widget=forms.RadioSelect
    )
    sets = forms.IntegerField(label=_("Sets"), min_value=0, max_value=MAX_SETS, required=False)
    reps = forms.IntegerField(
        label=_("Repetitions in each set"), min_value=0, max_value=MAX_REPS, required=False
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=MAX_MINUTES, required=False
    )
    load = forms.CharField(label=_("Weight or band used"), max_length=200, required=False)
    effort = forms.TypedChoiceField(
        label=_("Effort (0-10)"),
        choices=[("", "—"), *((n, str(n)) for n in range(11))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pain = forms.TypedChoiceField(
        label=_("Pain (0-10)"),
        choices=[("", "—"), *((n, str(n)) for n in range(11))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    skip_reason = forms.ChoiceField(
        label=_("If skipped: why"),
        choices=[("", "—"), *SkipReasonChoice.choices],
        required=False,
    )
    skip_other = forms.CharField(label=_("Other reason"), max_length=200, required=False)
    field_order = ["via", "day", "exercise", "completion"]

    def __init__(
        self, *args: Any, exercises: list[tuple[str, str]], clinician: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = [("", "—"), *exercises]  # type: ignore[attr-defined]
        _without_via(self, clinician)


class StaffCheckInForm(CheckInForm, ViaMixin):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    field_order = ["via", "day"]

    def __init__(self, *args: Any, clinician: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_via(self, clinician)


class StaffFallReportForm(KeyedForm, ViaMixin):
    happened_on = forms.DateField(label=_("Date of the fall"), widget=DateInput())
    place = forms.ChoiceField(
        label=_("Where"), choices=PlaceChoice.choices, widget=forms.RadioSelect
    )
    place_other = forms.CharField(
        label=_("If somewhere else: where"), max_length=200, required=False
    )
    injury = yes_no_field(_("Hurt?"))
    injury_what = forms.CharField(label=_("What was hurt"), max_length=300, required=False)
    could_get_up = yes_no_field(_("Could get up alone?"))
    saw_doctor = yes_no_field(_("Saw a doctor?"))
    field_order = ["via", "happened_on"]

    def __init__(self, *args: Any, clinician: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_via(self, clinician)
