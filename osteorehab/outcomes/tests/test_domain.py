"""The outcome statistics against published worked examples and independent calculations, the
time points of an episode, and the fracture-liaison indicators. No database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from osteorehab.assessments.instruments.base import Better
from osteorehab.outcomes.domain import (
    PER_100_YEARS,
    PER_1000_DAYS,
    EpisodeFacts,
    Indicator,
    Reading,
    Treatment,
    age_band,
    baseline_of,
    event_rate,
    exposure_days,
    indicator_met,
    indicator_share,
    paired_change,
    reached_mcid,
    reading_at,
    retained_at,
    share,
    spread,
)
from osteorehab.patients.domain import Fill

from .helpers import known

# Student's sleep data (Cushny & Peebles 1905), the extra hours of sleep of 10 patients on two
# drugs; R's t.test(extra ~ group, data = sleep, paired = TRUE) prints mean difference 1.58,
# 95 % CI 0.7001142 to 2.4598858, t = 4.0621, df = 9.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_change_matches_the_published_sleep_example():
    change = known(
        paired_change(list(zip(SLEEP_1, SLEEP_2, strict=True)), better=Better.HIGHER, mcid=2)
    )
    assert change is not None
    assert change.n == 10
    assert change.mean_change == pytest.approx(1.58)
    ci = known(change.ci)
    assert ci.low == pytest.approx(0.7001142, abs=1e-7)
    assert ci.high == pytest.approx(2.4598858, abs=1e-7)
    # SRM = 1.58 / SD of the differences (1.229995): Cohen's d_z
    assert change.srm == pytest.approx(1.58 / 1.2299955, abs=1e-6)
    assert change.improved is True
    # improved by 2 hours or more: patients 2 (2.4 h) and 9 (4.6 h)
    reached = known(change.reached)
    assert (reached.count, reached.total) == (2, 10)


def test_lower_is_better_counts_a_fall_in_score_as_reaching_the_mcid():
    # PHQ-9: MCID 5 points (Löwe 2004 [clinical-reference 1.1]); 14 -> 8 reaches it, 10 -> 6 not
    change = known(paired_change([(14, 8), (10, 6), (12, 12)], better=Better.LOWER, mcid=5))
    assert change.mean_change == pytest.approx(-10 / 3)
    reached = known(change.reached)
    assert (reached.count, reached.total) == (1, 3)


def test_one_pair_has_no_interval_and_equal_changes_have_no_srm():
    one = known(paired_change([(10, 12)], better=Better.HIGHER, mcid=None))
    assert (one.n, one.mean_change, one.ci, one.srm, one.reached) == (1, 2, None, None, None)
    same = known(paired_change([(1, 3), (5, 7)], better=Better.HIGHER, mcid=None))
    assert (known(same.ci).low, known(same.ci).high, same.srm) == (2, 2, None)
    assert paired_change([], better=Better.HIGHER, mcid=1) is None


def test_a_gait_speed_change_of_exactly_the_mcid_reaches_it_despite_floating_point():
    assert 0.85 - 0.80 < 0.05  # the IEEE double the rule has to survive
    assert reached_mcid(0.80, 0.85, Better.HIGHER, 0.05)  # Perera 2006 [clinical-reference 2.6]
    assert not reached_mcid(0.80, 0.84, Better.HIGHER, 0.05)


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        # Newcombe 1998 (Stat Med 17:857), Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_intervals_match_newcombes_table(count, total, low, high):
    found = known(share(count, total))
    assert (round(found.ci.low, 4), round(found.ci.high, 4)) == (low, high)


def test_no_one_to_count_is_no_share():
    assert share(0, 0) is None
    with pytest.raises(ValueError, match="not a share"):
        share(3, 2)


@pytest.mark.parametrize(
    ("events", "low", "high"),
    [
        # the exact (Garwood) limits for a Poisson count, as tabulated (e.g. Ulm 1990, Am J
        # Epidemiol 131:373): 0 -> 0 to 3.689; 10 -> 4.795 to 18.390
        (0, 0.0, 3.689),
        (10, 4.795, 18.390),
    ],
)
def test_exact_poisson_limits_match_the_table(events, low, high):
    rate = known(event_rate(events, 1000, per_days=PER_1000_DAYS))  # 1,000 patient-days: the count
    assert (round(rate.ci.low, 3), round(rate.ci.high, 3)) == (low, high)


def test_a_rate_per_thousand_days_and_its_limits_agree_with_the_chi_square_calculation():
    rate = known(event_rate(3, 1500, per_days=PER_1000_DAYS))
    assert rate.rate == pytest.approx(2.0)
    # independently: chi2(2k) and chi2(2k+2) quantiles / 2, over 1.5 thousand days
    assert rate.ci.low == pytest.approx(stats.chi2.ppf(0.025, 6) / 2 / 1.5)
    assert rate.ci.high == pytest.approx(stats.chi2.ppf(0.975, 8) / 2 / 1.5)


def test_refractures_per_hundred_patient_years():
    rate = known(event_rate(2, 3 * 365, per_days=PER_100_YEARS))  # 2 in 3 patient-years (nearly)
    assert rate.rate == pytest.approx(2 / (3 * 365 / 36525))
    assert event_rate(1, 0, per_days=PER_100_YEARS) is None


def test_spread_gives_quartiles_and_bins_of_twenty_points():
    found = known(spread([10, 35, 50, 80, 100]))
    assert (found.n, found.median, found.q1, found.q3) == (5, 50, 35, 80)
    assert found.bins == ((0, 19, 1), (20, 39, 1), (40, 59, 1), (60, 79, 0), (80, 100, 2))
    assert known(spread([42])).median == 42
    assert spread([]) is None


START = date(2026, 1, 15)


def test_the_baseline_is_the_last_reading_before_the_program_started():
    readings = [
        Reading(date(2025, 3, 1), 9),  # an earlier episode's
        Reading(date(2026, 1, 2), 12),
        Reading(date(2026, 1, 10), 11),
        Reading(date(2026, 1, 29), 10),
    ]
    found = baseline_of(readings, enrolled_on=date(2026, 1, 1), started_on=START)
    assert found == Reading(date(2026, 1, 10), 11)
    assert baseline_of(readings[-1:], enrolled_on=date(2026, 1, 1), started_on=START) is None


def test_the_reading_at_three_months_is_the_nearest_inside_the_reassessments_window():
    # due 15 April; the full reassessment's window is two weeks either side (followup)
    readings = [
        Reading(date(2026, 3, 31), 1),  # 15 days early: outside
        Reading(date(2026, 4, 8), 2),  # 7 days early
        Reading(date(2026, 4, 22), 3),  # 7 days late: as near, later
        Reading(date(2026, 4, 29), 4),
    ]
    found = known(reading_at(readings, started_on=START, months=3, until=date(2026, 12, 31)))
    assert found.value == 2
    assert reading_at(readings[2:], started_on=START, months=3, until=date(2026, 4, 21)) is None
    assert reading_at(readings[:1], started_on=START, months=3, until=date(2026, 12, 31)) is None


def test_retention_counts_a_discharge_as_retained_and_waits_for_the_day():
    today = date(2026, 12, 1)
    assert retained_at(START, None, 3, today) is True
    assert retained_at(START, date(2026, 3, 1), 3, today) is False
    assert retained_at(START, date(2026, 4, 16), 3, today) is True  # withdrew after 3 months
    assert retained_at(START, None, 12, today) is None


def test_exposure_counts_both_ends_and_stops_at_today():
    assert exposure_days(date(2026, 1, 1), date(2026, 1, 10), date(2026, 6, 1)) == 10
    assert exposure_days(date(2026, 1, 1), None, date(2026, 1, 31)) == 31


@pytest.mark.parametrize(
    ("age", "band"),
    [(49, "<50"), (50, "50-54"), (54, "50-54"), (55, "55-59"), (89, "85-89"), (90, "90+")],
)
def test_age_bands(age, band):
    assert age_band(age) == band


ENROLLED = date(2025, 1, 6)
WEEK = timedelta(weeks=1)


@pytest.mark.parametrize(
    ("indicator", "facts", "today", "met"),
    [
        (Indicator.BONE_DENSITY_12_WEEKS, {"bone_density_on": (ENROLLED + 12 * WEEK,)}, 1, True),
        (Indicator.BONE_DENSITY_12_WEEKS, {"bone_density_on": (ENROLLED + 13 * WEEK,)}, 1, False),
        (Indicator.BONE_DENSITY_12_WEEKS, {}, ENROLLED + 11 * WEEK, None),  # still open
        (Indicator.FALLS_ASSESSED, {"falls_assessed_on": (ENROLLED + 30 * WEEK,)}, 1, True),
        (Indicator.FALLS_ASSESSED, {"falls_assessed_on": (ENROLLED - WEEK,)}, 1, False),
        (Indicator.EXERCISE_16_WEEKS, {"exercise_started_on": ENROLLED + 16 * WEEK}, 1, True),
        (Indicator.EXERCISE_16_WEEKS, {"exercise_started_on": ENROLLED + 17 * WEEK}, 1, False),
        (Indicator.EXERCISE_16_WEEKS, {}, ENROLLED + 2 * WEEK, None),
    ],
)
def test_indicator_windows(indicator, facts, today, met):
    when = date(2026, 6, 1) if today == 1 else today
    assert indicator_met(indicator, EpisodeFacts(ENROLLED, **facts), when) is met


MONTHLY = tuple(Fill(ENROLLED + timedelta(days=30 * n), 30) for n in range(13))


def treated(*treatments: Treatment, today: date = date(2026, 6, 1)) -> tuple:
    facts = EpisodeFacts(ENROLLED, treatments=treatments)
    return (
        indicator_met(Indicator.TREATMENT_16_WEEKS, facts, today),
        indicator_met(Indicator.TREATMENT_52_WEEKS, facts, today),
    )


def test_treatment_started_by_sixteen_weeks_and_still_taken_at_fifty_two():
    assert treated(Treatment(ENROLLED, None, MONTHLY)) == (True, True)
    # stopped at 30 weeks: started in time, not taken at 52 weeks
    assert treated(Treatment(ENROLLED, ENROLLED + 30 * WEEK)) == (True, False)
    # started at 20 weeks: too late for both
    assert treated(Treatment(ENROLLED + 20 * WEEK, None)) == (False, False)
    # not stopped, but refills cover under 80 % of the days (PDC, clinical-reference 5)
    sparse = tuple(Fill(ENROLLED + timedelta(days=60 * n), 30) for n in range(7))
    assert treated(Treatment(ENROLLED, None, sparse)) == (True, False)
    # 52 weeks not yet reached: not counted
    assert treated(Treatment(ENROLLED, None), today=ENROLLED + 40 * WEEK) == (True, None)


def test_an_indicator_share_leaves_out_the_episodes_still_in_their_window():
    today = ENROLLED + 13 * WEEK
    episodes = [
        EpisodeFacts(ENROLLED, bone_density_on=(ENROLLED + WEEK,)),
        EpisodeFacts(ENROLLED),
        EpisodeFacts(today - WEEK),  # enrolled a week ago: not yet counted
        EpisodeFacts(today - WEEK, bone_density_on=(today,)),  # met early: counted
    ]
    found = known(indicator_share(Indicator.BONE_DENSITY_12_WEEKS, episodes, today))
    assert (found.count, found.total) == (2, 3)


# ---- Properties ----

values = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(values, values), min_size=1, max_size=30))
def test_the_interval_of_a_paired_change_contains_its_mean(pairs):
    change = known(paired_change(pairs, better=Better.HIGHER, mcid=1))
    if change.ci is not None:
        assert change.ci.low - 1e-9 <= change.mean_change <= change.ci.high + 1e-9
    assert 0 <= known(change.reached).count <= change.n


@given(st.integers(0, 500), st.integers(1, 100_000))
def test_a_rates_interval_contains_it_and_one_more_event_never_lowers_it(events, days):
    rate = known(event_rate(events, days, per_days=PER_1000_DAYS))
    more = known(event_rate(events + 1, days, per_days=PER_1000_DAYS))
    assert rate.ci.low <= rate.rate <= rate.ci.high
    assert more.rate > rate.rate
    assert more.ci.low >= rate.ci.low
    assert more.ci.high >= rate.ci.high


@given(st.integers(1, 1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_shares_interval_lies_in_zero_to_one_and_contains_it(count_total):
    count, total = count_total
    found = known(share(count, total))
    assert 0 <= found.ci.low <= found.value <= found.ci.high <= 1
