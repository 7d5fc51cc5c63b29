"""Goal Attainment Scaling T-score (Kiresuk & Sherman 1968, Community Ment Health J 4:443).

Each goal is attained at -2 (much less than expected), -1 (less), 0 (as expected), +1 (more) or
+2 (much more than expected), with an optional weight (Turner-Stokes 2009: importance x
difficulty, each 0-3). T = 50 + 10 x sum(w x) / sqrt((1 - rho) sum(w^2) + rho (sum w)^2), with
rho = 0.3, the assumed correlation between goals; T = 50 when every goal is attained as
expected. Checked against gasr's calc_tscore(). Source: clinical-reference 1.11.
Licence: a method, no licence (8).

Turner-Stokes 2009 (Clin Rehabil 23:362) printed wrong formulas, later corrected by an erratum:
the formula here is Kiresuk & Sherman's (clinical-reference 7.11).

Input: {"goals": [{"attained": -1, "weight": 2}, ...]}; an absent weight is 1 (unweighted).
No band: the reference gives none.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .base import (
    Better,
    InputError,
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    cited,
    gettext_noop,
    number,
    round_half_up,
)

KIRESUK_1968 = Source("Kiresuk & Sherman 1968, Community Ment Health J 4:443", "1.11")

RHO = 0.3  # the inter-goal correlation Kiresuk & Sherman assume (gasr's default)
LEVELS = (-2, -1, 0, 1, 2)
# Plausibility: Turner-Stokes weights are importance x difficulty, each 0-3, so 0-9.
MAX_WEIGHT = 9


def t_score(levels: Sequence[float], weights: Sequence[float], rho: float = RHO) -> float:
    """The unrounded T-score; unweighted when every weight is 1."""
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return 50 + 10 * weighted / spread


def _goal(goal: Any, n: int) -> tuple[int, float]:
    """One goal's attained level and weight, checked; errors name the goal, e.g. goals[0]."""
    name = f"goals[{n}]"
    if not isinstance(goal, Mapping):
        raise InputError(name, "not_a_goal", "give each goal as {attained, weight}")
    level = goal.get("attained")
    if isinstance(level, bool) or level not in LEVELS:
        raise InputError(
            f"{name}.attained",
            "not_an_option",
            f"{name}.attained must be one of -2, -1, 0, 1, 2; got {level!r}",
            options=LEVELS,
        )
    if "weight" not in goal:
        return int(level), 1.0
    try:
        weight = number(goal, "weight", low=0, high=MAX_WEIGHT, unit="weight")
    except InputError as error:
        raise InputError(f"{name}.weight", error.code, error.message, **error.params) from error
    return int(level), weight


def score(data: Mapping[str, Any]) -> Result:
    goals = data.get("goals")
    if not isinstance(goals, list) or not goals:
        raise InputError("goals", "goals_required", "give at least one goal, as a list")
    levels, weights = zip(*(_goal(goal, n) for n, goal in enumerate(goals)), strict=True)
    if sum(weights) == 0:
        raise InputError("goals", "weights_zero", "at least one goal needs a weight above 0")
    total = round_half_up(t_score(levels, weights), 2)
    weighted = any(weight != 1 for weight in weights)
    reason = Reason(
        "T = {t:g} from {goals} goal(s), {weighting}, rho {rho:g}; 50 means every goal attained "
        "as expected ({source})",
        t=total,
        goals=len(goals),
        weighting=gettext_noop("weighted") if weighted else gettext_noop("unweighted"),
        rho=RHO,
        source=cited(KIRESUK_1968),
    )
    return Result(
        instrument=GAS.code,
        version=GAS.version,
        valid=True,
        total=total,
        figures={"goals": len(goals), "weighted": weighted, "rho": RHO},
        reasons=(reason,),
    )


GAS = Instrument(
    code="gas",
    name=gettext_noop("Goal Attainment Scaling"),
    version="GAS T-score (Kiresuk & Sherman 1968, rho 0.3); scorer 1",
    kind=Kind.CALCULATION,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=KIRESUK_1968,
    score=score,
    fields={"goals": "list of {attained: -2..+2, weight: 0-9}"},
    mcid=None,  # none in the reference
    range=None,  # depends on the number of goals and their weights
)
