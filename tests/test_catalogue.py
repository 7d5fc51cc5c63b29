"""The Simplified Chinese catalogue is complete, compiled, and covers every string in the code."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

from osteorehab.core.catalogue import compile_catalogue, is_compiled, problems

ROOT = Path(django_settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the django domain


def test_catalogue_has_no_problems():
    assert problems(PO_PATH) == []


def test_compiled_catalogue_is_up_to_date():
    assert is_compiled(PO_PATH), "run: python -m osteorehab.core.catalogue compile"


def test_problems_finds_untranslated_fuzzy_and_changed_placeholders(tmp_path):
    po_path = tmp_path / "django.po"
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "猜"\n\n'
        '#, python-format\nmsgid "Hello, %(name)s"\nmsgstr "%(nmae)s 您好"\n\n'
        '#, python-format\nmsgid "%(counter)s patient"\nmsgid_plural "%(counter)s patients"\n'
        'msgstr[0] "共 %(count)s 位患者"\nmsgstr[1] "共 %(counter)s 位患者"\n\n'
        '#, python-format\nmsgid "Page %(number)s"\nmsgstr "第 %(number)s 页"\n',
        encoding="utf-8",
    )
    found = "\n".join(problems(po_path))
    assert "'Empty': untranslated" in found
    assert "'Guess': fuzzy" in found
    assert "'Hello, %(name)s'" in found
    assert "msgstr[0]" in found
    assert "2 plural forms, not 1" in found
    assert "Page" not in found
    assert not is_compiled(po_path)
    compile_catalogue(po_path)
    assert is_compiled(po_path)


def _copy_sources(source: Path, target: Path) -> None:
    """The files makemessages would read from the project root: no dot-directories (.venv,
    .git), no STATIC_ROOT, MEDIA_ROOT or runtime data (VAR_DIR, whose queue files come and go
    while other tests run), and not the real locale directory."""
    skipped = {
        Path(p).resolve()
        for p in (
            ROOT / "locale",
            django_settings.STATIC_ROOT,
            django_settings.MEDIA_ROOT,
            django_settings.VAR_DIR,
        )
        if p
    }

    def skip(path: Path) -> bool:
        if path.name.startswith(".") or path.resolve() in skipped:
            return True
        # not "is_file()": a file that vanished since the listing is skipped, not copied
        return not path.is_dir() and path.suffix not in SOURCE_SUFFIXES

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [name for name in names if skip(Path(directory, name))]

    shutil.copytree(source, target, ignore=ignore, symlinks=True)


def _snapshot(directory: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def test_every_translatable_string_is_in_the_catalogue(settings, tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is missing on CI; .ci/run should install it")
        pytest.skip("GNU gettext is not installed; .ci/run installs it")
    # makemessages scans the working directory and writes beside the first locale directory
    # above each file it reads, so it runs on a copy: the real locale/ is never touched.
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    _copy_sources(ROOT, tmp_path / "src")
    settings.LOCALE_PATHS = [locale]
    monkeypatch.chdir(tmp_path / "src")
    before = _snapshot(ROOT / "locale")

    call_command(
        "makemessages", locale=["zh_Hans"], no_obsolete=True, no_location=True, verbosity=0
    )

    assert _snapshot(ROOT / "locale") == before
    regenerated = polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert len(regenerated) > 0
    missing = [entry.msgid for entry in regenerated if not entry.translated()]
    assert missing == [], (
        f"{len(missing)} string(s) in the code lack a translation (run `make messages`, then "
        "translate them in locale/zh_Hans/LC_MESSAGES/django.po):\n" + "\n".join(missing)
    )


def test_pages_render_in_chinese():
    po = polib.pofile(str(PO_PATH))
    wanted = {entry.msgid: entry.msgstr for entry in po if not entry.msgid_plural}
    plural = po.find("%(counter)s patient")
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == wanted["Log in"] != "Log in"
        assert translation.gettext("My caseload") == wanted["My caseload"] != "My caseload"
        assert (
            translation.ngettext("%(counter)s patient", "%(counter)s patients", 3)
            == plural.msgstr_plural[0]
        )
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
