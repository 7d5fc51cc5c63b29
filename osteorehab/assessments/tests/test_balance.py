"""4-Stage Balance Test (clinical-reference 2.3): the tandem rule on both sides, the stop at
the first stance not held, and refusal of impossible input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.balance import FOUR_STAGE
from osteorehab.assessments.instruments.base import InputError


def stages(*seconds):
    return {f"stage{n}_seconds": s for n, s in enumerate(seconds, start=1)}


@pytest.mark.parametrize(
    ("held", "total", "band"),
    [
        ((10, 10, 9.99), 2, "at_risk"),
        ((10, 10, 10, 0), 3, "not_at_risk"),
    ],
)
def test_the_tandem_stance_on_both_sides_of_10_seconds(held, total, band):
    result = FOUR_STAGE.score(stages(*held))
    assert (result.total, result.band) == (total, band)
    assert result.figures["tandem_seconds"] == held[2]
    assert result.figures["norm"] == 10


def test_failing_only_the_single_leg_stance_does_not_trigger_the_rule():
    result = FOUR_STAGE.score(stages(10, 10, 10, 4.2))
    assert (result.total, result.band, result.flags) == (3, "not_at_risk", ())


def test_all_four_stances_held():
    assert FOUR_STAGE.score(stages(10, 10, 10, 10)).total == 4


@pytest.mark.parametrize(("held", "stage"), [((3,), 1), ((10, 9.5), 2)])
def test_failing_an_earlier_stance_means_the_tandem_was_not_held(held, stage):
    result = FOUR_STAGE.score(stages(*held))
    assert (result.total, result.band, result.flags) == (stage - 1, "at_risk", ("fall_risk",))
    assert result.figures["tandem_seconds"] is None
    assert f"stage {stage} was not held 10 s" in result.reasons[0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (stages(9, 10), "stage2_seconds"),  # the test stopped at stage 1
        (stages(10, 10, 5, 10), "stage4_seconds"),
        (stages(10, 10), "stage3_seconds"),  # attempted, so required
        (stages(10, 10, 10), "stage4_seconds"),
        ({}, "stage1_seconds"),
        (stages(10.5), "stage1_seconds"),
        (stages(10, -1), "stage2_seconds"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        FOUR_STAGE.score(data)
    assert error.value.field == field


@st.composite
def a_test(draw):
    """Stances held 10 s until the first one that is not (or all four)."""
    held = draw(st.integers(0, 4))
    seconds = [10.0] * held
    if held < 4:
        seconds.append(draw(st.floats(0, 10, exclude_max=True)))
    return seconds


@given(a_test())
def test_the_total_is_the_stances_held_and_the_rule_is_the_tandem(seconds):
    result = FOUR_STAGE.score(stages(*seconds))
    assert result.total is not None
    assert result.total == sum(s == 10 for s in seconds)
    assert 0 <= result.total <= 4
    tandem_held = len(seconds) >= 3 and seconds[2] == 10
    assert ("fall_risk" in result.flags) == (not tandem_held)
