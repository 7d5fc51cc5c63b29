"""Reading a spreadsheet of patients (CSV) for the import: the file's text, its columns, its
rows numbered as a spreadsheet shows them (the header is row 1), and the rows that repeat a
person within the file. Pure: the rules of registration itself (required fields, dates,
duplicates of patients already registered) stay with the patients app's form and service,
which the import calls for every row.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from osteorehab.patients.domain import duplicate_key

# The columns, in the order the template file lists them; True: a value is needed in every
# row. `care_team` may be left out by someone who belongs to one care team only.
COLUMNS: dict[str, bool] = {
    "family_name": True,
    "given_name": True,
    "date_of_birth": True,
    "sex": True,
    "record_number": False,
    "phone": False,
    "preferred_language": False,
    "care_team": False,
    "referred_on": True,
    "program_consent": False,
    "consent_on": False,
    "diagnosis_on": False,
    "relevant_conditions": False,
}
# Columns whose values are codes: compared without case or surrounding spaces.
CODED = ("sex", "preferred_language", "program_consent")
HEADER_ROW = 1
# Spreadsheet programs save "CSV UTF-8" (often with a byte-order mark); a Chinese edition of
# Excel saves plain "CSV" in GB18030, a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file (`row` None), its header or one of its rows; `code` and
    `params` let the web layer say it in the reader's language."""

    row: int | None
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: Mapping[str, str]


@dataclass(frozen=True)
class Sheet:
    rows: tuple[Row, ...] = ()
    problems: tuple[Problem, ...] = ()


def decode(data: bytes) -> str | None:
    """The file's text, or None when it is in none of the encodings spreadsheets save CSV in."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _header(cells: list[str]) -> tuple[list[str], list[Problem]]:
    names = [cell.strip().lower() for cell in cells]
    problems = [
        Problem(HEADER_ROW, name, "unknown_column") for name in names if name not in COLUMNS
    ]
    problems += [
        Problem(HEADER_ROW, name, "repeated_column")
        for i, name in enumerate(names)
        if name in COLUMNS and name in names[:i]
    ]
    problems += [
        Problem(HEADER_ROW, name, "missing_column")
        for name, required in COLUMNS.items()
        if required and name not in names
    ]
    return names, problems


def _row(number: int, names: list[str], cells: list[str]) -> Row | Problem:
    if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
        return Problem(number, "", "too_many_cells", {"columns": len(names)})
    values = {name: cell.strip() for name, cell in zip(names, cells, strict=False)}
    for name in CODED:
        if name in values:
            values[name] = values[name].lower()
    return Row(number, values)


def read_sheet(text: str, *, max_rows: int) -> Sheet:
    """The rows of a CSV file with a header row; rows with no value at all are skipped (their
    numbers still count). A file that cannot be read, has no header, a wrong header or more than
    `max_rows` rows gives problems and no rows."""
    try:
        # strict: a quote opened and never closed is refused, not read as one long cell
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return Sheet(problems=(Problem(None, "", "not_csv", {"error": str(error)}),))
    if not records or not any(cell.strip() for cell in records[0]):
        return Sheet(problems=(Problem(None, "", "no_header"),))
    names, problems = _header(records[0])
    if problems:
        return Sheet(problems=tuple(problems))
    rows: list[Row] = []
    for number, cells in enumerate(records[1:], start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in cells):
            continue
        read = _row(number, names, cells)
        if isinstance(read, Problem):
            problems.append(read)
        else:
            rows.append(read)
    if not rows and not problems:
        return Sheet(problems=(Problem(None, "", "no_rows"),))
    if len(rows) > max_rows:
        return Sheet(problems=(Problem(None, "", "too_many_rows", {"max": max_rows}),))
    return Sheet(tuple(rows), tuple(problems))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def repeated(rows: Iterable[Row]) -> list[Problem]:
    """Rows that name a person an earlier row of the file names: the same hospital record
    number, or the same names and date of birth (compared as registration compares them)."""
    numbers: dict[str, int] = {}
    people: dict[tuple[str, str, date], int] = {}
    found = []
    for row in rows:
        number = row.values.get("record_number", "")
        if number:
            if number in numbers:
                found.append(
                    Problem(row.number, "record_number", "same_number", {"row": numbers[number]})
                )
            numbers.setdefault(number, row.number)
        born = _day(row.values.get("date_of_birth", ""))
        family, given = row.values.get("family_name", ""), row.values.get("given_name", "")
        if born is not None and family and given:
            key = duplicate_key(family, given, born)
            if key in people:
                found.append(Problem(row.number, "", "same_person", {"row": people[key]}))
            people.setdefault(key, row.number)
    return found
