from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from osteorehab.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request a logged-in view receives (for the type checker)."""

    user: User
    htmx: HtmxDetails
