"""The synthetic program's plans (`osteorehab.patients.synthetic`): each patient who started the
program has the plan the prescription drafts from their baseline profile, saved by their team's
therapist and approved by its physician where needed, in force from the day they started — the
version `services.plan_version_save` writes, its other parts (goals, psychological modules,
medicines) gathered as `selectors.plan_sections` gathers them; some have a goal, rated at the
monthly team reviews.

The prescription reads neither pain nor the weeks since a fracture (they set no constraint:
`assessments.domain`), so one draft serves every patient whose profile is otherwise the same:
a large program drafts a few hundred plans, not one per patient.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from osteorehab.assessments.domain import Profile
from osteorehab.patients.models import Medication
from osteorehab.psychology.domain import MEASURES, Baseline, recommend, with_set_frequencies

from . import domain, services
from .demo import GOALS
from .models import PHASE_WEEKS, Goal, Phase
from .selectors import _entry, _goal_words, _medicine_words, _module_words, library

PLAN_FIELDS = ("id", "patient_id", "created_at")
VERSION_FIELDS = (
    "plan_id",
    "number",
    "content",
    "reason",
    "author_id",
    "author_role",
    "created_at",
    "needs_approval",
    "approved_by_id",
    "approved_at",
)
# the goal's own fields as the service writes them, between its keys and who made it when
GOAL_FIELDS = ("id", "patient_id", *services.GOAL_FIELDS, "created_by_id", "created_at")
RATING_FIELDS = ("goal_id", "rated_on", "level", "rated_by_id", "rated_as", "rated_at")
REASON = "Baseline plan, drafted from the profile"  # as the demo's plans
NO_FACTS = {"recent_fracture": False, "severe_kyphosis": False, "acute_pain": False}
# A session's exercise as the log writes it: code, sets, repetitions, minutes.
Dosed = tuple[str, int | None, int | None, int | None]


@dataclass(frozen=True)
class Draft:
    document: Mapping[str, Any]  # the version's content without its other parts
    needs_approval: bool
    week: tuple[tuple[Dosed, ...], ...]  # the exercises of each weekday, Monday first


class Plans:
    def __init__(self) -> None:
        self.library = library()
        self._drafts: dict[Profile, Draft] = {}
        self._psychology: dict[tuple, list[dict[str, str]]] = {}
        self._entries: dict[tuple, dict[str, str]] = {}

    def draft(self, profile: Profile) -> Draft:
        key = replace(profile, pain_nrs=None, recent_fracture_weeks=None)
        if key not in self._drafts:
            facts = domain.Facts(key, *NO_FACTS.values())
            items = domain.prescribe(facts, self.library).items
            week = tuple(
                tuple(
                    (i.exercise, i.dose.sets, i.dose.reps, i.dose.minutes)
                    for i in items
                    if weekday in i.days
                )
                for weekday in range(7)
            )
            needs = domain.approval_needed(key) is not None
            self._drafts[key] = Draft(domain.content(items, facts, {}), needs, week)
        return self._drafts[key]

    def _modules(self, totals: Mapping[str, float | None]) -> list[dict[str, str]]:
        """The psychological plan's entries from the baseline totals (`psych_plan`: no
        frequency set by the team yet; PHQ-9 item 9 is 0 in the synthetic answers). A module's
        frequency follows its measures' bands (`psychology.domain.BAND_FREQUENCY`), and an
        entry names only the module and its frequency: one plan serves each set of bands."""
        measured = {code: total for code, total in totals.items() if code in MEASURES}
        key = tuple(
            (code, band.code if (band := MEASURES[code].banding.classify(total)) else None)
            for code, total in sorted(measured.items())
            if total is not None
        )
        if key not in self._psychology:
            baseline = Baseline.from_totals(measured, phq9_item9=0)
            plan = with_set_frequencies(recommend(baseline), {})
            self._psychology[key] = [
                _entry(r.code, partial(_module_words, r.module, r.frequency))
                for r in plan
                if r.module is not None and r.frequency is not None
            ]
        return self._psychology[key]

    def _words(self, key: str, kind: tuple, words: Callable[[], str]) -> dict[str, str]:
        """A section's entry under `key`, its words (in both languages) made once for each
        `kind` of entry that reads the same."""
        if kind not in self._entries:
            self._entries[kind] = _entry("", words)
        return {**self._entries[kind], "key": key}

    def content(
        self,
        draft: Draft,
        *,
        goals: Sequence[tuple[int, Goal]],
        totals: Mapping[str, float | None],
        medication: tuple[int, Medication] | None,
    ) -> str:
        """The version's content (JSON), its other parts as they stood when it was saved."""
        goal_entries = [
            self._words(
                f"goal-{pk}",
                ("goal", g.statement, g.target_on, g.weight),
                partial(_goal_words, g),
            )
            for pk, g in goals
        ]
        medicines = [
            self._words(
                f"medication-{pk}",
                ("medication", m.drug, m.started_on),
                partial(_medicine_words, m),
            )
            for pk, m in ([medication] if medication else [])
        ]
        sections = {
            "goals": goal_entries,
            "psychology": self._modules(totals),
            "medication": medicines,
        }
        return json.dumps({**draft.document, "sections": domain.gathered(sections)})


def goal(choice: int, started: date) -> Goal:
    """One of the demo's goals (`demo.GOALS`), set with the patient the day the program starts
    (unsaved; `goal_row` writes it)."""
    statement, phase, measure, importance, difficulty, levels, _rated = GOALS[choice]
    return Goal(
        statement=statement,
        phase=phase,
        target_on=started + timedelta(weeks=PHASE_WEEKS[Phase(phase)]),
        measure=measure,
        importance=importance,
        difficulty=difficulty,
        level_minus_2=levels[0],
        level_minus_1=levels[1],
        level_0=levels[2],
        level_plus_1=levels[3],
        level_plus_2=levels[4],
        baseline_level=-1,
    )


def goal_row(pk: int, patient_id: int, g: Goal, by: int, at: datetime) -> tuple:
    return (pk, patient_id, *(getattr(g, name) for name in services.GOAL_FIELDS), by, at)
