from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.models import CareTeam
from osteorehab.patients.forms import RegisterForm

ISO_DATE = ["%Y-%m-%d"]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of patients (CSV)"),
        help_text=_("Saved from a spreadsheet as CSV (UTF-8 or GB18030), with the columns below."),
    )


class CareTeamByName(forms.ModelChoiceField):
    """A care team given by its name (without regard to case), among those offered."""

    def to_python(self, value: Any) -> CareTeam | None:
        if value in self.empty_values:
            return None
        wanted = str(value).strip().casefold()
        teams = [team for team in self.teams() if team.name.casefold() == wanted]
        if len(teams) != 1:
            raise ValidationError(_("No care team of yours has this name."), code="invalid_choice")
        return teams[0]

    def teams(self) -> QuerySet[CareTeam]:
        return cast(QuerySet[CareTeam], self.queryset)


class ImportRowForm(RegisterForm):
    """One row of a patient spreadsheet, checked as the registration form checks a patient: the
    care team by name (yours alone when the column is left empty), the program consent as yes or
    no, and dates only as YYYY-MM-DD, since 03/04/1950 is 3 April in one country and 4 March in
    another. A repeated person is a problem of the file: there is no duplicate to confirm."""

    care_team = CareTeamByName(queryset=CareTeam.objects.none(), required=False)
    program_consent = forms.TypedChoiceField(  # type: ignore[assignment]
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=False,  # type: ignore[arg-type]
    )
    consent_on = forms.DateField(required=False)
    confirm_duplicate = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_of_birth", "diagnosis_on", "referred_on", "consent_on"):
            cast(forms.DateField, self.fields[name]).input_formats = ISO_DATE
        self.fields["preferred_language"].required = False

    def clean_preferred_language(self) -> str:
        return self.cleaned_data["preferred_language"] or "en"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("care_team") is None and "care_team" not in self.errors:
            teams = list(cast(CareTeamByName, self.fields["care_team"]).teams()[:2])
            if len(teams) == 1:
                data["care_team"] = teams[0]
            else:
                self.add_error("care_team", _("Name the care team: you belong to several."))
        consented = data.get("program_consent")
        if consented and not data.get("consent_on") and "consent_on" not in self.errors:
            self.add_error("consent_on", _("Give the date the patient consented."))
        return data
