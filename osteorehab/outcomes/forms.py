from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.models import CareTeam, Site
from osteorehab.core.forms import DateInput
from osteorehab.patients.models import STATUS_LABELS

from .cohort import Filters


class CohortFilterForm(forms.Form):
    """The dashboard's filters (a GET form): the organisation's sites and care teams only."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, label=_("Clinic site")
    )
    team = forms.ModelChoiceField(
        queryset=CareTeam.objects.none(), required=False, label=_("Care team")
    )
    enrolled_from = forms.DateField(required=False, label=_("Enrolled from"), widget=DateInput())
    enrolled_to = forms.DateField(required=False, label=_("Enrolled to"), widget=DateInput())
    status = forms.ChoiceField(required=False, label=_("Program status"))

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = cast(forms.ModelChoiceField, self.fields["site"])
        team = cast(forms.ModelChoiceField, self.fields["team"])
        site.queryset = Site.objects.filter(organisation_id=organisation_id).order_by("name")
        site.empty_label = _("Any")
        team.queryset = CareTeam.objects.filter(site__organisation_id=organisation_id).order_by(
            "name"
        )
        team.empty_label = _("Any")
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [("", _("Any")), *STATUS_LABELS.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("enrolled_from"), data.get("enrolled_to")
        if start and end and end < start:
            self.add_error("enrolled_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        """The filters chosen (call on a valid form)."""
        data = self.cleaned_data
        return Filters(
            site=data["site"].pk if data.get("site") else None,
            team=data["team"].pk if data.get("team") else None,
            enrolled_from=data.get("enrolled_from"),
            enrolled_to=data.get("enrolled_to"),
            status=data.get("status") or None,
        )
