from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import record_reads, request_begin, request_end


def audit_reads(get_response: Callable[[HttpRequest], HttpResponse]):
    """Write one read event for each patient a request reached and did not write to."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = request_begin(request.META.get("REMOTE_ADDR"))
        try:
            response = get_response(request)
        finally:
            audit = request_end(token)
        # Access was granted for every patient noted, so a refused form (400) shown again
        # with the patient's data is a read as well.
        if audit and audit.read:
            record_reads(audit, request.user)
        return response

    return middleware
