"""Who a request to the FHIR endpoints or the JSON API acts as: the service user of a bearer
token (`Authorization: Bearer <key>`), or the user logged in to the session.

The user found then goes through the same access helpers as on the web pages
(`osteorehab.accounts.access`): a token reaches exactly what its user reaches. `authenticate`
is written for any endpoint, e.g. as a django-ninja `auth=` callable.
"""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from .domain import CLINICAL_ROLES, Role
from .models import ApiToken, User

# The roles a token may act as. Not a system administrator: they work only after two-factor
# login, which a key would bypass, and reach no patient records anyway. Not patients or
# caregivers: tokens are for integrations of the organisation.
API_ROLES = (*CLINICAL_ROLES, Role.LEAD)
KEY_PREFIX = "osr_"
SHOWN_CHARS = 12  # how much of the key a list shows ("osr_" and 8 characters)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    # A plain hash suffices (unlike the caregivers' 8-character joining codes): a key carries
    # 256 random bits, which no one finds from its hash.
    return hashlib.sha256(key.encode()).hexdigest()


def bearer_key(request: HttpRequest) -> str | None:
    """The key of an `Authorization: Bearer <key>` header; "" for a malformed one; None when
    the request carries no Authorization header at all."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, key = header.strip().partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def token_user(key: str, *, now: datetime) -> User | None:
    """The active service user a key acts as, if the key is known, not revoked and not expired;
    when it was last used is kept for the administrators' list."""
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = token.user
    if not user.is_active or user.role not in API_ROLES:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> Any:
        return reason


def _csrf_refused(request: HttpRequest) -> bool:
    def get_response(request: HttpRequest) -> HttpResponse:
        raise AssertionError("never called")  # only the checks run

    check = _CsrfCheck(get_response)
    check.process_request(request)
    return check.process_view(request, get_response, (), {}) is not None


def authenticate(request: HttpRequest) -> User | None:
    """The user the request acts as, or None.

    A request with an Authorization header is judged by its token alone: a wrong, expired or
    revoked key is refused even when a session is open. Without one, the session's user; a
    session request that writes must carry the CSRF token like a form (PermissionDenied
    otherwise), since the endpoints that call this are exempt from the CSRF middleware for
    the sake of token clients, which send no cookies. The token's user is set on the request,
    so that the audit trail records reads under their name."""
    key = bearer_key(request)
    if key is not None:
        user = token_user(key, now=timezone.now()) if key else None
        if user is not None:
            request.user = user
        return user
    session_user: Any = request.user
    if not session_user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and _csrf_refused(request):
        raise PermissionDenied("CSRF")
    return session_user
