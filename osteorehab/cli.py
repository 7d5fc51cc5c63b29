"""`osteorehab`: the command line, for researchers and for checking scores.

    osteorehab score CODE [FILE|-]                  one JSON answer set -> the result as JSON
    osteorehab score CODE --csv IN.csv --out OUT.csv a whole data set, one row per respondent
    osteorehab instruments                           the instrument codes
    osteorehab docs                                  docs/instruments.md, from the definitions
    osteorehab prescribe PROFILE.json                the starting plan a profile would get
    osteorehab rules HISTORY.json                    the proposals a patient history would produce

Scoring, prescribing and the adjustment rules need no database and no Django: they are the same
pure code the web uses (the prescription and the rules read the built-in exercise library).
Bad input exits with status 2 and a message naming the field.
"""

import argparse
import csv
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import InputError, Instrument, Result, parse_cell
from osteorehab.assessments.instruments.docs import markdown
from osteorehab.plans.domain import facts_from_dict
from osteorehab.plans.domain import prescribe as plan_prescribe
from osteorehab.plans.library import EXERCISES
from osteorehab.rules.domain import evaluate
from osteorehab.rules.history import history_from_dict

BAD_INPUT = 2


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


def row_input(instrument: Instrument, row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the instrument's input: item columns by item key (empty = missing),
    other values by field name (empty = not given)."""
    item_keys = {item.key for item in instrument.items}
    named = {
        name: parse_cell(value)
        for name, value in row.items()
        if name and name not in item_keys and name != "id" and value and value.strip()
    }
    if not instrument.items:
        return named
    items = [
        parse_cell(row[item.key]) if (row.get(item.key) or "").strip() else None
        for item in instrument.items
    ]
    # a questionnaire may take named fields too (Berg's fall history)
    return {"items": items, **{k: v for k, v in named.items() if k in instrument.fields}}


def flat(result: Result) -> dict[str, Any]:
    """One CSV row of a result: nested figures as `bands.severity`, lists joined by ';'."""
    row: dict[str, Any] = {}
    for key, value in result.as_dict().items():
        if key in {"reasons", "version"}:
            continue
        if isinstance(value, Mapping):
            row.update({f"{key}.{name}": inner for name, inner in value.items()})
        elif isinstance(value, list | tuple):
            row[key] = ";".join(str(v) for v in value)
        else:
            row[key] = value
    return row


def score_csv(instrument: Instrument, source: Path, target: Path) -> tuple[int, int]:
    """Score every row; a bad row gets its error in the `error` column, never dropped.
    Returns (rows, rows with errors)."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    out: list[dict[str, Any]] = []
    errors = 0
    for number, row in enumerate(rows, start=2):  # line numbers as a spreadsheet shows them
        scored: dict[str, Any] = {"id": row.get("id", ""), "row": number}
        try:
            scored.update(flat(instrument.score(row_input(instrument, row))))
            scored["error"] = ""
        except InputError as error:
            scored.update(valid="", error=str(error))
            errors += 1
        out.append(scored)
    columns: list[str] = []
    for scored in out:
        columns += [key for key in scored if key not in columns]
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(out)
    return len(out), errors


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
    args = parser.parse_args(argv)

    try:
        if args.command == "docs":
            stdout.write(markdown(INSTRUMENTS.values(), EXAMPLES))
            return 0
        if args.command == "prescribe":
            try:
                facts = facts_from_dict(read_json(args.file, stdin))
            except ValueError as error:
                raise Usage(str(error)) from None
            plan = plan_prescribe(facts, EXERCISES)
            json.dump(plan.as_dict(EXERCISES), stdout, ensure_ascii=False, indent=2)
            print(file=stdout)
            return 0
        if args.command == "rules":
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
