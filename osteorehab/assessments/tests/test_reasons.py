"""Reasons read in English where they are printed and in the reader's language on the web."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import FLAG_LABELS, Band, Reason, Result


def zh(reason: Reason) -> str:
    with translation.override("zh-hans"):
        return reason.translated(translation.gettext)


def test_a_reason_is_its_english_text():
    reason = Reason("{falls} fall(s) in the past 12 months", falls=2)
    assert reason == "2 fall(s) in the past 12 months"
    assert isinstance(reason, str)


def test_a_reason_translates_its_template_and_its_words_but_not_its_numbers():
    result = INSTRUMENTS["phq9"].score({"items": [2, 2, 2, 2, 2, 2, 1, 1, 0]})
    banding = result.reasons[0]
    assert banding.startswith("14 is >= 10 and <= 14: moderate by severity, Kroenke")
    assert zh(banding).startswith("14 >= 10 且 <= 14：按 severity 为中度")
    assert "[临床参考 1.1]" in zh(banding)


def test_a_list_of_words_is_joined_and_each_word_translated():
    result = INSTRUMENTS["falls_risk_wfg"].score(
        {
            "falls_12m": 1,
            "fall_injury": True,
            "unable_to_get_up": True,
            "lying_long": False,
            "loss_of_consciousness": False,
            "frailty": False,
        }
    )
    assert result.reasons[1] == (
        "fell with a severity indicator: a fall with injury; unable to get up after a fall"
    )
    assert zh(result.reasons[1]) == "跌倒且有严重程度指标：跌倒并受伤; 跌倒后无法自行起身"


def test_a_stored_reason_comes_back_whole():
    nested = Band("moderate", "moderate", min=10, max=14).describe()
    reason = Reason("{subscale}: {reason}", subscale="anxiety", reason=nested)
    again = Reason.from_stored(reason.stored())
    assert (again, again.template, zh(again)) == (reason, reason.template, zh(reason))


@given(st.sampled_from(sorted(INSTRUMENTS)))
def test_every_example_result_survives_storage_with_its_reasons(code):
    result = INSTRUMENTS[code].score(EXAMPLES[code])
    stored = result.stored()
    assert [Reason.from_stored(why) for why in stored["why"]] == list(result.reasons)


def test_every_flag_has_words_in_both_languages():
    with translation.override("zh-hans"):
        for words in FLAG_LABELS.values():
            assert translation.gettext(words) != words


def test_a_flag_without_words_is_a_data_error():
    with pytest.raises(ValueError, match="no_such_flag"):
        Result("x", "1", valid=True, flags=("no_such_flag",))
