"""`docs/instruments.md`, written from the instruments' own data, so it cannot drift from the
code (a test compares the committed file with this output; `osteorehab docs` rewrites it)."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .base import Banding, Instrument, Source


def _source(source: Source) -> str:
    flag = " — **unverified**" if source.unverified else ""
    return f"{source.citation} (clinical-reference {source.section}){flag}"


def _banding(banding: Banding) -> list[str]:
    lines = [
        f"Banding **{banding.name}** — {_source(banding.source)}",
        "",
        "| band | when | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{band.code}` | {band.describe()} | {band.label} |" for band in banding.bands]
    return [*lines, ""]


def _inputs(instrument: Instrument) -> list[str]:
    if instrument.items:
        lines = [
            '`{"items": [...]}` in this order, `null` for an unanswered item:',
            "",
            "| item | label | answers | keying |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{item.key}` | {item.label} | {', '.join(str(o) for o in item.options)} | "
            f"{'reverse' if item.reverse else ''} |"
            for item in instrument.items
        ]
        return [*lines, ""]
    lines = ["Named fields:", "", "| field | unit or values |", "|---|---|"]
    lines += [f"| `{name}` | {unit} |" for name, unit in instrument.fields.items()]
    return [*lines, ""]


def section(instrument: Instrument, example: Mapping[str, Any] | None) -> str:
    lines = [
        f"## `{instrument.code}` — {instrument.name}",
        "",
        f"Version: {instrument.version}. Licence: {instrument.licence.value}. "
        f"Source: {_source(instrument.source)}.",
        "",
        "### Input",
        "",
        *_inputs(instrument),
    ]
    if instrument.range:
        lines += [f"Total range: {instrument.range[0]:g} to {instrument.range[1]:g}.", ""]
    rule = instrument.missing_rule
    if instrument.items:
        lines += [
            "Missing items: "
            + (
                f"prorated from the answered items' mean when at most {rule.max_missing} "
                f"are missing, else not computable — {_source(rule.source)}."
                if rule and rule.max_missing
                else "any unanswered item makes the total not computable."
            ),
            "",
        ]
    for banding in instrument.bandings:
        lines += _banding(banding)
    if instrument.mcid is not None and instrument.mcid_source:
        lines += [
            f"Minimal clinically important difference: {instrument.mcid:g} — "
            f"{_source(instrument.mcid_source)}.",
            "",
        ]
    if instrument.loinc:
        codes = ", ".join(f"{part} {code}" for part, code in instrument.loinc.items())
        lines += [f"LOINC: {codes}.", ""]
    if example is not None:
        result = instrument.score(example).as_dict()
        lines += [
            "### Example",
            "",
            "```json",
            json.dumps(example, ensure_ascii=False),
            "```",
            "",
            "gives",
            "",
            "```json",
            json.dumps(result, ensure_ascii=False, indent=2),
            "```",
            "",
        ]
    return "\n".join(lines)


HEADER = """# Instruments

Written by `osteorehab docs` from the instruments' own definitions
(`osteorehab/assessments/instruments/`); do not edit by hand.

Score one answer set with `osteorehab score CODE [FILE|-]` (JSON in, JSON out) or a data set
with `osteorehab score CODE --csv IN.csv --out OUT.csv` (questionnaire columns named by item
key, measurement columns by field name; an `id` column is carried through; a row with bad
input keeps its place with the message in the `error` column). Bad input exits with status 2
and a message naming the field.

Every result has `instrument`, `version`, `valid` (false when too many items are missing),
`total`, `band` (the first banding's), `bands` (every banding's), `flags`, `subscales`,
`missing`, `prorated` and `reasons` (each judgement with its cut-off and source), plus the
instrument's own figures shown in its example.
"""


def markdown(instruments: Iterable[Instrument], examples: Mapping[str, Mapping[str, Any]]) -> str:
    sections = [section(i, examples.get(i.code)) for i in sorted(instruments, key=lambda i: i.code)]
    return "\n\n".join([HEADER, *sections]).rstrip() + "\n"
