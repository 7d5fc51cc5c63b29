"""`osteorehab`: the command line, for researchers and for checking scores.

    osteorehab score CODE [FILE|-]                  one JSON answer set -> the result as JSON
    osteorehab score CODE --csv IN.csv --out OUT.csv a whole data set, one row per respondent
    osteorehab instruments                           the instrument codes
    osteorehab docs                                  docs/instruments.md, from the definitions
    osteorehab prescribe PROFILE.json                the starting plan a profile would get
    osteorehab rules HISTORY.json                    the proposals a patient history would produce
    osteorehab backup FILE                           the whole database into FILE
    osteorehab restore FILE [--force]                the database replaced by the backup in FILE
    osteorehab checksums                             each table's rows and SHA-256, to compare
    osteorehab audit verify|seal                     check the audit trail (status 1: broken), or
                                                     seal its newest rows now

Scoring, prescribing and the adjustment rules need no database and no Django: they are the same
pure code the web uses (the prescription and the rules read the built-in exercise library).
Only backup, restore, checksums and audit load Django, with the server's environment
(DATABASE_URL, SECRET_KEY; docs/operations.md). Bad input exits with status 2 and a message
naming the field.
"""

import argparse
import csv
import functools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import InputError, Instrument, Result, parse_cell

# The docs, the plans and the rules are imported by their own commands: the scoring of a data set
# starts without them.

BAD_INPUT = 2
# the values a CSV cell holds as they are (by exact type; a subclass is looked at further)
SCALARS = {type(None), bool, int, float, str}


class Usage(Exception):
    """A mistake in how the command was called or in its input file."""


