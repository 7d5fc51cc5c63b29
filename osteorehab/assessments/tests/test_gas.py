"""Goal Attainment Scaling T-score (clinical-reference 1.11): the reference's worked values,
Kiresuk & Sherman's formula with rho 0.3 (not the uncorrected Turner-Stokes 2009 print, 7.11),
and refused goals."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.gas import GAS, RHO, t_score

LEVEL = st.integers(-2, 2)
WEIGHT = st.integers(1, 9)


@pytest.mark.parametrize(
    ("goals", "t"),
    [
        ([{"attained": 2}] * 3, 77.39),
        ([{"attained": -1}], 40.00),
        (
            [
                {"attained": -1, "weight": 1},
                {"attained": 0, "weight": 2},
                {"attained": 2, "weight": 3},
            ],
            61.02,
        ),
        ([{"attained": -2}] * 4, 20.98),
        ([{"attained": 0}] * 5, 50.00),
    ],
)
def test_the_worked_values_of_the_reference(goals, t):
    assert GAS.score({"goals": goals}).total == t


def test_the_result_says_how_it_was_computed():
    result = GAS.score({"goals": [{"attained": 2}] * 3})
    assert (result.band, result.figures) == (None, {"goals": 3, "weighted": False, "rho": 0.3})
    assert result.reasons == (
        "T = 77.39 from 3 goal(s), unweighted, rho 0.3; 50 means every goal attained as "
        "expected (Kiresuk & Sherman 1968, Community Ment Health J 4:443 "
        "[clinical-reference 1.11])",
    )


def test_rho_is_0_3():
    assert RHO == 0.3


def test_a_goal_of_weight_0_does_not_count():
    alone = GAS.score({"goals": [{"attained": 1, "weight": 2}]})
    beside = GAS.score({"goals": [{"attained": 1, "weight": 2}, {"attained": -2, "weight": 0}]})
    assert alone.total == beside.total == 60


@pytest.mark.parametrize(
    ("goals", "field"),
    [
        ([], "goals"),
        (None, "goals"),
        ([{"attained": 3}], "goals[0].attained"),
        ([{"attained": 0}, {"attained": -3}], "goals[1].attained"),
        ([{"attained": True}], "goals[0].attained"),
        ([{"attained": "1"}], "goals[0].attained"),
        ([{}], "goals[0].attained"),
        ([{"attained": 0}, {"attained": 1, "weight": -1}], "goals[1].weight"),
        ([{"attained": 0, "weight": 10}], "goals[0].weight"),
        ([{"attained": 0, "weight": None}], "goals[0].weight"),
        ([{"attained": 0, "weight": 0}], "goals"),
        ([2], "goals[0]"),
    ],
)
def test_bad_goals_are_refused_naming_the_field(goals, field):
    with pytest.raises(InputError) as error:
        GAS.score({"goals": goals})
    assert error.value.field == field


@given(st.lists(LEVEL, min_size=1, max_size=12))
def test_unweighted_t_is_the_reference_s_unweighted_formula(levels):
    n = len(levels)
    expected = 50 + 10 * sum(levels) / math.sqrt(0.7 * n + 0.3 * n**2)
    assert t_score(levels, [1] * n) == pytest.approx(expected)


@given(st.lists(st.tuples(LEVEL, WEIGHT), min_size=1, max_size=12))
def test_t_stays_within_its_bounds_and_mirrors_around_50(goals):
    levels, weights = zip(*goals, strict=True)
    t = t_score(levels, weights)
    bound = 20 / math.sqrt(RHO)  # every goal at +2 or -2, as the goals grow many
    assert 50 - bound < t < 50 + bound
    assert t_score([-x for x in levels], weights) == pytest.approx(100 - t)
    result = GAS.score({"goals": [{"attained": x, "weight": w} for x, w in goals]})
    assert result.total == pytest.approx(t, abs=0.005 + 1e-9)  # rounded half up to 2 dp


@given(st.lists(st.tuples(LEVEL, WEIGHT), min_size=1, max_size=12), st.data())
def test_raising_one_goal_raises_t(goals, data):
    levels, weights = map(list, zip(*goals, strict=True))
    n = data.draw(st.integers(0, len(goals) - 1))
    before = t_score(levels, weights)
    if levels[n] < 2:
        levels[n] += 1
        assert t_score(levels, weights) > before


def test_gas_is_a_free_method_without_mcid_or_loinc():
    assert (GAS.licence, GAS.mcid, GAS.loinc, GAS.kind) == ("free", None, {}, "calculation")
