from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Reason
from osteorehab.logbook.domain import Adherence
from osteorehab.meetings import domain
from osteorehab.meetings.domain import (
    Entry,
    Fall,
    Need,
    NeedKind,
    OpenAlert,
    Overdue,
    Pending,
    Reading,
    agenda,
    measure_needs,
)

TODAY = date(2026, 3, 2)
SINCE = date(2026, 2, 2)
GAD7, PHQ9 = INSTRUMENTS["gad7"], INSTRUMENTS["phq9"]
SHORT_FES_I, CHAIR = INSTRUMENTS["short_fes_i"], INSTRUMENTS["chair_stand_30s"]


def readings(*totals, bands=None, flags=None, first=date(2026, 1, 5)):
    """Readings a fortnight apart, the first one the baseline, the last one on TODAY - 1."""
    start = TODAY - timedelta(days=1 + 14 * (len(totals) - 1)) if first is None else first
    return [
        Reading(
            day=start + timedelta(days=14 * n),
            total=total,
            band=(bands or {}).get(n, ""),
            flags=(flags or {}).get(n, ()),
            baseline=n == 0,
        )
        for n, total in enumerate(totals)
    ]


def recent(*totals, **kwargs):
    return readings(*totals, first=None, **kwargs)


def kinds(needs):
    return [need.kind for need in needs]


def test_a_first_meeting_looks_back_28_days_later_ones_to_the_last_meeting():
    assert domain.facts_since(None, TODAY) == date(2026, 2, 2)
    assert domain.facts_since(date(2026, 2, 20), TODAY) == date(2026, 2, 20)


def test_only_urgent_open_alerts_are_needs():
    needs = domain.alert_needs(
        [
            OpenAlert("Fall with injury", date(2026, 3, 1), urgent=True),
            OpenAlert("Something minor", date(2026, 3, 1), urgent=False),
        ]
    )
    assert [(n.kind, n.urgent, str(n.reason)) for n in needs] == [
        (NeedKind.URGENT_ALERT, True, "urgent alert, open since 2026-03-01: Fall with injury")
    ]


@pytest.mark.parametrize(
    ("day", "counted"),
    [(SINCE - timedelta(days=1), False), (SINCE, True), (TODAY, True)],
)
def test_falls_count_from_the_day_of_the_last_meeting(day, counted):
    needs = domain.fall_needs([Fall(day, injury=True)], since=SINCE)
    assert kinds(needs) == ([NeedKind.FALL] if counted else [])


def test_fall_reports_and_check_ins_are_one_need_with_both_facts():
    (need,) = domain.fall_needs(
        [
            Fall(date(2026, 2, 10), injury=False),
            Fall(date(2026, 2, 20), injury=True),
            Fall(date(2026, 2, 21), reported=False),
            Fall(date(2026, 1, 2), injury=True),  # before the last meeting
        ],
        since=SINCE,
    )
    assert str(need.reason) == (
        "2 fall report(s) since 2026-02-02, the latest on 2026-02-20, 1 with injury; "
        "a fall noted in 1 daily check-in(s) since 2026-02-02"
    )


# ---- Measures: worse by the MCID where there is one ----


@pytest.mark.parametrize(
    ("instrument", "totals", "worse"),
    [
        (GAD7, (6, 9), False),  # up 3: under the MCID of 4
        (GAD7, (6, 10), True),  # up 4: the MCID
        (GAD7, (10, 6), False),  # better
        (PHQ9, (4, 8), False),  # up 4: under the MCID of 5
        (PHQ9, (4, 9), True),
        (INSTRUMENTS["six_minute_walk"], (400, 381), False),  # higher is better; MCID 20 m
        (INSTRUMENTS["six_minute_walk"], (400, 380), True),
        (INSTRUMENTS["tug"], (12.0, 14.0), False),  # no MCID and no band: not judged here
    ],
)
def test_a_measure_is_worse_by_at_least_its_mcid(instrument, totals, worse):
    needs = measure_needs(instrument, recent(*totals), since=SINCE)
    assert kinds(needs) == ([NeedKind.WORSENING] if worse else [])


def test_the_reason_gives_both_values_the_change_and_the_mcids_source():
    (need,) = measure_needs(GAD7, recent(6, 10), since=SINCE)
    assert str(need.reason) == (
        "GAD-7 on 2026-03-01, since the previous reading on 2026-02-15: 6 to 10: worse by 4, at "
        "least the minimal important change of 4 (Toussaint et al. 2020 (from memory) "
        "(unverified) [clinical-reference 1.2])"
    )


def test_worse_than_the_baseline_counts_when_the_previous_reading_was_already_worse():
    (need,) = measure_needs(GAD7, recent(5, 8, 9), since=SINCE)  # +1 on the last, +4 overall
    assert need.kind is NeedKind.WORSENING
    assert "since the baseline on 2026-02-01: 5 to 9: worse by 4" in str(need.reason)


def test_a_measure_whose_latest_reading_predates_the_last_meeting_is_not_news():
    old = readings(6, 12, first=date(2025, 12, 1))
    assert measure_needs(GAD7, old, since=SINCE) == []
    assert measure_needs(GAD7, recent(12), since=SINCE) == []  # one reading: nothing to compare


