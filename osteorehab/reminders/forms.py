from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .domain import MAX_PER_DAY_RANGE, Channel


class TimeInput(forms.TimeInput):
    """The browser's own time picker; the value travels as HH:MM in every language."""

    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class ReminderPreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("How should we remind you?"),
        choices=[
            (Channel.EMAIL.value, _("By e-mail")),
            (Channel.IN_APP.value, _("In the app (under Notifications)")),
            (Channel.SMS.value, _("By text message (SMS)")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to get no reminders."),
    )
    phone = forms.CharField(
        label=_("Mobile phone for text messages"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        # digits, spaces, brackets and dashes, with an optional leading +
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()\-]{6,30}$", _("Enter a phone number: digits, with + if needed.")
            )
        ],
    )
    quiet_start = forms.TimeField(
        label=_("No reminders from"),
        widget=TimeInput(),
        help_text=_("For example 21:00."),
    )
    quiet_end = forms.TimeField(
        label=_("until"),
        widget=TimeInput(),
        help_text=_("For example 08:00. The same time twice means no quiet hours."),
    )
    max_per_day = forms.TypedChoiceField(
        label=_("At most this many reminders a day"),
        choices=[(n, str(n)) for n in range(MAX_PER_DAY_RANGE[0], MAX_PER_DAY_RANGE[1] + 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


def preference_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The form's cleaned choice as `reminder_preference_save` takes it."""
    data = dict(cleaned)
    channels = set(data.pop("channels"))
    return {
        **data,
        "by_email": Channel.EMAIL in channels,
        "in_app": Channel.IN_APP in channels,
        "by_sms": Channel.SMS in channels,
    }
