"""The FHIR R4 envelope: search parameters, Bundles and OperationOutcomes, as plain dicts.

Pure: no Django. The resources themselves are made in `mappers`; the views put them in these.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

FHIR_VERSION = "4.0.1"
JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
# Paging of searchset Bundles: a page of this many unless `_count` asks for fewer or more.
DEFAULT_COUNT = 50
MAX_COUNT = 500
MAX_OFFSET = 10**9  # no search finds a billion resources


class SearchError(ValueError):
    """A search parameter we cannot honour: answered 400 with the parameter named."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class DateBound:
    """One `date=[prefix]YYYY[-MM[-DD]]` parameter, as the first and last day it allows
    (None: unbounded on that side)."""

    first: date | None
    last: date | None


def _period(text: str) -> tuple[date, date]:
    """The days a FHIR date of year, month or day precision covers."""
    parts = text.split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(parts) == 1 and len(parts[0]) == 4:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
        if len(parts) == 2 and len(parts[1]) == 2:
            start = date(numbers[0], numbers[1], 1)
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start, following - timedelta(days=1)
        if len(parts) == 3:
            day = date.fromisoformat(text)
            return day, day
    except ValueError:
        pass
    raise SearchError("date", f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def date_bound(value: str, parameter: str = "date") -> DateBound:
    """A date search value with its prefix: eq (the default), ge, gt, le, lt."""
    prefix, text = (value[:2], value[2:]) if value[:2].isalpha() else ("eq", value)
    try:
        start, end = _period(text)
    except SearchError as error:
        raise SearchError(parameter, str(error)) from None
    one_day = timedelta(days=1)
    bounds = {
        "eq": DateBound(start, end),
        "ge": DateBound(start, None),
        "gt": DateBound(end + one_day, None),
        "le": DateBound(None, end),
        "lt": DateBound(None, start - one_day),
    }
    if prefix not in bounds:
        raise SearchError(parameter, f"the prefix {prefix!r} is not supported (eq, ge, gt, le, lt)")
    return bounds[prefix]


def reference_id(value: str, resource_type: str, parameter: str) -> str:
    """The id in a reference search value: "12", "Patient/12" or an absolute URL ending so."""
    text = value.rstrip("/")
    head, _slash, last = text.rpartition("/")
    if head and not head.endswith(resource_type):
        raise SearchError(parameter, f"{value!r} does not refer to a {resource_type}")
    if not last:
        raise SearchError(parameter, f"{value!r} names no {resource_type}")
    return last


def _whole(value: str, parameter: str, most: int) -> int:
    """A whole number, or `most` + 1 for any larger one (`str.isdigit` would also take "²",
    which `int` refuses; `int` refuses 4,300 digits)."""
    if not value.isdecimal():
        raise SearchError(parameter, f"{parameter} must be a whole number")
    return int(value) if len(value) <= len(str(most)) else most + 1


def page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_COUNT
    return max(1, min(_whole(value, "_count", MAX_COUNT), MAX_COUNT))


def page_offset(value: str | None) -> int:
    """Refused past MAX_OFFSET, which the database's integers hold with a page added."""
    if value is None:
        return 0
    offset = _whole(value, "_offset", MAX_OFFSET)
    if offset > MAX_OFFSET:
        raise SearchError("_offset", f"_offset must be at most {MAX_OFFSET}")
    return offset


@dataclass(frozen=True)
class Page:
    """One page of a search: the resources on it, where it starts, and how many match."""

    resources: Sequence[Mapping[str, Any]]
    offset: int
    count: int
    total: int


def searchset(
    page: Page, *, base: str, path: str, query: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """A searchset Bundle with self, first, previous, next and last links; `query` is the
    search's own parameters (without paging), kept in every link."""

    def link(relation: str, offset: int) -> dict[str, str]:
        params = [*query, ("_count", str(page.count)), ("_offset", str(offset))]
        return {"relation": relation, "url": f"{base}/{path}?{urlencode(params)}"}

    last = max(0, (page.total - 1) // page.count * page.count)
    links = [link("self", page.offset), link("first", 0)]
    if page.offset > 0:
        links.append(link("previous", max(0, page.offset - page.count)))
    if page.offset + page.count < page.total:
        links.append(link("next", page.offset + page.count))
    links.append(link("last", last))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": page.total,
        "link": links,
        **_entries(page.resources, base),
    }


def entry(resource: Mapping[str, Any], *, base: str, mode: str = "match") -> dict[str, Any]:
    return {
        "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


def everything(resources: Iterable[Mapping[str, Any]], *, base: str, path: str) -> dict:
    """The searchset Bundle `Patient/[id]/$everything` answers with (one page)."""
    found = list(resources)
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "link": [{"relation": "self", "url": f"{base}/{path}"}],
        **_entries(found, base),
    }


def _entries(resources: Iterable[Mapping[str, Any]], base: str) -> dict[str, Any]:
    """A Bundle's entries; none at all when empty (FHIR JSON has no empty arrays)."""
    found = [entry(resource, base=base) for resource in resources]
    return {"entry": found} if found else {}


@dataclass(frozen=True)
class Issue:
    """One problem, for an OperationOutcome: `code` from the FHIR issue-type value set,
    `expression` the FHIRPath of the element at fault."""

    code: str
    diagnostics: str
    expression: tuple[str, ...] = ()
    severity: str = "error"


@dataclass
class Issues:
    """Problems gathered while reading a request, to answer with all of them at once."""

    found: list[Issue] = field(default_factory=list)

    def add(self, code: str, diagnostics: str, *expression: str) -> None:
        self.found.append(Issue(code, diagnostics, tuple(e for e in expression if e)))

    def __bool__(self) -> bool:
        return bool(self.found)


def outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.severity,
                "code": issue.code,
                "diagnostics": issue.diagnostics,
                **({"expression": list(issue.expression)} if issue.expression else {}),
            }
            for issue in issues
        ],
    }


def fhir_path(location: Iterable[str | int]) -> str:
    """('entry', 2, 'resource', 'valueQuantity') -> 'entry[2].resource.valueQuantity'."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# When the CapabilityStatement last changed (its required `date`).
CAPABILITY_DATE = "2026-11-21"
OPERATIONS = {
    "everything": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
    "export": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
}


def capability(*, base: str, software: str, searches: Mapping[str, Mapping[str, str]]) -> dict:
    """The CapabilityStatement: each resource type with read and search and its search
    parameters (name -> type), Patient/$everything, the system-level $export and the
    transaction import of Patients and Observations."""
    resources = []
    for name, parameters in sorted(searches.items()):
        resource: dict[str, Any] = {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": p, "type": kind} for p, kind in parameters.items()],
        }
        if name == "Patient":
            resource["operation"] = [{"name": "everything", "definition": OPERATIONS["everything"]}]
        resources.append(resource)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "OsteoRehab",
        "kind": "instance",
        "software": {"name": "OsteoRehab", "version": software},
        "implementation": {"description": "OsteoRehab FHIR R4 server", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "Send Authorization: Bearer <key>, the key of an API token "
                    "an administrator created (manage.py api_token create), or use a logged-in "
                    "session. Only this statement is open without."
                },
                "resource": resources,
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": "Patients and Observations (POST), all or nothing",
                    }
                ],
                "operation": [{"name": "export", "definition": OPERATIONS["export"]}],
            }
        ],
    }
