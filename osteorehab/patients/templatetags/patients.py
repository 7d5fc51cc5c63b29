from django import template

from osteorehab.accounts.domain import Part
from osteorehab.accounts.models import PART_LABELS
from osteorehab.patients.models import Episode

register = template.Library()


@register.filter
def episode_status(status: str | None) -> str:
    """The translated label of an episode status code."""
    return str(dict(Episode._meta.get_field("status").choices or []).get(status, "—"))


@register.filter
def part_label(part: Part) -> str:
    return str(PART_LABELS[part])
