"""Check and compile the translation catalogues with polib, so installing needs no GNU gettext.

    python -m osteorehab.core.catalogue compile   # every locale/*/LC_MESSAGES/django.po -> .mo
    python -m osteorehab.core.catalogue check     # list the problems; exit 1 if there are any

The compiled .mo files are committed; `make messages` (which needs GNU gettext for
makemessages) extracts the strings and then runs `compile`.
"""

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import polib

ROOT = Path(__file__).resolve().parents[2]

# A %-format conversion as Python reads it: %(name)s, %s, %5.2f, %% ...
_PERCENT = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
# A str.format field: {name}, {0}, {} (doubled braces are literal text).
_BRACE = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


def catalogues(root: Path = ROOT) -> list[Path]:
    """The project's django.po files."""
    return sorted(root.glob("locale/*/LC_MESSAGES/django.po"))


def placeholders(text: str, flags: list[str]) -> Counter[str]:
    """The format placeholders in `text`, for an entry flagged python-format or -brace-format."""
    found: list[str] = []
    if "python-format" in flags:
        found += _PERCENT.findall(text)
    if "python-brace-format" in flags:
        found += [m for m in _BRACE.findall(text) if m not in ("{{", "}}")]
    return Counter(found)


def _nplurals(po: Any) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def problems(po_path: Path | str) -> list[str]:
    """What keeps the catalogue from being complete and safe to render, one line per entry."""
    po = polib.pofile(str(po_path))
    found: list[str] = []
    if po.metadata_is_fuzzy:
        found.append("header: fuzzy")
    nplurals = _nplurals(po)
    for entry in po:
        if entry.obsolete:
            continue
        name = repr(entry.msgid) + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
        if entry.fuzzy:
            found.append(f"{name}: fuzzy")
        if not entry.translated() and not entry.fuzzy:
            found.append(f"{name}: untranslated")
        if entry.msgid_plural:
            if nplurals is not None and len(entry.msgstr_plural) != nplurals:
                found.append(f"{name}: {len(entry.msgstr_plural)} plural forms, not {nplurals}")
            # In each form: the placeholders of the singular or of the plural msgid.
            wanted = [placeholders(t, entry.flags) for t in (entry.msgid, entry.msgid_plural)]
            translations = dict(entry.msgstr_plural)
        else:
            wanted = [placeholders(entry.msgid, entry.flags)]
            translations = {None: entry.msgstr}
        for index, text in translations.items():
            has = placeholders(text, entry.flags)
            if text and has not in wanted:
                form = "" if index is None else f" msgstr[{index}]"
                found.append(
                    f"{name}{form}: placeholders {sorted(has.elements())} "
                    f"differ from {sorted(wanted[-1].elements())}"
                )
    return found


def _catalogue(parsed: Any) -> tuple[dict[str, str], dict[tuple[str, str, str], Any]]:
    # The header without its dates (GNU msgfmt drops POT-Creation-Date), and the messages.
    header = {k: v for k, v in parsed.metadata.items() if not k.endswith("-Date")}
    entries = {
        (e.msgctxt or "", e.msgid, e.msgid_plural or ""): (
            e.msgstr,
            sorted(e.msgstr_plural.items()),
        )
        for e in parsed
    }
    return header, entries


def is_compiled(po_path: Path | str) -> bool:
    """Whether the .mo beside the .po holds what compiling the .po gives (parsed, not bytes)."""
    mo_path = Path(po_path).with_suffix(".mo")
    if not mo_path.is_file():
        return False
    expected = polib.mofile(polib.pofile(str(po_path)).to_binary())
    return _catalogue(polib.mofile(str(mo_path))) == _catalogue(expected)


def compile_catalogue(po_path: Path | str) -> Path:
    mo_path = Path(po_path).with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command not in ("compile", "check"):
        print("usage: python -m osteorehab.core.catalogue compile|check", file=sys.stderr)
        return 2
    failed = False
    for po_path in catalogues():
        found = problems(po_path)
        failed = failed or bool(found)
        for problem in found:
            print(f"{po_path.relative_to(ROOT)}: {problem}", file=sys.stderr)
        if command == "compile":
            print(f"compiled {compile_catalogue(po_path).relative_to(ROOT)}")
    return 1 if failed and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
