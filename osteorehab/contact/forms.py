from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import KeyedForm

from .models import (
    CLINICAL_ROLE_CHOICES,
    MESSAGE_MAX_CHARS,
    AdherenceChoice,
    Mode,
    MoodChoice,
)


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker; the value travels as YYYY-MM-DDTHH:MM."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class FollowUpForm(forms.Form):
    """Plain forms throughout: the service checks the dates and the link and names the field."""

    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    mode = forms.ChoiceField(
        label=_("Phone or video"), choices=Mode.choices, widget=forms.RadioSelect
    )
    with_role = forms.ChoiceField(label=_("Held by (role)"), choices=CLINICAL_ROLE_CHOICES)
    video_link = forms.CharField(
        label=_("Video call link"),
        required=False,
        max_length=500,
        help_text=_(
            "For a video call: the link from the clinic's own video tool, beginning https://."
        ),
    )


class FollowUpNoteForm(forms.Form):
    adherence = forms.ChoiceField(
        label=_("Exercise sessions done since the last contact, of those planned"),
        choices=AdherenceChoice.choices,
        widget=forms.RadioSelect,
        help_text=_("As the patient tells it; the program's own scale, not a validated measure."),
    )
    problems = forms.CharField(
        label=_("Problems"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pain, falls, difficulties with the exercises or the program."),
    )
    mood = forms.ChoiceField(
        label=_("Mood, in the patient's words"),
        choices=MoodChoice.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The program's own scale, not a screening test: a low mood is a reason to offer "
            "the PHQ-9."
        ),
    )
    plan_changes = forms.CharField(
        label=_("Plan changes agreed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_at = forms.DateTimeField(
        label=_("Next follow-up"),
        required=False,
        widget=DateTimeInput(),
        help_text=_(
            "Optional: schedules the next follow-up, in the same way and with the same role."
        ),
    )


class CancelForm(forms.Form):
    cancellation_reason = forms.CharField(
        label=_("Why it is cancelled"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(KeyedForm):
    key_required = False  # the key came later than the form (core.forms.KeyedForm)

    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Your care team reads messages on working days. Not for emergencies: if you need "
            "help now, call your local emergency number."
        ),
    )
