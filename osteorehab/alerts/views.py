from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osteorehab.accounts.access import patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Role
from osteorehab.audit.services import note_access
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest

from .models import Alert
from .services import alert_acknowledge


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def alert_list(request: AuthedRequest) -> HttpResponse:
    """Open alerts of the patients this user cares for, urgent first."""
    require_role(request.user, *CLINICAL_ROLES, Role.LEAD)
    alerts = [
        alert
        for alert in Alert.objects.open()
        .filter(patient__in=visible_patients(request.user))
        .select_related("patient")
        # each alert names the roles that must act; a program lead oversees them all
        if request.user.role in alert.roles or request.user.role_enum is Role.LEAD
    ]
    note_access({a.patient_id for a in alerts}, view_name="alerts:list", listed=True)
    return render(request, "alerts/list.html", {"alerts": alerts})


@login_required
def acknowledge(request: AuthedRequest, patient_id: int, alert_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.EDIT)
    alert = get_object_or_404(patient.alerts.open(), pk=alert_id)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, lambda d: alert_acknowledge(alert=alert, by=request.user, **d)
    ):
        messages.success(request, _("Alert acknowledged."))
        return redirect("alerts:list")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "patient": patient,
            "title": alert.get_kind_display(),
            "submit": _("Acknowledge"),
        },
        status=400 if form.errors else 200,
    )
