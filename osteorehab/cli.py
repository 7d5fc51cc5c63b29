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
import gc
import io
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import accumulate, chain
from pathlib import Path
from typing import Any, TextIO

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import (
    InputError,
    Instrument,
    Result,
    parse_cell,
    plain,
)

# The docs, the plans and the rules are imported by their own commands: the scoring of a data set
# starts without them.

BAD_INPUT = 2
NEEDS_QUOTES = re.compile(r'[,"\r\n]')


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


class Layout:
    """Where a data set's cells are, sorted out once per file: item columns by item key (empty =
    missing), other values by field name (empty = not given), and the respondent's id."""

    def __init__(self, instrument: Instrument, header: Sequence[str]) -> None:
        self.width = len(header)
        self.keys = [item.key for item in instrument.items]
        # a questionnaire may take named fields too (Berg's fall history)
        self.named = [
            name
            for name in dict.fromkeys(header)
            if name
            and name not in self.keys
            and name != "id"
            and (not self.keys or name in instrument.fields)
        ]
        # a repeated column name reads from its last column, as csv.DictReader does; an absent
        # column from the blank cell `answers` puts after the last
        where = {name: n for n, name in enumerate(header)}
        self.id_at = where.get("id", self.width)
        self.read = [where.get(name, self.width) for name in [*self.keys, *self.named]]
        self.cells = Cells()

    def answers(self, line: list[str]) -> tuple[str, ...]:
        """The row's cells the instrument reads, as written: a short row's last columns empty,
        a long row's extra cells ignored."""
        if len(line) < self.width:
            line.extend([""] * (self.width - len(line)))
        line[self.width :] = ("",)
        return tuple(map(line.__getitem__, self.read))

    def data(self, answers: tuple[str, ...]) -> dict[str, Any]:
        """The instrument's input from `answers`."""
        count = len(self.keys)
        cells = self.cells
        if not self.named:  # a questionnaire's usual data set: its items only
            return {"items": list(map(cells.__getitem__, answers))}
        named = zip(self.named, answers[count:], strict=True)
        given = {name: value for name, text in named if (value := cells[text]) is not None}
        if not self.keys:
            return given
        return {"items": list(map(cells.__getitem__, answers[:count])), **given}


class Cells(dict[str, Any]):
    """Each text's value, None when blank, parsed the first time it is seen (a data set repeats
    its answers)."""

    def __missing__(self, text: str) -> Any:
        value = self[text] = parse_cell(text) if text.strip() else None
        return value


def flat(result: Result) -> dict[str, Any]:
    """One CSV row of a result: as_dict without the version and the reasons, nested values as
    `bands.severity`, lists joined by ';'."""
    row = {
        "instrument": result.instrument,
        "valid": result.valid,
        "total": plain(result.total),
        "band": result.band,
        **nested("bands", result.bands),
        "flags": ";".join(result.flags),
        **nested("subscales", result.subscales),
    }
    for key, value in result.figures.items():
        if isinstance(value, list | tuple):
            row[key] = ";".join(map(str, value))
        elif isinstance(value, Mapping):
            row.update(nested(key, value))
        else:
            row[key] = value
    row["missing"] = ";".join(result.missing)
    row["prorated"] = result.prorated
    return row


def nested(key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{key}.{name}": value for name, value in values.items()}


@contextmanager
def uncollected() -> Iterator[None]:
    """The cycle collector paused: a data set keeps a row per respondent, none of them in a
    cycle, and collecting would only scan them again and again (a tenth of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def quoted(text: str) -> str:
    """A cell as csv.writer writes it (QUOTE_MINIMAL): in quotes, its quotes doubled, when it
    holds a comma, a quote or a line break."""
    if NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def score_csv(instrument: Instrument, source: Path, target: Path) -> tuple[int, int]:
    """Score every row; a bad row gets its error in the `error` column, never dropped.
    Returns (rows, rows with errors)."""
    with uncollected():  # its rows are gone before the collector is back
        return _score_csv(instrument, source, target)


def outcome(result: Result) -> tuple[Any, ...]:
    """What a CSV row shows of a result, as a key: results that show alike (a data set of
    100,000 answer sets has a few hundred) are made into cells once. Every field `flat` writes
    is in it, with its type where a value's text depends on it (True, 1 and 1.0 are equal keys;
    the total is written as `plain` writes it)."""
    return (
        result.valid,
        result.total,
        result.band,
        tuple(result.bands.items()),
        result.flags,
        typed(result.subscales),
        typed(result.figures),
        result.missing,
        result.prorated,
    )


def typed(values: Mapping[str, Any]) -> tuple[tuple[str, type, Any], ...]:
    return tuple((key, type(value), value) for key, value in values.items())


def _score_csv(instrument: Instrument, source: Path, target: Path) -> tuple[int, int]:
    # each distinct answer set scored once, and each distinct outcome made into cells once: a
    # data set repeats both. An answer set's outcome is its number in `shown`.
    outcomes: dict[tuple[Any, ...], int] = {}
    shown: list[tuple[Result | None, str]] = []  # result (None: an error) and error, by number
    scored: dict[tuple[str, ...], int] = {}
    rows: list[tuple[str, int, int]] = []  # id, line number, outcome
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        layout = Layout(instrument, next(reader, []))
        # as csv.DictReader reads it, blank lines skipped; numbered as a spreadsheet shows them
        for number, line in enumerate(reader, start=2):
            if not line:
                continue
            answers = layout.answers(line)
            done = scored.get(answers)
            if done is None:
                try:
                    result: Result | None = instrument.score(layout.data(answers))
                    error = ""
                except InputError as problem:
                    result, error = None, str(problem)
                key = (error,) if result is None else outcome(result)
                try:
                    done = outcomes.setdefault(key, len(outcomes))
                except TypeError:  # a figure that is a list: shown on its own
                    done = outcomes.setdefault((object(),), len(outcomes))
                if done == len(shown):
                    shown.append((result, error))
                scored[answers] = done
            rows.append((line[layout.id_at], number, done))
    cells = [{"valid": ""} if result is None else flat(result) for result, _ in shown]
    columns = list(dict.fromkeys(chain.from_iterable(cells)))
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["id", "row", *columns, "error"])
        # each outcome's cells written out once, in column order, empty where its result has no
        # value; each row is its id and line number before them
        lines = io.StringIO()
        writer = csv.writer(lines)
        ends = list(
            accumulate(
                writer.writerow([*(values.get(name, "") for name in columns), error])
                for values, (_, error) in zip(cells, shown, strict=True)
            )
        )
        text = lines.getvalue()
        written = [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]
        handle.writelines(f"{quoted(id_)},{number},{written[done]}" for id_, number, done in rows)
    errors = sum(1 for *_, done in rows if shown[done][0] is None)
    return len(rows), errors


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
