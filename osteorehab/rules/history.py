"""A patient's history as JSON, for `osteorehab rules HISTORY.json`: a dry run of the adjustment
rules on past data, without a database. Pure Python, no Django.

The file is one object: "today" (the day the rules run on, YYYY-MM-DD) and any of "facts" (the
profile and the therapist's facts, as `osteorehab prescribe` reads them), "family_consented",
"plan", "assessments", "sessions", "check_ins", "falls", "weeks", "ratings" and "overdue" — lists
of records whose fields are those of the records in `domain` (dates as YYYY-MM-DD). A missing
list is empty; an unknown field, a missing required field or a value of the wrong type is
refused, naming it. `examples/rules-history.json` is a complete example.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from osteorehab.assessments.instruments.base import Reason
from osteorehab.plans.domain import Item, facts_from_dict
from osteorehab.plans.exercises import Dose

from .domain import Check, Fall, History, Logged, Overdue, PlanItem, Rating, Score, Week

_DAY = date
# record kind -> field -> (type, required)
FIELDS: dict[str, dict[str, tuple[Any, bool]]] = {
    "assessments": {
        "id": (int, True),
        "day": (_DAY, True),
        "instrument": (str, True),
        "total": (float, True),
        "band": (str, False),
        "items": (list, False),
    },
    "sessions": {
        "id": (int, True),
        "day": (_DAY, True),
        "exercise": (str, True),
        "plan_version": (int, True),
        "completion": (str, True),
        "effort": (int, False),
        "pain": (int, False),
        "skip_reason": (str, False),
    },
    "check_ins": {
        "id": (int, True),
        "day": (_DAY, True),
        "fatigue": (int, True),
        "pain": (int, True),
    },
    "falls": {
        "id": (int, True),
        "day": (_DAY, True),
        "injury": (bool, True),
        "could_get_up": (bool, True),
    },
    "weeks": {
        "monday": (_DAY, True),
        "planned": (int, True),
        "done": (int, True),
        "partly": (int, True),
    },
    "ratings": {"id": (int, True), "goal": (int, True), "day": (_DAY, True), "level": (int, True)},
    "overdue": {"id": (int, True), "what": (str, True), "due": (_DAY, True)},
    "plan": {
        "exercise": (str, True),
        "days": (list, True),
        "dose": (dict, True),
        "since_version": (int, False),
    },
}
TOP = {"today", "facts", "family_consented", *FIELDS}
_NO_REASON = Reason.joined(())  # a plan item given in the history has no reason of its own


def _value(where: str, kind: Any, value: Any) -> Any:
    """The value, checked against its kind (a whole number is a float too; true is no number)."""
    if kind is _DAY:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind is int:
        fits = whole
    elif kind is float:
        fits = whole or isinstance(value, float)
    else:
        fits = isinstance(value, kind)
    if not fits:
        raise ValueError(f"{where}: expected {kind.__name__}, got {value!r}")
    return value


def _records(data: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    rows = data.get(kind, [])
    if not isinstance(rows, list):
        raise ValueError(f"{kind}: expected a list of records")
    found = []
    for number, row in enumerate(rows):
        where = f"{kind}[{number}]"
        if not isinstance(row, dict):
            raise ValueError(f"{where}: expected an object")
        fields = FIELDS[kind]
        for name in row:
            if name not in fields:
                raise ValueError(f"{where}.{name}: unknown field; known: {', '.join(fields)}")
        record = {}
        for name, (field_kind, required) in fields.items():
            value = row.get(name)
            if value is None:
                if required and not (name == "total" and name in row):  # total null: not computable
                    raise ValueError(f"{where}.{name}: required")
                continue
            record[name] = _value(f"{where}.{name}", field_kind, value)
        found.append(record)
    return found


def _plan_item(row: dict[str, Any]) -> PlanItem:
    try:
        dose = Dose(**row["dose"])
    except TypeError as error:
        raise ValueError(f"plan: {row['exercise']}: dose: {error}") from None
    item = Item(row["exercise"], tuple(row["days"]), dose, _NO_REASON)
    return PlanItem(item, row.get("since_version", 1))


def history_from_dict(data: Mapping[str, Any]) -> tuple[History, date]:
    """The history and the day to run the rules on."""
    for name in data:
        if name not in TOP:
            raise ValueError(f"{name}: unknown field; known: {', '.join(sorted(TOP))}")
    today = _value("today", _DAY, data.get("today"))
    facts = data.get("facts", {})
    if not isinstance(facts, dict):
        raise ValueError("facts: expected an object")
    consented = data.get("family_consented", False)
    if not isinstance(consented, bool):
        raise ValueError("family_consented: expected true or false")
    build: dict[str, Callable[[dict[str, Any]], Any]] = {
        "assessments": lambda r: Score(
            r["id"], r["day"], r["instrument"], r.get("total"), r.get("band", ""),
            tuple(r.get("items", ())),
        ),
        "sessions": lambda r: Logged(**r),
        "check_ins": lambda r: Check(**r),
        "falls": lambda r: Fall(**r),
        "weeks": lambda r: Week(**r),
        "ratings": lambda r: Rating(**r),
        "overdue": lambda r: Overdue(**r),
        "plan": _plan_item,
    }  # fmt: skip
    parts = {kind: tuple(make(r) for r in _records(data, kind)) for kind, make in build.items()}
    return History(facts=facts_from_dict(facts), family_consented=consented, **parts), today