# ---- Without an MCID: into a worse band, or below the norm ----


@pytest.mark.parametrize(
    ("totals", "bands", "worse"),
    [
        ((8, 9), ("low", "moderate"), True),  # Delbaere 2010: 9-13 moderate
        ((9, 13), ("moderate", "moderate"), False),
        ((13, 14), ("moderate", "high"), True),  # 14-28 high
        ((14, 9), ("high", "moderate"), False),
    ],
)
def test_a_scale_without_an_mcid_is_worse_when_it_crosses_into_a_worse_band(totals, bands, worse):
    series = recent(*totals, bands=dict(enumerate(bands)))
    needs = measure_needs(SHORT_FES_I, series, since=SINCE)
    assert kinds(needs) == ([NeedKind.WORSENING] if worse else [])
    if worse:
        assert "Delbaere et al. 2010" in str(needs[0].reason)


def test_a_chair_stand_is_worse_when_it_falls_below_the_norm_for_age_and_sex():
    below = recent(12, 9, flags={1: ("below_norm",)})
    (need,) = measure_needs(CHAIR, below, since=SINCE)
    assert "12 to 9: now Below the norm for age and sex" in str(need.reason)
    assert "[clinical-reference 2.2]" in str(need.reason)
    still_below = recent(9, 8, flags={0: ("below_norm",), 1: ("below_norm",)})
    assert measure_needs(CHAIR, still_below, since=SINCE) == []


def test_a_rating_without_mcid_or_bands_is_not_judged():
    assert measure_needs(INSTRUMENTS["confidence"], recent(9, 1), since=SINCE) == []
    assert measure_needs(INSTRUMENTS["two_minute_walk"], recent(200, 90), since=SINCE) == []


# ---- Stalled ----


@pytest.mark.parametrize(
    ("totals", "bands", "stalled"),
    [
        ((12, 11, 10, 10), "moderate", True),  # 2 better over 3 check-ups: under the MCID
        ((12, 11, 10, 8), "mild", False),  # 4 better: the MCID
        ((12, 12, 12, 12), "moderate", True),
        ((4, 4, 4, 4), "minimal", False),  # the best band: nothing to improve
        ((12, 11, 10), "moderate", False),  # two check-ups after the first reading
    ],
)
def test_a_measure_stalls_without_improvement_over_three_check_ups(totals, bands, stalled):
    series = recent(*totals, bands={len(totals) - 1: bands})
    needs = measure_needs(GAD7, series, since=SINCE)
    assert kinds(needs) == ([NeedKind.STALLED] if stalled else [])


def test_the_stalled_reason_names_the_values_and_the_local_choice():
    (need,) = measure_needs(GAD7, recent(12, 11, 10, 10, bands={3: "moderate"}), since=SINCE)
    assert str(need.reason) == (
        "GAD-7: no improvement over the last 3 check-ups (12, then 11, 10, 10), still moderate; "
        "3 check-ups is a local program choice"
    )


def test_without_an_mcid_a_better_band_or_a_cleared_flag_is_progress():
    same_band = dict.fromkeys(range(4), "moderate")
    assert kinds(measure_needs(SHORT_FES_I, recent(11, 11, 10, 10, bands=same_band), since=SINCE))
    improved = {0: "moderate", 1: "low", 2: "moderate", 3: "moderate"}
    assert measure_needs(SHORT_FES_I, recent(11, 8, 10, 10, bands=improved), since=SINCE) == []
    flagged = dict.fromkeys(range(4), ("below_norm",))
    (need,) = measure_needs(CHAIR, recent(8, 8, 9, 9, flags=flagged), since=SINCE)
    assert "still Below the norm for age and sex" in str(need.reason)
    cleared = {0: ("below_norm",), 2: ("below_norm",), 3: ("below_norm",)}
    assert measure_needs(CHAIR, recent(8, 10, 9, 9, flags=cleared), since=SINCE) == []


def test_worsening_is_said_before_stalling():
    series = recent(12, 12, 12, 16, bands={3: "severe"})
    assert kinds(measure_needs(GAD7, series, since=SINCE)) == [NeedKind.WORSENING]


@pytest.mark.parametrize("code", ["gad7", "phq9", "short_fes_i", "fes_i"])
def test_the_bands_the_rules_rank_run_from_the_lowest_values_up(code):
    bands = INSTRUMENTS[code].bandings[0].bands
    lows = [band.min for band in bands]
    assert None not in lows
    assert lows == sorted(low for low in lows if low is not None)


# ---- Adherence, follow-ups, proposals ----


@pytest.mark.parametrize(
    ("planned", "done", "partly", "low"),
    [
        (10, 5, 0, False),  # exactly half: not under half
        (10, 4, 0, True),
        (10, 3, 2, False),  # a session done in part counts as exercised
        (9, 4, 0, True),  # 4/9 < 1/2
        (1, 0, 0, True),
        (0, 0, 0, False),  # nothing planned: nothing to say
    ],
)
def test_low_adherence_is_under_half_the_planned_sessions(planned, done, partly, low):
    needs = domain.adherence_needs(Adherence(planned=planned, done=done, partly=partly))
    assert kinds(needs) == ([NeedKind.ADHERENCE] if low else [])


