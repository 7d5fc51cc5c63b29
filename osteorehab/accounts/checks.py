"""`manage.py check --deploy` warns when clinicians and program leads may log in with a password
alone: a deployment that turned two-factor login off says so on every check."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def two_factor_login_required(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.TWO_FACTOR_REQUIRED:
        return []
    return [
        CheckWarning(
            "Clinicians and program leads log in without two-factor login "
            "(TWO_FACTOR_REQUIRED is off).",
            hint="Leave TWO_FACTOR_REQUIRED unset, or set it to 1.",
            id="osteorehab.W001",
        )
    ]
