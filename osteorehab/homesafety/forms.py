from collections.abc import Iterator

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput

from .domain import ROOMS, Answer, Item, Room
from .models import How

ANSWER_CHOICES = [
    (Answer.OK.value, _("Yes, safe")),
    (Answer.HAZARD.value, _("No, a hazard")),
    (Answer.NOT_APPLICABLE.value, _("Not applicable")),
]
PREFIX = "item_"


class HomeSafetyCheckForm(forms.Form):
    """The check, one radio group per item of the checklist. An item may be left unanswered:
    it is then recorded as not checked, never as safe. The dates are checked by the service,
    which names the field."""

    checked_on = forms.DateField(label=_("Date of the check"), widget=DateInput())
    how = forms.ChoiceField(
        label=_("How the home was checked"), choices=How.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the care team: the patient and their family do not see this note."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for room in ROOMS:
            for item in room.items:
                self.fields[PREFIX + item.code] = forms.ChoiceField(
                    label=_(item.question),  # marked for the catalogue in the domain
                    choices=ANSWER_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                )

    def rooms(self) -> Iterator[tuple[Room, list[tuple[Item, forms.BoundField]]]]:
        for room in ROOMS:
            yield room, [(item, self[PREFIX + item.code]) for item in room.items]

    def details(self) -> list[forms.BoundField]:
        return [self[name] for name in ("checked_on", "how", "note")]

    def answers(self) -> dict[str, str]:
        """The answered items of the cleaned form, by item code."""
        return {
            name.removeprefix(PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PREFIX) and value
        }


class DoneForm(forms.Form):
    """Marking an action done: today unless another day is given."""

    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())
