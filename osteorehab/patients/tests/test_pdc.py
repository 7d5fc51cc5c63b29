"""Proportion of days covered (clinical-reference 5), pure: table tests and properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.patients.domain import (
    COVERED_DAYS_PER_DOSE,
    USUAL_DAYS_SUPPLY,
    Fill,
    covered_intervals,
    monitoring_window,
    pdc,
)

JAN_1, JAN_10 = date(2026, 1, 1), date(2026, 1, 10)  # a 10-day period


def jan(day: int, supply: int) -> Fill:
    return Fill(date(2026, 1, day), supply)


@pytest.mark.parametrize(
    ("fills", "covered"),
    [
        pytest.param([jan(1, 3), jan(5, 2)], 5, id="no overlap"),
        # Jan 1-5, then the refill of Jan 3 starts on Jan 6 (not Jan 3): 9 days, not 6
        pytest.param([jan(1, 5), jan(3, 4)], 9, id="overlap shifted forward"),
        pytest.param([jan(1, 2), jan(8, 2)], 4, id="gap"),
        pytest.param([jan(6, 30)], 5, id="supply beyond the end ignored"),
        pytest.param([Fill(date(2025, 12, 28), 7)], 3, id="fill before the start: Jan 1-3"),
        # Dec 30 - Jan 3, then Jan 4-6: the carried-over supply pushes the refill forward
        pytest.param([Fill(date(2025, 12, 30), 5), jan(1, 3)], 6, id="carry-over from before"),
        pytest.param([Fill(date(2025, 12, 1), 10)], 0, id="used up before the start"),
        pytest.param([Fill(date(2026, 1, 11), 30)], 0, id="dispensed after the end"),
        pytest.param([jan(1, 3), jan(1, 3)], 6, id="two fills on one day run back to back"),
        pytest.param([], 0, id="no fills"),
    ],
)
def test_days_covered(fills, covered):
    result = pdc(fills, start=JAN_1, end=JAN_10)
    assert (result.covered_days, result.period_days) == (covered, 10)
    assert result.pdc == covered / 10
    assert result.adherent is (covered >= 8)


def test_no_fills_is_zero_and_not_adherent():
    result = pdc([], start=JAN_1, end=JAN_10)
    assert (result.covered_days, result.pdc, result.percent) == (0, 0.0, 0.0)
    assert result.adherent is False
    assert result.measurable is False


def test_exactly_80_percent_is_adherent():
    result = pdc([jan(1, 8)], start=JAN_1, end=JAN_10)
    assert (result.covered_days, result.pdc, result.percent, result.adherent) == (
        8,
        0.8,
        80.0,
        True,
    )
    year = pdc([Fill(date(2026, 1, 1), 292)], start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert (year.covered_days, year.period_days, year.pdc, year.adherent) == (292, 365, 0.8, True)


def test_79_point_something_percent_is_not_adherent_and_never_reads_80():
    year = pdc([Fill(date(2026, 1, 1), 291)], start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert (year.covered_days, year.pdc, year.percent, year.adherent) == (291, 0.797, 79.7, False)
    # 7999/10000 = 79.99 %: rounded down for display, so it cannot show as 80.0 %
    start = date(2000, 1, 1)
    cliff = pdc([Fill(start, 7999)], start=start, end=start + timedelta(days=9999))
    assert (cliff.period_days, cliff.pdc, cliff.percent, cliff.adherent) == (
        10000,
        0.799,
        79.9,
        False,
    )


def test_6_monthly_denosumab_on_time_covers_all_but_one_day_of_the_year():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    fills = [Fill(start, 182), Fill(date(2026, 7, 2), 182)]  # 182 days apart
    result = pdc(fills, start=start, end=end)
    assert (result.covered_days, result.pdc, result.adherent, result.measurable) == (
        364,
        0.997,
        True,
        True,
    )


def test_a_late_denosumab_injection_leaves_the_gap_uncovered():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    fills = [Fill(start, 182), Fill(date(2026, 10, 1), 182)]  # 3 months late
    result = pdc(fills, start=start, end=end)
    assert (result.covered_days, result.percent, result.adherent) == (182 + 92, 75.0, False)


def test_the_pqa_measure_needs_two_fill_dates():
    assert pdc([jan(1, 3), jan(1, 3)], start=JAN_1, end=JAN_10).measurable is False
    assert pdc([jan(1, 3), jan(2, 3)], start=JAN_1, end=JAN_10).measurable is True
    # a fill after the period does not count towards it
    late = Fill(date(2026, 2, 1), 3)
    assert pdc([jan(1, 3), late], start=JAN_1, end=JAN_10).measurable is False


def test_the_reason_gives_the_days_and_cites_the_reference():
    result = pdc([jan(1, 8)], start=JAN_1, end=JAN_10)
    assert result.reason.startswith("PDC 8/10 days covered from 2026-01-01 to 2026-01-10: adherent")
    assert "clinical-reference 5" in result.reason
    assert "not adherent" in pdc([jan(1, 7)], start=JAN_1, end=JAN_10).reason


def test_covered_intervals_shift_overlaps_forward():
    assert covered_intervals([jan(3, 4), jan(1, 5)]) == [
        (date(2026, 1, 1), date(2026, 1, 5)),
        (date(2026, 1, 6), date(2026, 1, 9)),
    ]


def test_impossible_input_is_a_programming_error():
    with pytest.raises(ValueError, match="ends before it starts"):
        pdc([], start=JAN_10, end=JAN_1)
    with pytest.raises(ValueError, match="at least one day"):
        pdc([jan(1, 0)], start=JAN_1, end=JAN_10)


def test_usual_supply_holds_only_what_the_reference_gives():
    assert COVERED_DAYS_PER_DOSE == {"weekly": 7, "monthly": 30, "6-monthly": 182, "yearly": 365}
    assert USUAL_DAYS_SUPPLY == {"denosumab": 182, "zoledronate": 365}


@pytest.mark.parametrize(
    ("dates", "until", "window"),
    [
        pytest.param([], date(2026, 11, 21), None, id="no fill"),
        pytest.param([date(2026, 12, 1)], date(2026, 11, 21), None, id="only a later fill"),
        pytest.param(
            [date(2026, 9, 1), date(2026, 10, 1)],
            date(2026, 11, 21),
            (date(2026, 9, 1), date(2026, 11, 21)),
            id="since the first fill",
        ),
        pytest.param(
            [date(2024, 5, 1), date(2026, 10, 1)],
            date(2026, 11, 21),
            (date(2025, 11, 22), date(2026, 11, 21)),
            id="the last 365 days",
        ),
    ],
)
def test_monitoring_window(dates, until, window):
    assert monitoring_window(dates, until=until) == window
    if window:
        assert (window[1] - window[0]).days + 1 <= 365


# --- properties ---

START, END = date(2026, 1, 1), date(2026, 6, 30)
fills_strategy = st.lists(
    st.builds(
        Fill,
        dispensed_on=st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 8, 1)),
        days_supply=st.integers(min_value=1, max_value=400),
    ),
    max_size=12,
)


def days_on_hand(fills: list[Fill], start: date, end: date) -> int:
    """An independent oracle: count day by day the days with a dose on hand, adding each
    fill's supply on the day it is dispensed and using one day's supply per day."""
    if not fills:
        return 0
    stock, covered = 0, 0
    day = min(f.dispensed_on for f in fills)
    while day <= end:
        stock += sum(f.days_supply for f in fills if f.dispensed_on == day)
        if stock > 0:
            stock -= 1
            covered += start <= day
        day += timedelta(days=1)
    return covered


@given(fills_strategy)
def test_pdc_is_between_0_and_1_and_matches_a_day_by_day_count(fills):
    result = pdc(fills, start=START, end=END)
    assert 0 <= result.pdc <= 1
    assert 0 <= result.covered_days <= result.period_days == 181
    assert result.covered_days == days_on_hand(fills, START, END)
    assert result.adherent is (result.covered_days * 5 >= result.period_days * 4)


@given(fills_strategy, fills_strategy.filter(bool).map(lambda f: f[0]))
def test_adding_a_fill_never_lowers_pdc(fills, extra):
    before = pdc(fills, start=START, end=END)
    after = pdc([*fills, extra], start=START, end=END)
    assert after.covered_days >= before.covered_days
    assert after.pdc >= before.pdc


@given(st.data(), fills_strategy)
def test_the_order_of_fills_is_irrelevant(data, fills):
    shuffled = data.draw(st.permutations(fills))
    assert pdc(shuffled, start=START, end=END) == pdc(fills, start=START, end=END)
