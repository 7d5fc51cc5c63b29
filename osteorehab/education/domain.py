"""How a lesson's text is laid out, and which language's words to show. Pure Python, no
Django: the lessons' content and the clinical facts in it live in `osteorehab.plans.education`
and `osteorehab.plans.nutrition`; this module only shapes them for a page."""

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Block:
    """A paragraph, or a bulleted list (the lines of the source that start with "- ")."""

    kind: Literal["paragraph", "list"]
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """A section's text as paragraphs and lists: paragraphs are separated by a blank line, and
    list lines start with "- " (the format of `osteorehab.plans.education.Section`). A list may
    follow a sentence in the same paragraph; each keeps its kind."""
    found: list[Block] = []
    for chunk in text.split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        run: list[str] = []
        kind: Literal["paragraph", "list"] | None = None
        for line in lines:
            line_kind: Literal["paragraph", "list"] = (
                "list" if line.startswith("- ") else "paragraph"
            )
            if kind is not None and line_kind != kind:
                found.append(Block(kind, tuple(run)))
                run = []
            kind = line_kind
            run.append(line[2:] if line_kind == "list" else line)
        if kind is not None:
            found.append(Block(kind, (" ".join(run),) if kind == "paragraph" else tuple(run)))
    return found


def is_chinese(language: str | None) -> bool:
    """The content is written in English and Simplified Chinese; any Chinese variant reads the
    Chinese text, everything else the English."""
    return bool(language) and str(language).lower().startswith("zh")


def local(item: Any, name: str, language: str | None) -> str:
    """`item.<name>_zh` for a Chinese reader, else `item.<name>_en` (the Chinese text falls back
    to the English one where it is empty)."""
    english = str(getattr(item, f"{name}_en"))
    if is_chinese(language):
        return str(getattr(item, f"{name}_zh")) or english
    return english
