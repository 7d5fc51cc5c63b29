from django import template

from osteorehab.accounts.domain import Part
from osteorehab.accounts.models import PART_LABELS
from osteorehab.patients.models import STATUS_LABELS

register = template.Library()


@register.filter
def episode_status(status: str | None) -> str:
    """The translated label of an episode status code."""
    return str(STATUS_LABELS.get(status or "", "—"))


@register.filter
def part_label(part: Part) -> str:
    return str(PART_LABELS[part])
