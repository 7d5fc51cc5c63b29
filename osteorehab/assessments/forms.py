"""Forms generated from the instrument definitions: one field per item or measured value."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput, KeyedForm

from .instruments.base import YES_NO, Instrument, Item, parse_cell
from .models import ImpactDecision, Occasion

NOT_ANSWERED = ("", _("Not answered"))
YES_NO_LABELS = {"yes": gettext_noop("Yes"), "no": gettext_noop("No")}
# How each measured value is asked for on screen (the docs use the instruments' own notes).
FIELD_LABELS = {
    "age": _("Age (years)"),
    "anxiety": _("Anxiety score (0-21, from the licensed form)"),
    "balance_score": _("Balance score (0-4), instead of the three stances"),
    "bmd_g_cm2": _("Bone mineral density (g/cm²), or give the T-score"),
    "chair_stand_score": _("Chair-stand score (0-4), instead of the time"),
    "chair_stands_seconds": _('Five chair stands: time in seconds, or "unable"'),
    "concern_about_falling": _("Worried about falling (if no falls)"),
    "depression": _("Depression score (0-21, from the licensed form)"),
    "distance_m": _("Distance (metres)"),
    "fall_history": _("Has fallen before"),
    "fall_injury": _("A fall with injury"),
    "falls_12m": _("Falls in the past 12 months"),
    "fractures_since_50": _("Fractures since age 50"),
    "fragility_fracture": _("Has had a fragility fracture"),
    "frailty": _("Frail"),
    "gait_course_m": _("Walking course (3 or 4 metres)"),
    "gait_score": _("Gait score (0-4), instead of the walks"),
    "gait_speed_m_s": _("Gait speed (m/s), or give the TUG time"),
    "gait_trial1_seconds": _('Walk 1: seconds, or "unable"'),
    "gait_trial2_seconds": _('Walk 2: seconds, or "unable" (optional)'),
    "height_cm": _("Height (cm)"),
    "hip_10y_percent": _("FRAX hip fracture risk, 10 years (%)"),
    "kg": _("Grip strength, best trial (kg)"),
    "loss_of_consciousness": _("Lost consciousness, or fainting suspected"),
    "lying_long": _("Lay on the floor a long time after a fall"),
    "m_per_s": _("Gait speed (m/s), instead of distance and time"),
    "major_osteoporotic_10y_percent": _("FRAX major osteoporotic fracture risk, 10 years (%)"),
    "mean_percent": _("ABC mean score (%, from the licensed form)"),
    "postmenopausal": _("Postmenopausal (women)"),
    "rpe": _("Borg rating (6-20, from the licensed scale)"),
    "seconds": _("Time (seconds)"),
    "semi_tandem_seconds": _("Semi-tandem stance held (seconds, 0-10)"),
    "sex": _("Sex"),
    "side_by_side_seconds": _("Side-by-side stance held (seconds, 0-10)"),
    "site": _("Site measured"),
    "stage1_seconds": _("Stage 1, feet side by side: seconds held (0-10)"),
    "stage2_seconds": _("Stage 2, semi-tandem: seconds held (0-10)"),
    "stage3_seconds": _("Stage 3, tandem: seconds held (0-10)"),
    "stage4_seconds": _("Stage 4, one leg: seconds held (0-10)"),
    "stands": _("Stands in 30 seconds (0 if the arms were needed)"),
    "t_score": _("T-score, or give the bone mineral density"),
    "tandem_seconds": _("Tandem stance held (seconds, 0-10)"),
    "tug_seconds": _("Timed Up and Go (seconds), or give the gait speed"),
    "unable_to_get_up": _("Could not get up after a fall"),
    "unsteady": _("Feels unsteady (if no falls)"),
    "weight_kg": _("Weight (kg)"),
    "with_bmd": _("FRAX calculated with femoral-neck BMD"),
    "z_score": _("Z-score (optional, from the DXA report)"),
}
# Fields whose values are names rather than numbers.
FIELD_CHOICES = {
    "sex": [("female", _("Female")), ("male", _("Male"))],
    "site": [
        ("femoral_neck", _("Femoral neck")),
        ("total_hip", _("Total hip")),
        ("lumbar_spine", _("Lumbar spine")),
    ],
}


def option_choices(item: Item) -> list[tuple[str, str]]:
    """Each answer with its words where the instrument names them: "2 — More than half the days"."""
    choices = []
    for option in item.options:
        words = item.option_labels.get(option) or YES_NO_LABELS.get(option)
        label = str(option) if words is None else gettext(words)
        if words is not None and not isinstance(option, str):
            label = f"{option} — {label}"
        choices.append((str(option), label))
    return choices


def has_form(instrument: Instrument) -> bool:
    """Instruments entered through a form; Goal Attainment Scaling is scored with the goals."""
    return bool(instrument.items or instrument.fields) and instrument.code != "gas"


class AssessmentForm(forms.Form):
    administered_on = forms.DateField(label=_("Date"), widget=DateInput())
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    note = forms.CharField(label=_("Note (for a scan: the device)"), max_length=300, required=False)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"administered_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item.key] = forms.ChoiceField(
                label=gettext(item.label),
                choices=[NOT_ANSWERED, *option_choices(item)],
                required=False,
                widget=forms.RadioSelect,
            )
        for name, unit in instrument.fields.items():
            label = FIELD_LABELS.get(name, name.replace("_", " "))
            if unit.startswith(YES_NO):
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[NOT_ANSWERED, ("true", _("Yes")), ("false", _("No"))],
                    required=False,
                )
            elif name in FIELD_CHOICES:
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=[NOT_ANSWERED, *FIELD_CHOICES[name]], required=False
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )

    def answers(self) -> dict[str, Any]:
        """The instrument's input, as the command line would read the same values."""
        data = self.cleaned_data
        named = {name: parse_cell(data[name]) for name in self.instrument.fields if data.get(name)}
        if not self.instrument.items:
            return named
        items = [
            parse_cell(data[i.key]) if data.get(i.key) else None for i in self.instrument.items
        ]
        return {"items": items, **named}


class QuestionForm(KeyedForm):
    """One question on one screen, for patients on a phone; its key is the draft's."""

    key_required = False  # the key came later than the form (core.forms.KeyedForm)
    answer = forms.ChoiceField(widget=forms.RadioSelect, label="")

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = option_choices(item)


class ImpactDecisionForm(forms.ModelForm):
    class Meta:
        model = ImpactDecision
        fields = ["level", "reason", "decided_on"]
        widgets = {"level": forms.RadioSelect, "decided_on": DateInput()}
        help_texts = {
            "reason": _("What the decision rests on, e.g. the fracture history or a scan result."),
        }
