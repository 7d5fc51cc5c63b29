from typing import Any, cast

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.core.forms import DateInput

from .exercises import CATEGORY_LABELS, Category
from .models import Exercise, Goal, GoalRating

DAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class ChangeForm(forms.Form):
    """Every plan change carries why it is made and which version it starts from, so that two
    clinicians editing at once cannot overwrite each other."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DraftForm(ChangeForm):
    """The three facts the therapist judges (the reference gives no threshold for them); each
    must be answered, since an unanswered one is treated as present."""

    recent_fracture = forms.ChoiceField(label=_("Recent fracture"), choices=YES_NO)
    severe_kyphosis = forms.ChoiceField(label=_("Severe kyphosis"), choices=YES_NO)
    acute_pain = forms.ChoiceField(label=_("Acute pain"), choices=YES_NO)
    field_order = ["recent_fracture", "severe_kyphosis", "acute_pain", "reason", "based_on"]

    def facts(self) -> dict[str, bool]:
        return {
            name: self.cleaned_data[name] == "yes"
            for name in ("recent_fracture", "severe_kyphosis", "acute_pain")
        }


class ExerciseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        category = CATEGORY_LABELS[Category(obj.category)]
        return f"{obj.name(get_language() or 'en')} ({gettext(category)})"


class ItemForm(ChangeForm):
    """One exercise added to the plan; an empty dose field keeps the exercise's own dose."""

    exercise = ExerciseChoiceField(
        label=_("Exercise"), queryset=Exercise.objects.filter(retired=False)
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=DAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    # plausibility limits only: the dose comes from the exercise and the therapist
    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=5, required=False)
    reps = forms.IntegerField(label=_("Repetitions"), min_value=1, max_value=50, required=False)
    hold_seconds = forms.IntegerField(
        label=_("Hold (seconds)"), min_value=1, max_value=120, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, required=False)
    field_order = ["exercise", "days", "sets", "reps", "hold_seconds", "minutes", "reason"]


class RemoveForm(ChangeForm):
    exercise = forms.SlugField(widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def measure_choices() -> list[tuple[str, str]]:
    """The instruments a goal can be measured by, in the user's language."""
    named = [(code, gettext(i.name)) for code, i in INSTRUMENTS.items() if code != "gas"]
    return [("", "—"), *sorted(named, key=lambda choice: choice[1])]


class GoalForm(forms.ModelForm):
    measure = forms.ChoiceField(label=_("Measure that shows progress"), required=False)

    class Meta:
        model = Goal
        fields = [
            "statement",
            "phase",
            "target_on",
            "measure",
            "importance",
            "difficulty",
            "baseline_level",
            "level_minus_2",
            "level_minus_1",
            "level_0",
            "level_plus_1",
            "level_plus_2",
        ]
        widgets = {"target_on": DateInput()}
        help_texts = {
            "statement": _('For example "walk to the market without fear".'),
            "target_on": _("Leave empty for the end of the phase."),
            "importance": _("The weight is importance x difficulty (Turner-Stokes)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_on"].required = False
        cast(forms.ChoiceField, self.fields["measure"]).choices = measure_choices()


class RatingForm(forms.ModelForm):
    class Meta:
        model = GoalRating
        fields = ["level", "rated_on", "note"]
        widgets = {"level": forms.RadioSelect, "rated_on": DateInput()}
