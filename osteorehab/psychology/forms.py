from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput

from .models import MODULE_CHOICES, Modality


class PsychSessionForm(forms.Form):
    """A plain form: the dates are checked by the service, which names the field; a ModelForm
    would also run the model's check and report the same rule as a form-wide error."""

    held_on = forms.DateField(label=_("Date of the session"), widget=DateInput())
    modality = forms.ChoiceField(
        label=_("Modality"), choices=Modality.choices, widget=forms.RadioSelect
    )
    # no module chosen in advance: a record must say which one was worked on
    module = forms.ChoiceField(label=_("Module"), choices=[("", "—"), *MODULE_CHOICES])
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For the care team: the patient and their family do not see these notes."),
    )
    homework = forms.CharField(
        label=_("Homework"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the patient agreed to practise before the next session."),
    )
    next_session_on = forms.DateField(
        label=_("Next session"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional; after the date of this session."),
    )