def test_overdue_follow_ups_are_one_need_and_proposals_one_each():
    (overdue,) = domain.overdue_needs(
        [Overdue("Motor endurance test", date(2026, 2, 20)), Overdue("GAD-7", date(2026, 2, 1))]
    )
    assert str(overdue.reason) == "GAD-7, due 2026-02-01; Motor endurance test, due 2026-02-20"
    proposals = domain.proposal_needs(
        [
            Pending("Marked exercise fatigue", "Rehabilitation therapist", date(2026, 3, 1)),
            Pending("A fall", "Physician", date(2026, 2, 28), urgent=True),
        ]
    )
    assert [(str(p.reason), p.urgent) for p in proposals] == [
        ("waiting since 2026-02-28 for the Physician: A fall", True),
        (
            "waiting since 2026-03-01 for the Rehabilitation therapist: Marked exercise fatigue",
            False,
        ),
    ]


def test_a_need_is_stored_and_read_back_with_its_reason_template():
    need = domain.measure_needs(GAD7, recent(6, 10), since=SINCE)[0]
    back = Need.from_stored(need.stored())
    assert back == need
    assert back.reason.template == need.reason.template


# ---- The agenda ----


def need(kind, text="x", urgent=False):
    return Need(kind, Reason(text), urgent)


def test_the_agenda_puts_urgent_first_then_the_most_pressing_kind_then_most_needs_then_name():
    needs = {
        1: [need(NeedKind.STALLED)],
        2: [need(NeedKind.FALL)],
        3: [need(NeedKind.ADHERENCE), need(NeedKind.FALL, "y")],
        4: [need(NeedKind.STALLED), need(NeedKind.URGENT_ALERT, urgent=True)],
        5: [],
        6: [need(NeedKind.FALL)],
    }
    names = {1: "Ann", 2: "Zoe", 3: "Bea", 4: "Yan", 6: "Amy"}
    assert [entry.patient_id for entry in agenda(needs, names)] == [4, 3, 6, 2, 1]


def test_each_need_is_listed_once_most_pressing_first():
    (entry,) = agenda({7: [need(NeedKind.STALLED), need(NeedKind.FALL), need(NeedKind.FALL)]}, {})
    assert kinds(entry.needs) == [NeedKind.FALL, NeedKind.STALLED]


def test_merged_gathers_each_sources_needs_per_patient():
    fall, stalled = need(NeedKind.FALL), need(NeedKind.STALLED)
    assert domain.merged([{1: [fall]}, {1: [stalled], 2: []}]) == {1: [fall, stalled], 2: []}


needs_strategy = st.builds(
    Need,
    st.sampled_from(list(NeedKind)),
    st.text(alphabet="abc", max_size=3).map(Reason),
    st.booleans(),
)
needs_by_patient = st.dictionaries(
    st.integers(min_value=1, max_value=12), st.lists(needs_strategy, max_size=4), max_size=8
)
names_strategy = st.dictionaries(
    st.integers(min_value=1, max_value=12), st.sampled_from(["Ann", "Bo", "Cy", ""]), max_size=12
)


def listed(entries: list[Entry]) -> list[int]:
    return [entry.patient_id for entry in entries]


@given(needs_by_patient, names_strategy, st.integers(1, 12), needs_strategy)
def test_adding_a_reason_never_removes_a_patient_from_the_agenda(needs, names, patient, extra):
    before = set(listed(agenda(needs, names)))
    more = {**needs, patient: [*needs.get(patient, []), extra]}
    after = set(listed(agenda(more, names)))
    assert before <= after
    assert patient in after


@given(needs_by_patient, names_strategy, st.randoms())
def test_the_agenda_order_does_not_depend_on_the_order_of_the_facts(needs, names, rng):
    shuffled_keys = list(needs)
    rng.shuffle(shuffled_keys)
    shuffled = {}
    for key in shuffled_keys:
        some = list(needs[key])
        rng.shuffle(some)
        shuffled[key] = some
    assert agenda(shuffled, names) == agenda(needs, names)


@given(needs_by_patient, names_strategy)
def test_the_agenda_lists_exactly_the_patients_with_a_need(needs, names):
    assert sorted(listed(agenda(needs, names))) == sorted(p for p, n in needs.items() if n)


@given(st.lists(st.integers(min_value=0, max_value=21), min_size=2, max_size=8))
def test_a_gad7_that_never_rises_is_never_worse(totals):
    series = recent(*sorted(totals, reverse=True))
    assert NeedKind.WORSENING not in kinds(measure_needs(GAD7, series, since=SINCE))


@given(st.lists(st.integers(min_value=0, max_value=21), max_size=6), st.integers(0, 17))
def test_a_gad7_up_by_the_mcid_on_the_previous_reading_is_always_worse(totals, start):
    needs = measure_needs(GAD7, recent(*totals, start, start + 4), since=SINCE)
    assert kinds(needs) == [NeedKind.WORSENING]
