from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CaregiverAction, Part
from osteorehab.accounts.models import PART_LABELS, CareTeam
from osteorehab.core.forms import DateInput

from .domain import COVERED_DAYS_PER_DOSE, TRANSITIONS, USUAL_DAYS_SUPPLY, EpisodeStatus
from .models import (
    STATUS_LABELS,
    Caregiver,
    Consent,
    Episode,
    Fracture,
    Medication,
    MedicationFill,
    Patient,
)
from .services import PATIENT_FIELDS

PART_CHOICES = [(part.value, PART_LABELS[part]) for part in Part]


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        widgets = {"date_of_birth": DateInput(), "diagnosis_on": DateInput()}


class RegisterForm(PatientForm):
    care_team = forms.ModelChoiceField(queryset=CareTeam.objects.none(), label=_("Care team"))
    program_consent = forms.BooleanField(
        required=False, label=_("The patient consents to taking part in the program")
    )
    consent_on = forms.DateField(label=_("Date of consent"), widget=DateInput())
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())
    confirm_duplicate = forms.BooleanField(
        required=False, label=_("This is a different person: register anyway")
    )

    def __init__(self, *args: Any, care_teams: QuerySet[CareTeam], **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"consent_on": today, "referred_on": today})
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["care_team"])
        field.queryset = care_teams
        if care_teams.count() == 1:
            field.initial = care_teams.first()


class EditPatientForm(PatientForm):
    version = forms.IntegerField(widget=forms.HiddenInput())


class FractureForm(forms.ModelForm):
    class Meta:
        model = Fracture
        fields = ("site", "site_other", "occurred_on", "note")
        widgets = {"occurred_on": DateInput()}


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ("drug", "drug_other", "started_on", "stopped_on")
        widgets = {"started_on": DateInput(), "stopped_on": DateInput()}


class MedicationStopForm(forms.Form):
    stopped_on = forms.DateField(label=_("Stopped on"), widget=DateInput())


class RefillForm(forms.ModelForm):
    """A refill of one medicine; the days' supply is prefilled where clinical-reference 5 gives
    the medicine's dose interval (denosumab 6-monthly, zoledronate yearly)."""

    class Meta:
        model = MedicationFill
        fields = ("dispensed_on", "days_supply")
        widgets = {"dispensed_on": DateInput()}

    def __init__(self, *args: Any, medication: Medication, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"dispensed_on": timezone.localdate()}
        if medication.drug in USUAL_DAYS_SUPPLY:
            initial["days_supply"] = USUAL_DAYS_SUPPLY[medication.drug]
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        days_supply = self.fields["days_supply"]
        days_supply.widget.attrs["min"] = 1
        # clinical-reference 5: long-interval medicines count the days their doses cover.
        days_supply.help_text = gettext(
            "The number of days this supply covers. For a long-interval medicine, count the days "
            "its doses cover: %(weekly)s for each weekly dose, %(monthly)s for each monthly dose, "
            "%(six_monthly)s for a 6-monthly dose of denosumab, %(yearly)s for a yearly dose of "
            "zoledronic acid."
        ) % {
            "weekly": COVERED_DAYS_PER_DOSE["weekly"],
            "monthly": COVERED_DAYS_PER_DOSE["monthly"],
            "six_monthly": COVERED_DAYS_PER_DOSE["6-monthly"],
            "yearly": COVERED_DAYS_PER_DOSE["yearly"],
        }


class RefillChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return gettext("dispensed %(date)s, %(days)s days") % {
            "date": obj.dispensed_on.isoformat(),
            "days": obj.days_supply,
        }


class RefillRetractForm(forms.Form):
    fill = RefillChoiceField(label=_("Refill"), queryset=MedicationFill.objects.none())
    reason = forms.CharField(label=_("Why is this entry wrong?"), max_length=300)

    def __init__(self, *args: Any, medication: Medication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(RefillChoiceField, self.fields["fill"]).queryset = medication.fills.valid()


class RetractForm(forms.Form):
    reason = forms.CharField(label=_("Why is this entry wrong?"), max_length=300)


class ConsentForm(forms.ModelForm):
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Consent given")), ("no", _("Consent refused or withdrawn"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Consent
        fields = ("kind", "granted", "decided_on", "note")
        widgets = {"decided_on": DateInput()}


class EpisodeOpenForm(forms.Form):
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())


class EpisodeMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason (needed for a withdrawal)"), required=False, max_length=300
    )
    version = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate(), "version": episode.version})
        super().__init__(*args, **kwargs)
        onward = TRANSITIONS[EpisodeStatus(episode.status)]
        field = cast(forms.ChoiceField, self.fields["to_status"])
        field.choices = [(s.value, STATUS_LABELS[s.value]) for s in EpisodeStatus if s in onward]

    def clean_to_status(self) -> EpisodeStatus:
        return EpisodeStatus(self.cleaned_data["to_status"])


class CareTeamForm(forms.Form):
    care_team = forms.ModelChoiceField(queryset=CareTeam.objects.none(), label=_("Care team"))

    def __init__(self, *args: Any, care_teams: QuerySet[CareTeam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["care_team"]).queryset = care_teams


ACTION_CHOICES = [
    (CaregiverAction.LOG_ON_BEHALF.value, _("Fill in my exercise log and check-in for me")),
    (CaregiverAction.RECEIVE_ALERTS.value, _("Be told at once of an urgent alert about me")),
]


class ShareForm(forms.Form):
    shared_parts = forms.MultipleChoiceField(
        label=_("What they may see"),
        choices=PART_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allowed_actions = forms.MultipleChoiceField(
        label=_("What they may do"),
        choices=ACTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CaregiverForm(forms.ModelForm):
    shared_parts = ShareForm.base_fields["shared_parts"]
    allowed_actions = ShareForm.base_fields["allowed_actions"]

    class Meta:
        model = Caregiver
        fields = ("name", "relationship", "phone", "email", "shared_parts", "allowed_actions")


class LoginDetailsForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False
    )


class AcceptInviteForm(LoginDetailsForm):
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned
