from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from osteorehab.assessments.domain import IMPACT_LEVELS, IMPACT_WORDS

from .exercises import (
    CATEGORY_LABELS,
    CONTRAINDICATION_LABELS,
    EQUIPMENT_LABELS,
    MUSCLE_GROUPS,
    MUSCLE_WORDS,
    Intensity,
)
from .forms import DraftForm, ExerciseChoiceField
from .library_services import EXERCISE_FIELDS, LINK_FIELDS
from .models import Exercise, Preset

INTENSITY_LABELS = {
    Intensity.LIGHT: _("Light (effort below 5 of 10)"),
    Intensity.MODERATE: _("Moderate (effort 5-6 of 10)"),
    Intensity.VIGOROUS: _("Vigorous (effort 7-8 of 10)"),
}
CATEGORY_CHOICES = [(str(key), _(words)) for key, words in CATEGORY_LABELS.items()]
IMPACT_CHOICES = [(level, _(IMPACT_WORDS[level])) for level in IMPACT_LEVELS]
TAG_CHOICES = [(str(tag), _(words)) for tag, words in CONTRAINDICATION_LABELS.items()]
OTAGO_CHOICES = [("", "—"), *((level, level) for level in "ABCD")]
CODE = RegexValidator(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\Z",
    _("Lower-case letters and digits joined by single underscores, starting with a letter."),
)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (English or Chinese)"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *CATEGORY_CHOICES], required=False
    )
    impact = forms.ChoiceField(
        label=_("Impact"), choices=[("", _("All")), *IMPACT_CHOICES], required=False
    )
    tag = forms.ChoiceField(
        label=_("Contraindication"), choices=[("", _("All")), *TAG_CHOICES], required=False
    )
    retired = forms.BooleanField(label=_("Show retired exercises"), required=False)


class ExercisesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name(get_language() or "en")


class ExerciseForm(forms.ModelForm):
    """An exercise in both languages, with its dose, flags and links. The library's rules
    (`library_rules.py`) are checked by the service, each problem shown on its field."""

    equipment = forms.MultipleChoiceField(
        label=_("Equipment"),
        choices=[(key, _(words)) for key, words in EQUIPMENT_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    muscle_groups = forms.MultipleChoiceField(
        label=_("Muscle groups"),
        choices=[(group, _(MUSCLE_WORDS[group])) for group in MUSCLE_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For strength exercises and everyday movements."),
    )
    intensity = forms.ChoiceField(label=_("Intensity"), choices=list(INTENSITY_LABELS.items()))
    otago_level = forms.ChoiceField(label=_("Otago level"), choices=OTAGO_CHOICES, required=False)
    contraindications = forms.MultipleChoiceField(
        label=_("Contraindications"),
        choices=TAG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The safety layer refuses the exercise for a patient with any of these. Spinal "
            "flexion, lifting from the floor, high intensity and impact above low call for the "
            "vertebral fracture tag; any impact for the physician's restriction."
        ),
    )
    progression = ExerciseChoiceField(
        label=_("Progression (the next harder exercise)"),
        queryset=Exercise.objects.none(),
        required=False,
    )
    regression = ExerciseChoiceField(
        label=_("Regression (the next easier exercise)"),
        queryset=Exercise.objects.none(),
        required=False,
    )
    alternatives = ExercisesChoiceField(
        label=_("Alternatives (train the same thing)"),
        queryset=Exercise.objects.none(),
        required=False,
    )

    class Meta:
        model = Exercise
        fields = [*EXERCISE_FIELDS, *LINK_FIELDS]
        widgets = {
            "instructions_en": forms.Textarea(attrs={"rows": 6}),
            "instructions_zh": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "code": _("A stable name for the exercise, e.g. seated_row. It cannot change later."),
            "instructions_en": _("Numbered steps, one per line."),
            "instructions_zh": _("Numbered steps, one per line."),
            "reps_max": _("The top of a range, e.g. 12 for 8-12 repetitions."),
            "impacts": _("Impacts per session."),
            "source": _("The guideline the exercise follows, e.g. [clinical-reference 4.1]."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.validators.append(CODE)
        if self.instance.pk:
            # plan versions name their exercises by code
            code.disabled = True
            code.help_text = _("Plans name the exercise by its code, so it cannot change.")
        # Links to exercises in use, and to those linked already (even if retired since).
        linked = Q(pk__in=[self.instance.progression_id, self.instance.regression_id])
        if self.instance.pk:
            linked |= Q(pk__in=self.instance.alternatives.values("pk"))
        choices = Exercise.objects.filter(Q(retired=False) | linked).exclude(pk=self.instance.pk)
        for name in ("progression", "regression", "alternatives"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = choices


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Why is the exercise retired?"), max_length=300)


class PresetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name(get_language() or "en")


class PresetApplyForm(DraftForm):
    """A preset for the plan, with why; the three facts the therapist judges are asked only for a
    patient without a plan yet (otherwise they come from the plan in force)."""

    preset = PresetChoiceField(
        label=_("Preset"),
        queryset=Preset.objects.filter(retired=False),
        help_text=_(
            "Its exercises replace those of the plan; the version in force stays in the history."
        ),
    )
    field_order = ["preset", "recent_fracture", "severe_kyphosis", "acute_pain", "reason"]

    def __init__(self, *args: Any, ask_facts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_facts:
            for name in ("recent_fracture", "severe_kyphosis", "acute_pain"):
                del self.fields[name]
