from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import KeyedForm
from osteorehab.patients.forms import AcceptInviteForm

from .models import ENCOURAGEMENT_MAX_CHARS


class EncouragementForm(KeyedForm):
    key_required = False  # the key came later than the form (core.forms.KeyedForm)

    text = forms.CharField(
        label=_("Your message"),
        max_length=ENCOURAGEMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            'A few kind words about their effort, for example: "Well done on your walk today!" '
            "At most 280 characters."
        ),
    )


CODE_FIELD = forms.CharField(
    label=_("Joining code"),
    max_length=20,
    help_text=_("The 8 letters and numbers you were given, for example ABCD-EFGH."),
    widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
)


class JoinForm(AcceptInviteForm):
    """Joining with the code and a new login."""

    code = CODE_FIELD
    field_order = ["code", "username", "password", "password_again"]


class JoinWithMyLoginForm(forms.Form):
    """Joining with the code, for someone who already supports another patient."""

    code = CODE_FIELD


class SharingForm(forms.Form):
    """The patient's decision on sharing with family: the value is in the button pressed, so a
    second press does not undo the first."""

    granted = forms.TypedChoiceField(
        choices=[("1", _("Share")), ("0", _("Stop sharing"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