def instrument_for(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise Usage(
            f"unknown instrument {code!r}; known: {' '.join(sorted(INSTRUMENTS))}"
        ) from None


def read_json(source: str, stdin: TextIO) -> Mapping[str, Any]:
    text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Usage(f"{source}: not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise Usage(f"{source}: expected a JSON object")
    return data


def row_reader(
    instrument: Instrument, columns: Sequence[str]
) -> Callable[[Mapping[str, str]], dict[str, Any]]:
    """How a CSV row becomes the instrument's input: item columns by item key (empty = missing),
    other values by field name (empty = not given). The columns are sorted out once per file."""
    keys = [item.key for item in instrument.items]
    # a questionnaire may take named fields too (Berg's fall history)
    named = [
        name
        for name in dict.fromkeys(columns)
        if name and name not in keys and name != "id" and (not keys or name in instrument.fields)
    ]

    @functools.lru_cache(maxsize=4096)
    def cell(text: str) -> Any:
        """A cell's value, None when blank; a text seen lately is not parsed again (a data set
        repeats its answers)."""
        return parse_cell(text) if text.strip() else None

    def row_input(row: Mapping[str, str]) -> dict[str, Any]:
        given = {name: value for name in named if (value := cell(row.get(name) or "")) is not None}
        if not keys:
            return given
        return {"items": [cell(row.get(key) or "") for key in keys], **given}

    return row_input


def flat(result: Result) -> dict[str, Any]:
    """One CSV row of a result: nested figures as `bands.severity`, lists joined by ';'."""
    cells = result.as_dict()
    del cells["version"], cells["reasons"]
    row: dict[str, Any] = {}
    for key, value in cells.items():
        if type(value) in SCALARS:  # the cheap check first: a data set has 100,000 results
            row[key] = value
        elif isinstance(value, list | tuple):
            row[key] = ";".join(map(str, value))
        elif isinstance(value, dict | Mapping):
            for name, inner in value.items():
                row[f"{key}.{name}"] = inner
        else:
            row[key] = value
    return row


def score_csv(instrument: Instrument, source: Path, target: Path) -> tuple[int, int]:
    """Score every row; a bad row gets its error in the `error` column, never dropped.
    Returns (rows, rows with errors)."""
    out: list[dict[str, Any]] = []
    errors = 0
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        row_input = row_reader(instrument, header)
        # as csv.DictReader reads it: blank lines skipped, a short row's last columns empty, a
        # long row's extra cells ignored; line numbers as a spreadsheet shows them
        for number, line in enumerate(filter(None, reader), start=2):
            row = dict(zip(header, line, strict=False))
            try:
                cells, error = flat(instrument.score(row_input(row))), ""
            except InputError as problem:
                cells, error = {"valid": ""}, str(problem)
                errors += 1
            out.append({"id": row.get("id", ""), "row": number, **cells, "error": error})
    columns = dict.fromkeys(chain.from_iterable(out), "")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        # each row's cells in column order, empty where the row has no value
        writer.writerows({**columns, **scored}.values() for scored in out)
    return len(out), errors


DATABASE_COMMANDS = ("backup", "restore", "checksums", "audit")


def database(args: argparse.Namespace, stdout: TextIO) -> int:
    """backup, restore and checksums: Django set up here only, with the server's settings."""
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        raise Usage(f"the settings are incomplete: {error}") from None
    if args.command == "audit":
        return audit(args.action, stdout)
    from osteorehab.core import backup

    try:
        if args.command == "backup":
            print(f"Backed up {backup.backup(args.file)} to {args.file}", file=stdout)
        elif args.command == "restore":
            summary = backup.restore(args.file, force=args.force)
            print(f"Restored {summary} from {args.file}", file=stdout)
        else:
            for table, (rows, digest) in backup.table_checksums().items():
                print(f"{table}\t{rows}\t{digest}", file=stdout)
    except backup.BackupError as error:
        raise Usage(str(error)) from None
    return 0


def audit(action: str, stdout: TextIO) -> int:
    """`manage.py audit_verify` or `audit_seal` (Django set up by `database`): status 1 and the
    first broken row named when the trail was changed behind the application's back."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(f"audit_{action}", stdout=stdout)
    except CommandError as error:
        print(f"osteorehab: {error}", file=sys.stderr)
        return 1
    return 0


def main(
    argv: Sequence[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    parser = argparse.ArgumentParser(prog="osteorehab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score one answer set or a CSV data set")
    score.add_argument("code", help="instrument code, e.g. phq9")
    score.add_argument("file", nargs="?", default="-", help="JSON answer set (default: stdin)")
    score.add_argument("--csv", type=Path, help="score every row of this CSV file")
    score.add_argument("--out", type=Path, help="where to write the scored CSV")
    commands.add_parser("instruments", help="list the instrument codes")
    commands.add_parser("docs", help="print docs/instruments.md")
    prescribe = commands.add_parser("prescribe", help="the starting plan for a profile")
    prescribe.add_argument("file", nargs="?", default="-", help="profile JSON (default: stdin)")
    rules = commands.add_parser("rules", help="the proposals a patient history would produce")
    rules.add_argument("file", nargs="?", default="-", help="history JSON (default: stdin)")
    backup = commands.add_parser("backup", help="back the whole database up into FILE")
    backup.add_argument("file", type=Path, help="the backup file to write (replaced if present)")
    restore = commands.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file", type=Path, help="a file written by osteorehab backup")
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    commands.add_parser("checksums", help="each table's row count and SHA-256, in key order")
    audit_parser = commands.add_parser("audit", help="check or seal the audit trail's hash chain")
    audit_parser.add_argument("action", choices=["verify", "seal"])
    args = parser.parse_args(argv)

    try:
        if args.command in DATABASE_COMMANDS:
            return database(args, stdout)
        if args.command == "docs":
            from osteorehab.assessments.instruments.docs import markdown

            stdout.write(markdown(INSTRUMENTS.values(), EXAMPLES))
            return 0
        if args.command == "prescribe":
            from osteorehab.plans.domain import facts_from_dict
            from osteorehab.plans.domain import prescribe as plan_prescribe
            from osteorehab.plans.library import EXERCISES

            try:
                facts = facts_from_dict(read_json(args.file, stdin))
            except ValueError as error:
                raise Usage(str(error)) from None
            plan = plan_prescribe(facts, EXERCISES)
            json.dump(plan.as_dict(EXERCISES), stdout, ensure_ascii=False, indent=2)
            print(file=stdout)
            return 0
        if args.command == "rules":
            from osteorehab.plans.library import EXERCISES
            from osteorehab.rules.domain import evaluate
            from osteorehab.rules.history import history_from_dict

            try:
                history, today = history_from_dict(read_json(args.file, stdin))
            except ValueError as error:
                raise Usage(str(error)) from None
            firings = evaluate(history, today, EXERCISES)
            proposals = [firing.as_dict(EXERCISES) for firing in firings]
            json.dump(
                {"today": today.isoformat(), "proposals": proposals},
                stdout,
                ensure_ascii=False,
                indent=2,
            )
            print(file=stdout)
            return 0
        if args.command == "instruments":
            for code, instrument in sorted(INSTRUMENTS.items()):
                print(f"{code}\t{instrument.name}", file=stdout)
            return 0
        instrument = instrument_for(args.code)
        if args.csv:
            if not args.out:
                raise Usage("--csv needs --out for the scored file")
            rows, errors = score_csv(instrument, args.csv, args.out)
            print(
                f"{rows} rows scored, {errors} with errors (see the error column)", file=sys.stderr
            )
            return BAD_INPUT if errors else 0
        result = instrument.score(read_json(args.file, stdin))
        json.dump(result.as_dict(), stdout, ensure_ascii=False, indent=2)
        print(file=stdout)
        return 0
    except (Usage, InputError, OSError) as error:
        print(f"osteorehab: {error}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
