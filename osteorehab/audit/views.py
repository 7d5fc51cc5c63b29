from datetime import date, datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import require_role
from osteorehab.accounts.domain import Role
from osteorehab.core.forms import DateInput
from osteorehab.core.numbers import MAX_ID
from osteorehab.core.types import AuthedRequest

from .models import AuditAction, AuditEvent


class AuditSearchForm(forms.Form):
    patient = forms.IntegerField(
        label=_("Patient number"), required=False, min_value=1, max_value=MAX_ID
    )
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuditAction.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def _day_start(day: date, *, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    """The audit trail, for program leads (their organisation) and system administrators."""
    require_role(request.user, Role.LEAD, Role.ADMIN)
    events = AuditEvent.objects.all()
    if request.user.role_enum is Role.LEAD:
        events = events.of_organisation(request.user.organisation_id)
    form = AuditSearchForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["patient"]:
            events = events.filter(patient_id=data["patient"])
        if data["user"]:
            events = events.filter(username__iexact=data["user"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lte=_day_start(data["date_to"], end=True))
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page": page})
