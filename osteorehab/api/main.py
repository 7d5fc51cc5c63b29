"""The JSON API under /api/ (django-ninja): who a request acts as, how refusals are answered,
pagination, and the URL patterns, each patient's behind the same access helper as the web
pages. OpenAPI at /api/openapi.json, its documentation page at /api/docs (django-ninja's Swagger
UI, its script and styles served from our own static files: no inline script, no CDN).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PageNumberPagination
from ninja.security.base import AuthBase

from osteorehab.accounts.access import patient_for, visible_patients
from osteorehab.accounts.models import User
from osteorehab.accounts.tokens import authenticate
from osteorehab.audit.services import note_access
from osteorehab.patients.models import Patient

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A page number past this is refused (422): a larger one would skip past the database's integer
# range (SQLite and PostgreSQL OFFSET are 64-bit) and fail instead of finding nothing.
MAX_PAGE = 1_000_000


def api_user(request: HttpRequest) -> User | None:
    """The user the request acts as (`accounts.tokens.authenticate`: a bearer token, or the
    session with its CSRF token for writes), found once per request although both the patient
    gate and django-ninja ask."""
    if not hasattr(request, "api_user"):
        request.api_user = authenticate(request)  # type: ignore[attr-defined]
    return request.api_user  # type: ignore[attr-defined]


class TokenOrSession(AuthBase):
    """`Authorization: Bearer <key>` (an API token: `manage.py api_token create`), or the web
    session; described in the OpenAPI schema as a bearer token."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    # The docs page then gives its "Try it out" requests the CSRF token, for the session.
    csrf = True

    def __call__(self, request: HttpRequest) -> User | None:
        return api_user(request)


api = NinjaAPI(
    title="OsteoRehab API",
    version="1",
    description=(
        "Patients, assessments, plans, the rehabilitation log and the adjustment rules' "
        "proposals, with the same access rules as the web pages; and the patient import. "
        "Words (bands, reasons) are in the language of the Accept-Language header."
    ),
    auth=TokenOrSession(),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),  # no call to swagger.io's validator
)


# ---- Refusals, as JSON in the reader's language ----


def _refused(request: HttpRequest, status: int, detail: Any, **headers: str) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: Exception) -> HttpResponse:
    return _refused(
        request,
        401,
        gettext("Send an API token (Authorization: Bearer <key>) or log in."),
        **{"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _unreadable(request: HttpRequest, error: HttpError) -> HttpResponse:
    """django-ninja's own refusals: a body it cannot parse as JSON (400) said in the reader's
    language, any other as django-ninja words it."""
    if error.status_code == 400:
        return _refused(request, 400, gettext("The request body cannot be read as JSON."))
    return _refused(request, error.status_code, str(error))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return _refused(request, 404, gettext("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: Exception) -> HttpResponse:
    return _refused(request, 403, gettext("You may not do this."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service's refusal, shaped like django-ninja's own 422: each message with the field it
    is about (a form's or an instrument's field, or the whole body)."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return _refused(
        request,
        422,
        [
            {
                "type": "refused",
                "loc": ["body"] if field in ("", NON_FIELD_ERRORS) else ["body", field],
                "msg": message,
            }
            for field, messages in fields.items()
            for message in messages
        ],
    )


# ---- Pagination ----


class Page(PageNumberPagination):
    """?page=… and ?page_size=… (at most MAX_PAGE_SIZE). The patients of the rows on the page
    are noted for the audit trail as listed (a patient's own lists were noted as read by the
    access helper already)."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        rows = list(page[self.items_attribute])
        ids = [
            row.pk if isinstance(row, Patient) else getattr(row, "patient_id", None) for row in rows
        ]
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        note_access([i for i in ids if i is not None], view_name=view_name, listed=True)
        return {**page, self.items_attribute: rows}


# ---- URL patterns ----


def _patient_gate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Before django-ninja looks at the method or the body: without credentials the answer is
    401, and a patient the user does not reach is not found (the attempt audited), whatever is
    asked (as on the web pages, whose first line is the access helper). What the user may do
    with a patient they reach is decided by each endpoint."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            user = api_user(request)
            if user is None:
                raise AuthenticationError
            patient_id = kwargs["patient_id"]
            if not visible_patients(user).filter(pk=patient_id).exists():
                patient_for(request, patient_id)  # type: ignore[arg-type]  # raises 404, audited
        except (AuthenticationError, Http404, PermissionDenied) as refusal:
            return api.on_exception(request, refusal)
        return view(request, *args, **kwargs)

    return gated


@csrf_exempt  # it writes nothing, and token clients send no CSRF cookie
def _no_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under /api/ (a patient id that is not a number, an unknown name): not
    found, answered in JSON as everything under /api/ is, not with the web's HTML page."""
    return _refused(request, 404, gettext("Not found."))


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns for `path("api/", …)`, the catch-all last."""
    # imported here: the endpoints register themselves on `api`, which they import
    from . import endpoints  # noqa: F401

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and "patient_id" in pattern.pattern.regex.groupindex:
            pattern.callback = _patient_gate(pattern.callback)
    return [*patterns, re_path(r"^(?P<rest>.*)$", _no_endpoint)], app_name, namespace
