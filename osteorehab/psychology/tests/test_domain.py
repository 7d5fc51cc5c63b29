"""The module catalogue and the session-frequency rule: every band boundary on both sides, the
PHQ-9 item-9 safety step, unmeasured scores, and properties over all baselines."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.psychology.domain import (
    BAND_FREQUENCY,
    MEASURES,
    MODULES,
    RISK_FOLLOW_UP,
    URGENT_RISK_ASSESSMENT,
    Baseline,
    Frequency,
    recommend,
)

W, F, M = Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.MONTHLY
LOCAL = "local program rule (not from the clinical reference)"


def module(baseline: Baseline, code: str):
    [found] = [r for r in recommend(baseline) if r.code == code]
    return found


@pytest.mark.parametrize(
    ("gad7", "frequency"),
    [(0, None), (4, None), (5, F), (9, F), (10, W), (14, W), (15, W), (21, W)],
)
def test_gad7_bands_set_relaxation_sessions(gad7, frequency):
    assert module(Baseline(gad7=gad7), "relaxation_mindfulness").frequency == frequency


@pytest.mark.parametrize(
    ("phq9", "frequency"),
    [(0, None), (4, None), (5, F), (9, F), (10, W), (14, W), (15, W), (19, W), (20, W), (27, W)],
)
def test_phq9_bands_set_problem_solving_sessions(phq9, frequency):
    baseline = Baseline(phq9=phq9, phq9_item9=0)
    assert module(baseline, "problem_solving").frequency == frequency


@pytest.mark.parametrize(("tsk17", "frequency"), [(17, None), (37, None), (38, W), (68, W)])
def test_tsk17_above_37_sets_weekly_graded_exposure(tsk17, frequency):
    # Vlaeyen 1995: high kinesiophobia is > 37, so 37 itself is not high (clinical-reference 1.8)
    assert module(Baseline(tsk17=tsk17), "graded_exposure").frequency == frequency


@pytest.mark.parametrize(
    ("fes_i", "frequency"), [(16, None), (19, None), (20, F), (27, F), (28, W), (64, W)]
)
def test_fes_i_bands_set_graded_exposure(fes_i, frequency):
    assert module(Baseline(fes_i=fes_i), "graded_exposure").frequency == frequency


@pytest.mark.parametrize(
    ("short_fes_i", "frequency"), [(7, None), (8, None), (9, F), (13, F), (14, W), (28, W)]
)
def test_short_fes_i_bands_set_graded_exposure(short_fes_i, frequency):
    assert module(Baseline(short_fes_i=short_fes_i), "graded_exposure").frequency == frequency


def test_the_reason_gives_the_score_its_band_source_and_the_local_rule():
    r = module(Baseline(gad7=10), "relaxation_mindfulness")
    assert r.reason == (
        "GAD-7 10 = moderate anxiety, Spitzer et al. 2006, Arch Intern Med 166:1092 "
        "[clinical-reference 1.2] -> weekly; sessions weekly, the most frequent of these: "
        "local program rule (not from the clinical reference)"
    )
    assert r.set_by == ("gad7",)


def test_the_most_frequent_measure_sets_a_module_and_is_named():
    # cognitive sessions: moderate anxiety (weekly) beats a moderate Short FES-I (every two weeks)
    r = module(Baseline(gad7=10, short_fes_i=9, tsk17=30), "cognitive_restructuring")
    assert (r.frequency, r.set_by) == (W, ("gad7",))
    assert "Short FES-I 9 = moderate concern about falling, Delbaere et al. 2010" in r.reason
    assert "TSK-17 30 = not high kinesiophobia, Vlaeyen et al. 1995" in r.reason
    assert "-> no sessions on this account" in r.reason
    # the FES-I is not asked for when the Short FES-I (its alternative) was measured
    assert r.not_measured == ()
    assert "FES-I:" not in r.reason


def test_core_modules_are_monthly_for_every_patient_even_with_nothing_measured():
    for code in ("psychoeducation", "motivational_interviewing", "peer_group", "family_session"):
        r = module(Baseline(), code)
        assert (r.frequency, r.set_by) == (M, ("core",))
        assert r.reason == (
            "a core module, offered to every patient -> monthly; sessions monthly, the most "
            "frequent of these: local program rule (not from the clinical reference)"
        )


def test_a_module_without_any_score_has_no_frequency_and_says_so():
    r = module(Baseline(), "graded_exposure")
    assert r.frequency is None
    assert r.awaiting_scores
    assert r.not_measured == ("tsk17", "fes_i", "short_fes_i")
    assert r.reason == (
        "TSK-17: no baseline score, so it sets no frequency yet; FES-I or Short FES-I: no "
        "baseline score, so it sets no frequency yet; no frequency yet: none of its measures "
        "has a baseline score"
    )


def test_minimal_scores_call_for_no_targeted_sessions_by_the_local_rule():
    r = module(Baseline(phq9=4, phq9_item9=0, gad7=4), "emotional_support")
    assert r.frequency is None
    assert not r.awaiting_scores
    assert r.reason.endswith(
        "no sessions called for by the baseline scores: local program rule (not from the "
        "clinical reference)"
    )


def test_a_partly_measured_module_names_what_is_missing():
    r = module(Baseline(phq9=12, phq9_item9=0), "emotional_support")
    assert (r.frequency, r.not_measured) == (W, ("gad7",))
    assert "GAD-7: no baseline score, so it sets no frequency yet" in r.reason


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item9_above_zero_puts_an_urgent_risk_assessment_first(item9):
    # even with a minimal total: the rule holds whatever the total (clinical-reference 1.1)
    first, *rest = recommend(Baseline(phq9=item9, phq9_item9=item9))
    assert (first.code, first.urgent, first.frequency) == (URGENT_RISK_ASSESSMENT, True, None)
    assert first.reason == (
        f"PHQ-9 item 9 = {item9} (> 0): an urgent clinical risk assessment comes first, before "
        "any session is planned; the frequencies below apply only after it "
        "[clinical-reference 1.1]"
    )
    assert [r.code for r in rest] == [m.code for m in MODULES]


def test_item9_counts_even_when_the_phq9_total_is_not_computable():
    first = recommend(Baseline(phq9=None, phq9_item9=1))[0]
    assert first.code == URGENT_RISK_ASSESSMENT


def test_item9_zero_needs_no_safety_step_and_unanswered_needs_a_follow_up():
    assert recommend(Baseline(phq9=12, phq9_item9=0))[0].code == "psychoeducation"
    first = recommend(Baseline(phq9=12, phq9_item9=None))[0]
    assert (first.code, first.urgent) == (RISK_FOLLOW_UP, True)
    assert "safety state is unknown" in first.reason
    # no PHQ-9 at all: nothing to follow up, and the modules say it is not measured
    assert recommend(Baseline())[0].code == "psychoeducation"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gad7", -1),
        ("gad7", 22),
        ("phq9", 28),
        ("phq9_item9", 4),
        ("tsk17", 16),
        ("tsk17", 69),
        ("fes_i", 15),
        ("fes_i", 65),
        ("short_fes_i", 6),
        ("short_fes_i", 29),
        ("gad7", 10.0),
        ("gad7", True),
    ],
)
def test_impossible_scores_are_refused_not_clamped(field, value):
    with pytest.raises(ValueError, match=field):
        Baseline(**{field: value})


def test_from_totals_reads_whole_stored_totals_and_refuses_fractions():
    assert Baseline.from_totals({"gad7": 10.0, "phq9": None, "tug": 12.3}, phq9_item9=0) == (
        Baseline(gad7=10, phq9_item9=0)
    )
    with pytest.raises(ValueError, match="short_fes_i"):
        Baseline.from_totals({"short_fes_i": 9.5})


def test_the_catalogue_is_complete_and_consistent():
    codes = [m.code for m in MODULES]
    assert len(codes) == len(set(codes)) == 9
    for m in MODULES:
        assert m.name
        assert m.name_zh
        assert m.techniques
        assert 2 <= m.description.count(". ") + 1 <= 3, m.code  # two or three sentences
        assert 2 <= m.description_zh.count("。") <= 3, m.code
        assert set(m.measures) <= set(MEASURES)
        assert m.core or m.measures, f"{m.code} is offered to nobody"
    # every band of every measure has its frequency (None included) in the local rule
    for code, measure in MEASURES.items():
        assert {b.code for b in measure.banding.bands} == set(BAND_FREQUENCY[code])
    assert {m.code for m in MODULES if m.linked_to_exercise_plan} == {"graded_exposure"}
    fear = {m.code for m in MODULES if "tsk17" in m.measures}
    assert fear == {"cognitive_restructuring", "graded_exposure"}


scores = st.builds(
    Baseline,
    gad7=st.none() | st.integers(0, 21),
    phq9=st.none() | st.integers(0, 27),
    phq9_item9=st.none() | st.integers(0, 3),
    tsk17=st.none() | st.integers(17, 68),
    short_fes_i=st.none() | st.integers(7, 28),
    fes_i=st.none() | st.integers(16, 64),
)
RANGES = {"gad7": 21, "phq9": 27, "tsk17": 68, "fes_i": 64, "short_fes_i": 28}


def per_month(baseline: Baseline) -> dict[str, int]:
    return {r.code: r.sessions_per_month for r in recommend(baseline) if not r.urgent}


@given(scores, st.integers(0, 21), st.integers(0, 21))
def test_higher_anxiety_never_gives_fewer_cognitive_sessions(baseline, a, b):
    low, high = sorted((a, b))
    fewer = per_month(replace(baseline, gad7=low))
    more = per_month(replace(baseline, gad7=high))
    assert more["cognitive_restructuring"] >= fewer["cognitive_restructuring"]
    assert all(more[code] >= fewer[code] for code in more)


@given(scores, st.sampled_from(sorted(RANGES)), st.data())
def test_a_worse_score_on_any_measure_never_gives_fewer_sessions(baseline, field, data):
    current = getattr(baseline, field)
    if current is None:
        return
    worse = data.draw(st.integers(current, RANGES[field]))
    before, after = per_month(baseline), per_month(replace(baseline, **{field: worse}))
    assert all(after[code] >= before[code] for code in before)


@given(scores)
def test_every_module_once_in_order_and_item9_above_zero_always_comes_first(baseline):
    recommendations = recommend(baseline)
    assert [r.code for r in recommendations if not r.urgent] == [m.code for m in MODULES]
    if baseline.phq9_item9:
        assert recommendations[0].code == URGENT_RISK_ASSESSMENT
        assert recommendations[0].urgent
    for r in recommendations:
        if r.frequency is not None:
            assert r.reason.endswith(LOCAL)
            assert r.set_by
        if r.module and r.module.core:
            assert r.sessions_per_month >= 1
