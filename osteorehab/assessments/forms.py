"""Forms generated from the instrument definitions: one field per item or measured value."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput

from .instruments.base import YES_NO, Instrument, Item, parse_cell
from .models import Occasion

NOT_ANSWERED = ("", _("Not answered"))
YES_NO_LABELS = {"yes": gettext_noop("Yes"), "no": gettext_noop("No")}
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
            label = f"{name.replace('_', ' ')} ({unit})"
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


class QuestionForm(forms.Form):
    """One question on one screen, for patients on a phone."""

    answer = forms.ChoiceField(widget=forms.RadioSelect, label="")

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = option_choices(item)
