import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.i18n import set_language
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import two_factor_required
from .models import User
from .tasks import send_email

_PENDING = "two_factor_pending_user"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return str(reverse_lazy("core:home"))


def _welcome(request: HttpRequest, user: User) -> HttpResponse:
    """After login, in the user's own language."""
    response = redirect(_next_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.preferred_language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    """Password first; users with a TOTP device then prove a code on a second page."""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if any(devices_for_user(user, confirmed=True)):
            request.session[_PENDING] = user.pk
            return redirect(f"{reverse_lazy('accounts:verify')}?next={_next_url(request)}")
        login(request, user)
        return _welcome(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_PENDING)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        return render(request, "accounts/locked_out.html", status=429)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            del request.session[_PENDING]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return _welcome(request, user)
        # a wrong code counts towards the lockout like a wrong password
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try again.")
        )
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up a TOTP authenticator: show the key as a QR code, confirm it with one code."""
    user: User = request.user  # type: ignore[assignment]
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if confirmed:
        return render(request, "accounts/two_factor.html", {"confirmed": True})
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor login is on."))
            return redirect("core:home")
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try again.")
        )
    key = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "key": key,
            "required": two_factor_required(user),
        },
    )


def language(request: HttpRequest) -> HttpResponse:
    """Switch the language, and remember it for the user's next login."""
    code = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and code in {"en", "zh-hans"}:
        User.objects.filter(pk=request.user.pk).update(preferred_language=code)
    return set_language(request)


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail from the job queue, so the reply takes the same time whether or
    not the address belongs to an account."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(subject, body, to_email)


password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="accounts/password_reset.html",
    subject_template_name="accounts/password_reset_subject.txt",
    email_template_name="accounts/password_reset_email.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="core/form_page.html",
    success_url=reverse_lazy("accounts:password-reset-done"),
    extra_context={"title": gettext_lazy("Choose a new password"), "submit": gettext_lazy("Save")},
)
password_reset_done = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_done.html"
)
logout_view = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="core/form_page.html",
    success_url=reverse_lazy("accounts:password-changed"),
    extra_context={"title": gettext_lazy("Change your password"), "submit": gettext_lazy("Save")},
)
password_changed = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_changed.html"
)
