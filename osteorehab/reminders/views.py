from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from osteorehab.accounts.access import require_role
from osteorehab.accounts.domain import Role
from osteorehab.core.forms import run_service
from osteorehab.core.numbers import id_from
from osteorehab.core.types import AuthedRequest

from . import services
from .forms import ReminderPreferenceForm, preference_fields
from .models import Notification

# How many notifications the page lists: the latest; older ones matter no more.
NOTIFICATIONS_SHOWN = 50


def _reminded(request: AuthedRequest) -> None:
    require_role(request.user, *services.REMINDED_ROLES)


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    """The patient's (or caregiver's) choice of reminders: how, when not, how many a day."""
    _reminded(request)
    preference = services.preference_of(request.user)
    own_patient = (
        getattr(request.user, "patient", None) if request.user.role == Role.PATIENT else None
    )
    form = ReminderPreferenceForm(
        request.POST or None,
        initial={
            "channels": [channel.value for channel in preference.to_domain().channels],
            "phone": preference.phone or (own_patient.phone if own_patient else ""),
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
            "max_per_day": preference.max_per_day,
        },
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.reminder_preference_save(user=request.user, **preference_fields(d)),
        )
        if saved:
            messages.success(request, _("Your reminder choices are saved."))
            return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "title": _("My reminders"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """The reminders shown in the app, newest first, the unread ones marked."""
    _reminded(request)
    shown = Notification.objects.filter(user=request.user)[:NOTIFICATIONS_SHOWN]
    return render(request, "reminders/notifications.html", {"notifications": shown})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    """Mark the user's notification named in the form read (with `open`, go on to the page it
    is about), or all of them when the form names none. The id travels in the form, not the
    address: a notification is the user's own, never reached through another's."""
    _reminded(request)
    named = request.POST.get("notification", "")
    if not named:
        services.notifications_mark_read(user=request.user)
        return redirect("reminders:notifications")
    notification_id = id_from(named)
    if notification_id is None:
        raise Http404
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    services.notifications_mark_read(user=request.user, notification_id=notification.pk)
    if "open" in request.POST and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("reminders:notifications")
