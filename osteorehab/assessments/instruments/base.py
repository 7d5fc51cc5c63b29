"""What every instrument shares: items, response options, bandings with their sources, the
missing-item rule, and the result a scoring function returns.

Pure Python (no Django): the web forms, the command line and the tests all score through here.
Rules that apply everywhere (clinical-reference 0.1): every cut-off has an explicit operator;
derived values are rounded to reporting precision before they are classified; a missing item is
never counted as 0; an out-of-range answer is refused, never clamped.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from operator import getitem
from typing import Any

# The scoring code's version, stored with every administered assessment: a change to any
# scoring function that can change a result raises it.
SCORER_VERSION = "1"
# How many judgements a banding keeps made (Banding.judge): every total of a questionnaire.
JUDGEMENTS_KEPT = 1000


def gettext_noop(text: str) -> str:
    """Marks a label for the translation catalogue (extracted like Django's gettext_noop);
    the web layer translates it when it shows it."""
    return text


class Reason(str):
    """A sentence the clinician reads (each judgement, its cut-off and source). It is the English
    text itself, so it prints and compares as a string; it also keeps its template and values,
    so the web shows it in the user's language. The template is extracted for the catalogue
    like gettext_noop (makemessages is run with --keyword=Reason)."""

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, **params: Any) -> "Reason":
        self = super().__new__(cls, _render(template, params, str))
        self.template = template
        self.params = params
        return self

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The sentence in the language `gettext` translates into: the template and every
        word-valued parameter (a band label, a nested reason) translated, numbers as they are."""
        return _render(gettext(self.template), self.params, gettext)

    def stored(self) -> list[Any]:
        """As kept in a stored result: [template, values], nested reasons likewise."""
        return [self.template, {name: _stored(value) for name, value in self.params.items()}]

    @classmethod
    def joined(cls, parts: Sequence["Reason"]) -> "Reason":
        """Several reasons read as one, separated by semicolons."""
        return cls("{parts}", parts=tuple(parts))

    @classmethod
    def from_stored(cls, stored: list[Any]) -> "Reason":
        template, params = stored
        return cls(template, **{name: _loaded(value) for name, value in params.items()})


def _render(template: str, params: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    return template.format(**{name: _words(value, gettext) for name, value in params.items()})


def _words(value: Any, gettext: Callable[[str], str]) -> Any:
    """A parameter as shown: words translated (a list of them joined), numbers untouched."""
    if isinstance(value, Reason):
        return value.translated(gettext)
    if isinstance(value, str):
        return gettext(value) if value else value
    if isinstance(value, tuple | list):
        return "; ".join(str(_words(part, gettext)) for part in value)
    return value


def _stored(value: Any) -> Any:
    if isinstance(value, Reason):
        return {"reason": value.stored()}
    if isinstance(value, tuple | list):
        return [_stored(part) for part in value]
    return value


def _loaded(value: Any) -> Any:
    if isinstance(value, dict):
        return Reason.from_stored(value["reason"])
    if isinstance(value, list):
        return tuple(_loaded(part) for part in value)
    return value


class Licence(StrEnum):
    FREE = "free"  # may ship items and logic (clinical-reference 8)
    ASK = "ask"  # free to use but permission/confirmation advised before selling
    LICENSED = "licensed"  # only a score entered from a licensed paper form; no items


class Kind(StrEnum):
    QUESTIONNAIRE = "questionnaire"
    MEASUREMENT = "measurement"
    CALCULATION = "calculation"


class Better(StrEnum):
    """Which way the total moves when the patient does better: more chair stands, fewer seconds
    for the Timed Up and Go, a lower PHQ-9. What the scale measures, not a cut-off."""

    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: the publication, and the clinical-reference section."""

    citation: str
    section: str
    unverified: bool = False  # the reference flags it LOW / UNVERIFIED: shown as such


@dataclass(frozen=True)
class Band:
    """One band with explicit operators: min (>=), max (<=), above (>), below (<)."""

    code: str
    label: str
    min: float | None = None
    max: float | None = None
    above: float | None = None
    below: float | None = None

    def contains(self, value: float) -> bool:
        return (
            (self.min is None or value >= self.min)
            and (self.max is None or value <= self.max)
            and (self.above is None or value > self.above)
            and (self.below is None or value < self.below)
        )

    def describe(self) -> str:
        """The band's limits, e.g. ">= 10 and <= 14"."""
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.above is not None:
            parts.append(f"> {self.above:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        if self.below is not None:
            parts.append(f"< {self.below:g}")
        if len(parts) == 2:
            return Reason("{low} and {high}", low=parts[0], high=parts[1])
        return parts[0]


@dataclass(frozen=True)
class Banding:
    """A published way of classifying a value; an instrument may carry several."""

    name: str
    source: Source
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        # the judgements made so far, by value (`judge`); not part of the banding's value
        object.__setattr__(self, "_judged", {})

    def classify(self, value: float) -> Band | None:
        matches = [band for band in self.bands if band.contains(value)]
        if len(matches) > 1:  # a data error, caught by the tests of every instrument
            raise ValueError(f"{self.name}: bands overlap at {value}")
        return matches[0] if matches else None

    def judge(self, value: float) -> tuple[Band | None, "Reason | None"]:
        """The value's band (None: in none) and why it is there. Made once per value: a data
        set scores the same few totals over and over, and the words take longer to make than
        the rest of the scoring (a measurement's many values: only the first JUDGEMENTS_KEPT are
        kept)."""
        kept: dict[float, tuple[Band | None, Reason | None]] = self._judged  # type: ignore[attr-defined]
        judged = kept.get(value)
        if judged is None:
            band = self.classify(value)
            reason = (
                None
                if band is None
                else Reason(
                    "{value:g} is {limits}: {band} by {banding}, {source}",
                    value=value,
                    limits=band.describe(),
                    band=band.label,
                    banding=self.name,
                    source=cited(self.source),
                )
            )
            judged = band, reason
            if len(kept) < JUDGEMENTS_KEPT:
                kept[value] = judged
        return judged


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # a short label in our own words; item wording only where the licence allows
    options: tuple[Any, ...]  # the allowed answers, e.g. (0, 1, 2, 3) or ("yes", "no")
    reverse: bool = False  # reverse-keyed: scored as (max + min - answer), or "no" scores 1
    loinc: str = ""
    option_labels: Mapping[Any, str] = field(default_factory=dict)  # answer -> its words
    # each allowed answer's score (item_score), worked out once: a data set scores many rows
    scores: Mapping[Any, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scores = {option: item_score(self, option) for option in self.options}
        object.__setattr__(self, "scores", scores)


class InputError(ValueError):
    """Bad input, naming the field; `code` and `params` let the web layer translate it."""

    def __init__(self, field: str, code: str, message: str, **params: Any) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.message = message
        self.params = params


@dataclass(frozen=True, slots=True)  # slots: a data set makes 100,000 of them
class Result:
    instrument: str
    version: str
    valid: bool  # False: not computable (too many missing items), with the reason
    total: float | None = None
    band: str | None = None  # the primary banding's band
    bands: Mapping[str, str | None] = field(default_factory=dict)  # every banding's band
    flags: tuple[str, ...] = ()
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    figures: Mapping[str, Any] = field(default_factory=dict)  # t_score, percent_predicted, …
    missing: tuple[str, ...] = ()
    prorated: bool = False
    reasons: tuple[Reason, ...] = ()  # what the clinician reads: each judgement and its source

    def __post_init__(self) -> None:
        # Every flag has its words (a data error otherwise, caught by each instrument's tests).
        unknown = set(self.flags) - FLAG_LABELS.keys() if self.flags else None
        if unknown:
            raise ValueError(f"flags without words in FLAG_LABELS: {', '.join(sorted(unknown))}")

    def as_dict(self) -> dict[str, Any]:
        """The result as the command line prints it (reasons in English)."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "valid": self.valid,
            "total": plain(self.total),
            "band": self.band,
            "bands": dict(self.bands),
            "flags": list(self.flags),
            "subscales": dict(self.subscales),
            **self.figures,
            "missing": list(self.missing),
            "prorated": self.prorated,
            "reasons": list(self.reasons),
        }

    def stored(self) -> dict[str, Any]:
        """As kept with an administered assessment: also each reason's template and values, so
        that the stored result is shown in the reader's language."""
        return {**self.as_dict(), "why": [reason.stored() for reason in self.reasons]}


@dataclass(frozen=True)
class MissingRule:
    """The manual's rule for unanswered items: prorate from the answered items' mean when at
    most `max_missing` are missing (rounding half up to `decimals`), or else not computable.
    `max_missing=0` means any missing item makes the total not computable."""

    max_missing: int
    source: Source
    decimals: int = 0


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    kind: Kind
    licence: Licence
    source: Source
    score: Callable[[Mapping[str, Any]], Result]
    items: tuple[Item, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)  # measurement field -> unit
    bandings: tuple[Banding, ...] = ()
    missing_rule: MissingRule | None = None
    mcid: float | None = None
    mcid_source: Source | None = None
    loinc: Mapping[str, str] = field(default_factory=dict)  # "panel", "total", …
    range: tuple[float, float] | None = None  # the total's possible range
    instructions: str = ""  # what the patient is asked, shown above each question
    labels: Mapping[str, str] = field(default_factory=dict)  # words for codes that are not bands
    better: Better | None = None  # None: the total has no better direction (effort, a risk)
    # each item's scores by answer (Item.scores), in item order: a data set sums many rows
    scores: tuple[Mapping[Any, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", tuple(item.scores for item in self.items))

    def words(self, code: str) -> str | None:
        """The label of a band (or other result code) of this instrument, untranslated."""
        for banding in self.bandings:
            for band in banding.bands:
                if band.code == code:
                    return band.label
        return self.labels.get(code)


def plain(value: float | None) -> float | int | None:
    """14.0 reads as 14: whole numbers print without a decimal point."""
    return int(value) if value is not None and float(value).is_integer() else value


def parse_cell(text: str) -> Any:
    """A typed-in value (a CSV cell, a form box) as the JSON input would hold it: true/false,
    whole numbers, decimals, else the text itself. The command line and the web forms both read
    answers through here, so they score alike."""
    try:  # most cells are whole numbers: tried first (int() ignores the spaces around)
        return int(text)
    except ValueError:
        pass
    text = text.strip()
    lowered = text.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as the manuals do (2.5 -> 3), not banker's rounding; via Decimal so that
    -2.4999999999999996 to one decimal is -2.5 (clinical-reference 0.1.2)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def change_for_better(better: Better, before: float, after: float) -> float:
    """How far `after` moved the better way from `before` (negative: the worse way), rounded to
    two decimals, so that a change of exactly the MCID is not lost to floating point (13.5 to
    11.2 is 2.3, not 2.2999…)."""
    change = round_half_up(after - before, 2)
    return change if better is Better.HIGHER else -change


def cited(source: Source) -> Reason:
    """A source as the reasons give it: "Kroenke 2001 [clinical-reference 1.1]", marked
    unverified where the reference flags it."""
    if source.unverified:
        return Reason(
            "{citation} (unverified) [clinical-reference {section}]",
            citation=source.citation,
            section=source.section,
        )
    return Reason(
        "{citation} [clinical-reference {section}]",
        citation=source.citation,
        section=source.section,
    )


def classify_all(
    bandings: Sequence[Banding], value: float
) -> tuple[dict[str, str | None], list[Reason]]:
    """Every banding's band for a value, and a reason for each."""
    bands: dict[str, str | None] = {}
    reasons: list[Reason] = []
    for banding in bandings:
        band, reason = banding.judge(value)
        bands[banding.name] = band.code if band else None
        if reason:
            reasons.append(reason)
    return bands, reasons


def item_answers(instrument: Instrument, data: Mapping[str, Any]) -> list[Any]:
    """The `items` list, checked: one answer per item, each None or an allowed option."""
    answers = data.get("items")
    if not isinstance(answers, list):
        raise InputError("items", "items_not_list", "give the answers as a list, in item order")
    if len(answers) != len(instrument.items):
        raise InputError(
            "items",
            "items_count",
            f"{instrument.name} has {len(instrument.items)} items; {len(answers)} answers given",
            expected=len(instrument.items),
            given=len(answers),
        )
    for item, answer in zip(instrument.items, answers, strict=True):
        if answer is not None and (type(answer) is bool or answer not in item.options):
            allowed = ", ".join(str(option) for option in item.options)
            raise InputError(
                item.key,
                "answer_out_of_range",
                f"{answer!r} is not an answer to {item.key} ({item.label}); allowed: {allowed}",
                answer=answer,
                allowed=allowed,
            )
    return answers


def item_score(item: Item, answer: Any) -> int:
    """An answer's score, reverse keying applied."""
    if isinstance(answer, str):  # yes/no items: the depressive (scored) answer counts 1
        scored = "no" if item.reverse else "yes"
        return int(answer == scored)
    if item.reverse:
        return min(item.options) + max(item.options) - answer
    return int(answer)


def sum_items(
    instrument: Instrument, answers: Sequence[Any]
) -> tuple[float | None, tuple[str, ...], bool, list[Reason]]:
    """Sum of item scores (the answers as item_answers checked them) under the instrument's
    missing-item rule.

    Returns (total or None, missing item keys, prorated?, reasons)."""
    items = instrument.items
    if None not in answers:  # every item answered: a data set's usual row
        return float(sum(map(getitem, instrument.scores, answers))), (), False, []
    scores = [item.scores[a] for item, a in zip(items, answers, strict=True) if a is not None]
    missing = tuple(item.key for item, a in zip(items, answers, strict=True) if a is None)
    rule = instrument.missing_rule
    if rule is None or len(missing) > rule.max_missing or not scores:
        limit = rule.max_missing if rule else 0
        why = Reason(
            "not computable: {missing} item(s) unanswered, the rule allows {limit}",
            missing=len(missing),
            limit=limit,
        )
        return None, missing, False, [why]
    total = round_half_up(sum(scores) + sum(scores) / len(scores) * len(missing), rule.decimals)
    reason = Reason(
        "{missing} item(s) unanswered: prorated from the mean of the answered items ({source})",
        missing=len(missing),
        source=cited(rule.source),
    )
    return total, missing, True, [reason]


def number(data: Mapping[str, Any], name: str, *, low: float, high: float, unit: str) -> float:
    """A measured value by name, refused (never clamped) outside what is possible."""
    value = data.get(name)
    if value is None:
        raise InputError(name, "required", f"{name} ({unit}) is required")
    # NaN checked on floats only: an integer too large for a float (JSON has any) is a number,
    # compared exactly below, and shown through Decimal
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if not numeric or (isinstance(value, float) and math.isnan(value)):
        raise InputError(name, "not_a_number", f"{name} must be a number of {unit}")
    if not low <= value <= high:
        got = value if isinstance(value, float) else Decimal(value)
        raise InputError(
            name,
            "out_of_range",
            f"{name} must be between {low:g} and {high:g} {unit}; got {got:.6g}",
            low=low,
            high=high,
        )
    return float(value)


def choice(data: Mapping[str, Any], name: str, options: Sequence[str]) -> str:
    value = data.get(name)
    if value not in options:
        raise InputError(
            name, "not_an_option", f"{name} must be one of: {', '.join(options)}", options=options
        )
    return str(value)


def summed_result(
    instrument: Instrument,
    data: Mapping[str, Any],
    *,
    answers: Sequence[Any] | None = None,
    flags: Sequence[str] = (),
    reasons: Sequence[Reason] = (),
    subscales: Mapping[str, float | None] | None = None,
    figures: Mapping[str, Any] | None = None,
) -> Result:
    """The result of a questionnaire scored as a sum: total, every banding, the missing-item
    rule applied; extra flags, subscales and figures from the instrument's own module.
    `answers`: the data's items as item_answers checked them, when the caller has them."""
    if answers is None:
        answers = item_answers(instrument, data)
    total, missing, prorated, sum_reasons = sum_items(instrument, answers)
    bands: dict[str, str | None] = {}
    band_reasons: list[Reason] = []
    if total is not None:
        bands, band_reasons = classify_all(instrument.bandings, total)
    primary = bands.get(instrument.bandings[0].name) if instrument.bandings else None
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        valid=total is not None,
        total=total,
        band=primary,
        bands=bands,
        flags=tuple(flags),
        subscales=dict(subscales or {}),
        figures=dict(figures or {}),
        missing=missing,
        prorated=prorated,
        reasons=(*sum_reasons, *band_reasons, *reasons),
    )


# What each flag a result can raise means, in words (flags are codes, for programs to act on).
FLAG_LABELS = {
    "item9_positive": gettext_noop("Item 9 (thoughts of self-harm) above 0"),
    "item9_unanswered": gettext_noop("Item 9 (thoughts of self-harm) unanswered"),
    "fall_risk": gettext_noop("Fall risk"),
    "fall_risk_screen_positive": gettext_noop("Fall-risk screen positive"),
    "high_fall_risk": gettext_noop("High fall risk"),
    "recurrent_fall_risk": gettext_noop("Risk of recurrent falls"),
    "gait_impairment": gettext_noop("Gait impaired"),
    "gait_balance_impairment": gettext_noop("Gait and balance impaired"),
    "low_strength": gettext_noop("Low muscle strength"),
    "low_physical_performance": gettext_noop("Low physical performance"),
    "mobility_disability_risk": gettext_noop("Risk of mobility disability"),
    "mobility_limitation_risk": gettext_noop("Risk of mobility limitation"),
    "below_norm": gettext_noop("Below the norm for age and sex"),
    "bands_disagree": gettext_noop("Published cut-offs disagree"),
    "boundary_disputed": gettext_noop("On a disputed boundary"),
    "estimate": gettext_noop("An estimate"),
    "outside_derivation_age": gettext_noop("Age outside the model's cohort"),
}


FREQUENCY_0_3 = (0, 1, 2, 3)
# PHQ-9 and GAD-7 response options (clinical-reference 1.1, 1.2)
FREQUENCY_LABELS = {
    0: gettext_noop("Not at all"),
    1: gettext_noop("Several days"),
    2: gettext_noop("More than half the days"),
    3: gettext_noop("Nearly every day"),
}


def whole_number(data: Mapping[str, Any], name: str, *, low: int, high: int, unit: str) -> int:
    """A whole number (stands counted, a sub-score, falls), refused outside low..high and
    refused, never rounded, when it has a fraction."""
    value = number(data, name, low=low, high=high, unit=unit)
    if not value.is_integer():
        raise InputError(name, "not_whole", f"{name} must be a whole number of {unit}")
    return int(value)


YES_NO = "true or false"


def yes_no(data: Mapping[str, Any], name: str) -> bool:
    """A yes/no fact, required: an unanswered one is not taken as "no" (clinical-reference 0.1)."""
    value = data.get(name)
    if value is None:
        raise InputError(name, "required", f"{name} (true or false) is required")
    if not isinstance(value, bool):
        raise InputError(name, "not_yes_no", f"{name} must be true or false")
    return value


def one_of(data: Mapping[str, Any], first: str, second: str) -> str:
    """Which of two alternative fields is given; exactly one must be, so that the tool never
    chooses silently between two values the clinician entered."""
    given = [name for name in (first, second) if data.get(name) is not None]
    if len(given) != 1:
        raise InputError(
            first if not given else second,
            "one_of",
            f"give either {first} or {second}, not {'both' if given else 'neither'}",
            options=(first, second),
        )
    return given[0]


def sd_score(data: Mapping[str, Any], name: str) -> float:
    """A T- or Z-score as entered. Plausibility limits -7..7 SD: wider than any adult DXA
    result, narrow enough to catch a slip such as -25."""
    return number(data, name, low=-7.0, high=7.0, unit="SD")


def measured_result(
    instrument: Instrument,
    total: float,
    bandings: Sequence[Banding],
    *,
    flags: Mapping[tuple[str, str], str] | None = None,
    other_flags: Sequence[str] = (),
    figures: Mapping[str, Any] | None = None,
    subscales: Mapping[str, float | None] | None = None,
    reasons: Sequence[Reason] = (),
) -> Result:
    """A measured (already rounded) value classified by every banding. `flags` maps
    (banding name, band code) to the flag that band raises; `other_flags` come from elsewhere."""
    bands, band_reasons = classify_all(bandings, total)
    raised = [flag for (name, code), flag in (flags or {}).items() if bands.get(name) == code]
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        valid=True,
        total=total,
        band=bands.get(bandings[0].name) if bandings else None,
        bands=bands,
        flags=tuple(dict.fromkeys([*raised, *other_flags])),
        subscales=dict(subscales or {}),
        figures=dict(figures or {}),
        reasons=(*reasons, *band_reasons),
    )
