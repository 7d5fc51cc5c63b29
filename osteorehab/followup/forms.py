from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput

NOTE_HELP = _("Optional: for the care team, e.g. why.")


class AddForm(forms.Form):
    """Plain fields: the service checks the date and the kind, and names the field it refuses."""

    kind = forms.ChoiceField(label=_("What"))
    due_on = forms.DateField(
        label=_("Due on"),
        widget=DateInput(),
        help_text=_("The window opens and closes around it as for the program's own items."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300, help_text=NOTE_HELP)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    due_on = forms.DateField(
        label=_("New due date"),
        widget=DateInput(),
        help_text=_("Its window moves with it, by the same number of days."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300, help_text=NOTE_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class HeldForm(forms.Form):
    on = forms.DateField(label=_("Held on"), widget=DateInput())
