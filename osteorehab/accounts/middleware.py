import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from .domain import CLINICAL_ROLES, Role

# How often a session in use is written again to restart its idle timeout
# (SESSION_COOKIE_AGE): a session left alone ends between 59 and 60 minutes after its last
# request, and a request costs no session write when the last was under a minute ago.
SESSION_REFRESH_SECONDS = 60
_REFRESHED_AT = "_refreshed_at"

# Pages a user who must use two-factor login can reach before setting it up.
_OPEN_TO_UNVERIFIED = ("accounts:two-factor", "accounts:logout", "set-language")
# Staff who read patient records, asked for two-factor login when TWO_FACTOR_REQUIRED is on.
_TWO_FACTOR_ROLES = (*CLINICAL_ROLES, Role.LEAD)


def two_factor_required(user: Any) -> bool:
    """A system administrator always; clinicians and program leads when the TWO_FACTOR_REQUIRED
    setting is on (production's default; off for the DEBUG demo)."""
    role = getattr(user, "role", None)
    return role == Role.ADMIN or (settings.TWO_FACTOR_REQUIRED and role in _TWO_FACTOR_ROLES)


def require_two_factor(get_response: Callable[[HttpRequest], HttpResponse]):
    """A user who must use two-factor login works only after proving a TOTP code in this
    session: without an authenticator they are sent to set one up before anything else; with
    one (a session from before it was required) they log in again, the code included."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user  # OTPMiddleware has added is_verified()
        if (
            user.is_authenticated
            and two_factor_required(user)
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(("/static/",))
            and request.path not in {reverse(name) for name in _OPEN_TO_UNVERIFIED}
        ):
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                logout(request)
                return redirect_to_login(request.get_full_path())
            return redirect("accounts:two-factor")
        return get_response(request)

    return middleware


def session_keep_alive(get_response: Callable[[HttpRequest], HttpResponse]):
    """Restart the idle timeout of the session a request used, at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST restarts it exactly, with a row update and its
    transaction on every request; a minute's slack keeps the timeout and drops almost all of
    the writes. It must come after the SessionMiddleware, which saves what it marks.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = request.session
        if (
            session.accessed
            and not session.is_empty()
            and int(time.time()) - session.get(_REFRESHED_AT, 0) >= SESSION_REFRESH_SECONDS
        ):
            session_refreshed(session)
        return response

    return middleware


def session_refreshed(session: Any) -> None:
    """Note that the session is written now (a login writes it too: see the signals)."""
    session[_REFRESHED_AT] = int(time.time())
