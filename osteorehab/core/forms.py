import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class KeyedForm(forms.Form):
    """A form with its submission key, made once when the form is first shown (and kept when
    it is shown again with errors): the same submission sent twice is stored once
    (`osteorehab.core.idempotency`). Where the key came later than the form, a page shown
    before it (no key) is still accepted, only not deduplicated: `key_required = False`."""

    key_required = True
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_key"].required = self.key_required
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())


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
