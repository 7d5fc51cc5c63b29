"""The built-in exercise library: every exercise by its code, in a stable order (by category as
below, then as written in each module). Pure Python, no Django.

The order matters: within a category the prescription takes the first exercises the safety layer
allows (`plans/domain.py`), so each module lists the easiest, safest version first. Doses and
sources follow clinical-reference section 4 (4.1 Too Fit To Fracture, 4.2 Strong, Steady and
Straight, 4.3 Otago, 4.4 LIFTMOR, 4.5 WHO 2020); where the reference gives no number, the dose
field is None and the exercise's source says so.
"""

from osteorehab.plans.exercises import Exercise
from osteorehab.plans.library.aerobic import AEROBIC_EXERCISES
from osteorehab.plans.library.balance import BALANCE
from osteorehab.plans.library.balance_walking import BALANCE_WALKING
from osteorehab.plans.library.flexibility import FLEXIBILITY_EXERCISES
from osteorehab.plans.library.functional import FUNCTIONAL
from osteorehab.plans.library.gait import GAIT_EXERCISES
from osteorehab.plans.library.impact import IMPACT
from osteorehab.plans.library.posture import POSTURE
from osteorehab.plans.library.resistance import RESISTANCE
from osteorehab.plans.library.resistance_high_risk import RESISTANCE_HIGH_RISK
from osteorehab.plans.library.tai_chi import TAI_CHI_FORMS

__all__ = ["EXERCISES"]

ALL: tuple[Exercise, ...] = (
    *RESISTANCE,
    *RESISTANCE_HIGH_RISK,
    *BALANCE,
    *BALANCE_WALKING,
    *GAIT_EXERCISES,
    *IMPACT,
    *POSTURE,
    *AEROBIC_EXERCISES,
    *FLEXIBILITY_EXERCISES,
    *TAI_CHI_FORMS,
    *FUNCTIONAL,
)


def _by_code(exercises: tuple[Exercise, ...]) -> dict[str, Exercise]:
    by_code: dict[str, Exercise] = {}
    for exercise in exercises:
        if exercise.code in by_code:  # a repeated code would silently replace an exercise
            raise ValueError(f"exercise code {exercise.code!r} is used twice")
        by_code[exercise.code] = exercise
    return by_code


EXERCISES: dict[str, Exercise] = _by_code(ALL)
