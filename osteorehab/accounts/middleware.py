from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .domain import Role

# Pages a system administrator can reach before setting up two-factor login.
_OPEN_TO_UNVERIFIED = ("accounts:two-factor", "accounts:logout", "set-language")


def require_two_factor(get_response: Callable[[HttpRequest], HttpResponse]):
    """A system administrator works only after proving a TOTP code in this session."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user  # OTPMiddleware has added is_verified()
        if (
            user.is_authenticated
            and user.role == Role.ADMIN
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(("/static/",))
            and request.path not in {reverse(name) for name in _OPEN_TO_UNVERIFIED}
        ):
            return redirect("accounts:two-factor")
        return get_response(request)

    return middleware
