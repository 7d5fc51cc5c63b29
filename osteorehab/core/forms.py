from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as YYYY-MM-DD in every language."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def run_service(form: forms.BaseForm, service: Callable[[dict[str, Any]], Any]) -> Any:
    """Validate the form, then call the service with its cleaned data.

    A ValidationError from the service becomes an error on the field it names (or on the form),
    so the user sees it beside what they typed. Returns the service's result, or None.
    """
    if not form.is_valid():
        return None
    try:
        return service(form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
        else:
            form.add_error(None, error)
        return None
