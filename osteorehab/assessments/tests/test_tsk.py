"""TSK-17 and TSK-11 (clinical-reference 1.8): the reverse-keyed items, the > 37 cut-off on both
sides (not >= 37, discrepancy 7.1), TSK-11 without reverse scoring or cut-off."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Source, item_score
from osteorehab.assessments.instruments.tsk import TSK11, TSK17

from .questionnaire_answers import answers_scoring


@pytest.mark.parametrize(
    ("total", "band"),
    [(17, "not_high"), (37, "not_high"), (38, "high"), (68, "high")],
)
def test_the_cut_off_is_above_37_on_both_sides(total, band):
    result = TSK17.score({"items": answers_scoring(TSK17, total)})
    assert (result.total, result.band) == (total, band)


def test_37_is_not_high_kinesiophobia():
    result = TSK17.score({"items": answers_scoring(TSK17, 37)})
    assert result.reasons == (
        "37 is >= 17 and <= 37: not high kinesiophobia by kinesiophobia, "
        "Vlaeyen et al. 1995, Pain 62:363 [clinical-reference 1.8]",
    )


def test_items_4_8_12_16_score_5_minus_the_answer():
    assert [item.key for item in TSK17.items if item.reverse] == ["q4", "q8", "q12", "q16"]
    # all "strongly agree": 13 items x 4 + 4 reversed items x 1
    assert TSK17.score({"items": [4] * 17}).total == 56
    assert TSK17.score({"items": [1] * 17}).total == 29
    answers = [1] * 17
    answers[3] = 4  # item 4 strongly agreed scores 1, so the total stays 29 - 3
    assert TSK17.score({"items": answers}).total == 26


def test_tsk11_sums_its_eleven_items_without_reverse_scoring():
    assert not any(item.reverse for item in TSK11.items)
    assert TSK11.score({"items": [1] * 11}).total == 11
    assert TSK11.score({"items": [4] * 11}).total == 44
    result = TSK11.score({"items": [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2]})
    assert (result.total, result.band, result.bands) == (27, None, {})
    assert result.reasons == ("no validated TSK-11 cut-off: no band [clinical-reference 1.8]",)


def test_tsk11_leaves_out_items_4_8_9_12_14_16():
    assert [item.label for item in TSK11.items][3] == "Item 4 (TSK-17 item 5)"
    kept = [int(item.label.rsplit(" ", 1)[1].rstrip(")")) for item in TSK11.items]
    assert set(range(1, 18)) - set(kept) == {4, 8, 9, 12, 14, 16}


@pytest.mark.parametrize("instrument", [TSK17, TSK11])
def test_any_unanswered_item_makes_the_total_not_computable(instrument):
    items = [2] * (len(instrument.items) - 1) + [None]
    result = instrument.score({"items": items})
    assert (result.valid, result.total, result.band) == (False, None, None)


@pytest.mark.parametrize(
    ("instrument", "items", "field"),
    [
        (TSK17, [0] + [1] * 16, "q1"),
        (TSK17, [1] * 16 + [5], "q17"),
        (TSK17, [1] * 11, "items"),
        (TSK11, [1] * 10 + [5], "q11"),
        (TSK11, [1] * 17, "items"),
    ],
)
def test_out_of_range_answers_are_refused_naming_the_item(instrument, items, field):
    with pytest.raises(InputError) as error:
        instrument.score({"items": items})
    assert error.value.field == field


@given(st.lists(st.integers(1, 4), min_size=17, max_size=17))
def test_reversing_every_answer_mirrors_the_tsk17_total(items):
    total = TSK17.score({"items": items}).total
    assert total is not None
    assert 17 <= total <= 68
    assert TSK17.score({"items": [5 - a for a in items]}).total == 85 - total
    for item, answer in zip(TSK17.items, items, strict=True):
        assert item_score(item, item_score(item, answer)) == answer  # an involution


@given(st.lists(st.integers(1, 4), min_size=11, max_size=11))
def test_tsk11_total_stays_in_11_to_44(items):
    assert TSK11.score({"items": items}).total == sum(items)


def test_both_versions_have_an_mcid_of_4_points():
    assert (TSK17.mcid, TSK11.mcid) == (4, 4)
    assert TSK17.mcid_source == TSK11.mcid_source == Source("Woby et al. 2005, Pain 117:137", "1.8")
    assert (TSK17.loinc, TSK11.loinc) == ({}, {})
