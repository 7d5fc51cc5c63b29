from django import template

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import ROLE_LABELS
from osteorehab.plans.exercises import Dose
from osteorehab.plans.handout import dose_words as words

register = template.Library()


@register.filter
def dose_words(dose: Dose) -> str:
    """A dose in plain words, in the user's language."""
    return words(dose)


@register.filter
def role_words(role: str) -> str:
    """A role in words, in the user's language."""
    return str(ROLE_LABELS[Role(role)])
