from typing import Any

from django import template
from django.utils.translation import get_language

from osteorehab.education.domain import Block, blocks, local
from osteorehab.plans.education import MODULES_BY_CODE

register = template.Library()


@register.filter
def words(item: Any, name: str) -> str:
    """A lesson's, question's, option's or food's text in the reader's language:
    `{{ section|words:"heading" }}` reads `heading_zh` for a Chinese reader, else `heading_en`."""
    return local(item, name, get_language())


@register.filter
def text_blocks(item: Any, name: str = "text") -> list[Block]:
    """A section's text, in the reader's language, as paragraphs and lists."""
    return blocks(local(item, name, get_language()))


@register.filter
def lesson_title(code: str) -> str:
    """A lesson's title in the reader's language, from its code."""
    module = MODULES_BY_CODE.get(code)
    return local(module, "title", get_language()) if module else code
