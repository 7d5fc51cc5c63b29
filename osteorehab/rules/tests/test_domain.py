"""The adjustment rules on plain histories: every threshold just below, at and just above, and
properties — evaluating is idempotent and the order of the history's records changes nothing."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osteorehab.accounts.domain import Role
from osteorehab.assessments.instruments.base import Reason
from osteorehab.plans.domain import Facts, Item, Step, facts_from_dict
from osteorehab.plans.exercises import Dose
from osteorehab.plans.library import EXERCISES
from osteorehab.rules.domain import (
    LOOKBACK_DAYS,
    Check,
    Fall,
    History,
    Logged,
    Overdue,
    PlanItem,
    Rating,
    Score,
    Task,
    Urgency,
    Week,
    evaluate,
    fingerprint,
    may_decide,
)

TODAY = date(2026, 3, 2)  # a Monday
FACTS: Facts = facts_from_dict(
    {
        "who_class": "osteoporosis",
        "lowest_t_score": -2.7,
        "vertebral_fracture": False,
        "fragility_fractures": 0,
        "fall_risk": "low",
        "physician_impact": "moderate",
        "frail": False,
        "recent_fracture": False,
        "severe_kyphosis": False,
        "acute_pain": False,
    }
)
WALK = Item("brisk_walking", (0, 1, 2, 4, 5), Dose(minutes=10), Reason.joined(()))
PUSH = Item("wall_push_up", (0, 3), Dose(sets=2, reps=8, reps_max=12), Reason.joined(()))
PLAN = (PlanItem(WALK), PlanItem(PUSH))


def fired(history: History, rule: str) -> list:
    return [f for f in evaluate(history, TODAY, EXERCISES) if f.rule == rule]


def day(back: int) -> date:
    return TODAY - timedelta(days=back)


def pair(code: str, before: float, after: float, band=("", "")) -> tuple[Score, ...]:
    return (
        Score(1, day(20), code, before, band[0]),
        Score(2, day(3), code, after, band[1]),
    )


# ---- Anxiety: GAD-7 up by >= 4 (MCID, unverified) or into moderate (>= 10) [1.2] ----


@pytest.mark.parametrize(
    ("before", "after", "fires"),
    [
        (2, 5, False),  # up 3: below the MCID of 4, still mild
        (2, 6, True),  # up 4: at the MCID
        (2, 7, True),  # up 5
        (8, 9, False),  # mild to mild
        (9, 10, True),  # into moderate
        (10, 13, False),  # moderate already, up 3
        (12, 8, False),  # better
    ],
)
def test_anxiety_rising_markedly_proposes_cognitive_sessions_more_often(before, after, fires):
    found = fired(History(assessments=pair("gad7", before, after)), "anxiety")
    assert bool(found) is fires
    if fires:
        (firing,) = found
        assert (firing.change.module, firing.decider, firing.urgency) == (
            "cognitive_restructuring",
            Role.COUNSELLOR,
            Urgency.ROUTINE,
        )
        assert f"GAD-7 {before} on {day(20)}, {after} on {day(3)}" in firing.reason
        assert "[clinical-reference 1.2]" in firing.reason
        assert [p.id for p in firing.evidence] == [1, 2]


@pytest.mark.parametrize(("back", "fires"), [(LOOKBACK_DAYS - 1, True), (LOOKBACK_DAYS, False)])
def test_only_a_recent_reading_fires(back, fires):
    scores = (Score(1, day(back + 14), "gad7", 2), Score(2, day(back), "gad7", 12))
    assert bool(fired(History(assessments=scores), "anxiety")) is fires


def test_a_reading_not_computable_is_passed_over():
    scores = (*pair("gad7", 2, 12), Score(3, day(1), "gad7", None))
    (firing,) = fired(History(assessments=scores), "anxiety")
    assert [p.id for p in firing.evidence] == [1, 2]


# ---- Depression: PHQ-9 up by >= 5 (MCID) or into moderate (>= 10); item 9 > 0 [1.1] ----


@pytest.mark.parametrize(
    ("before", "after", "fires"),
    [(1, 5, False), (1, 6, True), (1, 7, True), (9, 10, True), (10, 14, False), (8, 9, False)],
)
def test_depression_worsening_is_urgent_for_counsellor_and_physician(before, after, fires):
    found = fired(History(assessments=pair("phq9", before, after)), "depression")
    assert bool(found) is fires
    if fires:
        assert found[0].urgency == Urgency.URGENT
        assert found[0].change.tasks == (Task.COUNSELLOR_REVIEW, Task.PHYSICIAN_REVIEW)


@pytest.mark.parametrize(("answer", "fires"), [(0, False), (1, True), (3, True), (None, False)])
def test_phq9_item9_above_zero_is_urgent_and_names_its_alert(answer, fires):
    items = (0, 0, 0, 0, 0, 0, 0, 0, answer)
    score = Score(7, day(1), "phq9", None if answer is None else float(answer or 0), "", items)
    found = fired(History(assessments=(score,)), "depression")
    assert bool(found) is fires
    if fires:
        (firing,) = found
        assert (firing.urgency, firing.subject) == (Urgency.URGENT, "item9:7")
        assert firing.change.tasks[0] == Task.RISK_ASSESSMENT
        assert [(kind, point.id) for kind, point in firing.alerts] == [("self_harm_thoughts", 7)]


# ---- Fatigue: effort > 8 on >= 3 sessions, >= 2 skipped for tiredness, tiredness up >= 2 ----


def sessions(exercise: str, efforts: list[int | None], start: int = 1, **fields) -> tuple:
    return tuple(
        Logged(start + n, day(len(efforts) - n), exercise, 1, "done", effort, 1, **fields)
        for n, effort in enumerate(efforts)
    )


@pytest.mark.parametrize(
    ("efforts", "fires"),
    [
        ([5, 9, 9], False),  # two sessions above the target: not several
        ([9, 9, 9], True),  # three: several
        ([9, 9, 9, 9], True),
        ([8, 8, 8, 8], False),  # 8 is within the aerobic target of 5-8
    ],
)
def test_effort_above_the_target_on_several_sessions_lowers_the_intensity(efforts, fires):
    history = History(sessions=sessions("brisk_walking", efforts), plan=PLAN, facts=FACTS)
    found = fired(history, "fatigue")
    assert bool(found) is fires
    if fires:
        (item,) = found[0].change.items
        # no sets to take off: the alternative linked in the library, and the other offered
        assert (item.exercise, item.step, item.to_exercise) == (
            "brisk_walking",
            Step.DOWN,
            "stationary_cycling",
        )
        assert item.alternatives == ("water_walking",)
        assert found[0].decider == Role.THERAPIST


@pytest.mark.parametrize(("skips", "fires"), [(1, False), (2, True), (3, True)])
def test_sessions_skipped_for_tiredness(skips, fires):
    logged = tuple(
        Logged(n, day(n), "wall_push_up", 1, "skipped", skip_reason="fatigue")
        for n in range(1, skips + 1)
    )
    found = fired(History(sessions=logged, plan=PLAN, facts=FACTS), "fatigue")
    assert bool(found) is fires
    if fires:
        (item,) = found[0].change.items
        assert (item.exercise, item.dose.sets) == ("wall_push_up", 1)  # one set fewer


def check_ins(before: list[int], after: list[int], rating: str = "fatigue") -> tuple:
    rows = []
    for n, value in enumerate(before):  # 13..8 days back: the week before
        rows.append(Check(n + 1, day(13 - n), **{"fatigue": 3, "pain": 1, rating: value}))
    for n, value in enumerate(after):  # 6..0 days back: the last week
        rows.append(Check(n + 100, day(6 - n), **{"fatigue": 3, "pain": 1, rating: value}))
    return tuple(rows)


@pytest.mark.parametrize(
    ("before", "after", "fires"),
    [
        ([3, 3, 3], [4, 4, 5], False),  # up 1.33
        ([3, 3, 3], [5, 5, 5], True),  # up 2: at the local threshold
        ([3, 3, 3], [7, 7, 7], True),
        ([3, 3], [9, 9, 9], False),  # two check-ins the week before: too few to compare
    ],
)
def test_tiredness_rising_in_the_check_ins(before, after, fires):
    found = fired(History(check_ins=check_ins(before, after), plan=PLAN, facts=FACTS), "fatigue")
    assert bool(found) is fires
    if fires:  # no exercise named by the log: the therapist reviews
        assert found[0].change.tasks == (Task.THERAPIST_REVIEW,)


# ---- Pain: rising in the sessions (2, the NRS MCID), skipped for pain, check-ins, NRS ----


@pytest.mark.parametrize(("pains", "fires"), [([1, 2], False), ([1, 3], True), ([1, 4], True)])
def test_pain_rising_in_an_exercises_sessions_regresses_it(pains, fires):
    logged = tuple(
        Logged(n, day(10 - n), "wall_push_up", 1, "done", 5, pain) for n, pain in enumerate(pains)
    )
    found = fired(History(sessions=logged, plan=PLAN, facts=FACTS), "pain")
    assert bool(found) is fires
    if fires:
        (item,) = found[0].change.items
        assert (item.exercise, item.dose.sets) == ("wall_push_up", 1)
        assert found[0].change.tasks == (Task.THERAPIST_REVIEW,)


def test_a_session_skipped_for_pain_regresses_the_exercise():
    logged = (Logged(1, day(2), "wall_push_up", 1, "skipped", skip_reason="pain"),)
    (firing,) = fired(History(sessions=logged, plan=PLAN, facts=FACTS), "pain")
    assert firing.change.items[0].step == Step.DOWN
    assert fired(History(sessions=logged, plan=PLAN, facts=FACTS), "fatigue") == []


@pytest.mark.parametrize(("after", "fires"), [([2, 2, 2], False), ([3, 3, 3], True)])
def test_pain_rising_in_the_check_ins_by_the_mcid(after, fires):
    history = History(check_ins=check_ins([1, 1, 1], after, "pain"))
    assert bool(fired(history, "pain")) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [(3, 4, False), (3, 5, True), (3, 6, True)])
def test_pain_nrs_up_by_the_mcid(before, after, fires):
    assert bool(fired(History(assessments=pair("pain_nrs", before, after)), "pain")) is fires


# ---- Falls [3.6] ----


@pytest.mark.parametrize(
    ("injury", "up", "urgency", "alerts"),
    [
        (False, True, Urgency.ROUTINE, []),
        (True, True, Urgency.URGENT, ["fall_injury"]),
        (False, False, Urgency.URGENT, ["fall_cannot_get_up"]),
        (True, False, Urgency.URGENT, ["fall_injury", "fall_cannot_get_up"]),
    ],
)
def test_a_fall_asks_for_reassessment_home_safety_and_the_physician(injury, up, urgency, alerts):
    (firing,) = fired(History(falls=(Fall(4, day(2), injury, up),)), "fall")
    assert (firing.urgency, firing.subject, firing.decider) == (urgency, "fall:4", Role.PHYSICIAN)
    assert firing.change.tasks == (
        Task.FALL_RISK_REASSESSMENT,
        Task.HOME_SAFETY_RECHECK,
        Task.PHYSICIAN_REVIEW,
    )
    assert [kind for kind, _point in firing.alerts] == alerts


@pytest.mark.parametrize(
    ("back", "fires"), [(0, True), (LOOKBACK_DAYS - 1, True), (LOOKBACK_DAYS, False), (-1, False)]
)
def test_a_fall_fires_while_recent_and_not_in_the_future(back, fires):
    assert bool(fired(History(falls=(Fall(1, day(back), False, True),)), "fall")) is fires


# ---- Adherence: under half the planned sessions over the last two complete weeks ----


def weeks(first: tuple[int, int], second: tuple[int, int]) -> tuple[Week, ...]:
    return (
        Week(date(2026, 2, 16), first[0], first[1], 0),
        Week(date(2026, 2, 23), second[0], second[1], 0),
    )


@pytest.mark.parametrize(
    ("first", "second", "fires"),
    [
        ((6, 3), (6, 3), False),  # exactly half
        ((6, 3), (6, 2), True),  # 5 of 12: under half
        ((6, 0), (6, 0), True),
        ((0, 0), (6, 0), False),  # nothing planned in the first week
    ],
)
def test_low_adherence_over_two_weeks(first, second, fires):
    found = fired(History(weeks=weeks(first, second)), "adherence")
    assert bool(found) is fires
    if fires:
        assert found[0].change.tasks == (Task.MOTIVATIONAL_CONVERSATION,)


def test_the_family_is_involved_only_where_the_patient_consented():
    history = History(weeks=weeks((6, 0), (6, 0)), family_consented=True)
    (firing,) = fired(history, "adherence")
    assert firing.change.tasks == (Task.MOTIVATIONAL_CONVERSATION, Task.FAMILY_INVOLVEMENT)
    assert "exercised on 0 of 12 planned days" in firing.reason


# ---- Progress: a goal at or above level 0 [1.11]; a measure into a better band ----


@pytest.mark.parametrize(("level", "fires"), [(-1, False), (0, True), (1, True)])
def test_a_goal_attained_progresses_the_plan_and_tells_the_patient(level, fires):
    history = History(ratings=(Rating(1, 5, day(2), -2), Rating(2, 5, day(1), level)))
    found = fired(history, "progress")
    assert bool(found) is fires
    if fires:
        assert (found[0].subject, found[0].change.tasks) == (
            "goal:5",
            (Task.PROGRESS_PLAN, Task.NEXT_PHASE_GOAL, Task.TELL_PATIENT),
        )


@pytest.mark.parametrize(
    ("code", "before", "after", "bands", "fires"),
    [
        ("gad7", 12, 8, ("moderate", "mild"), True),  # lower is better
        ("gad7", 8, 12, ("mild", "moderate"), False),  # worse
        ("gad7", 12, 10, ("moderate", "moderate"), False),  # the same band
        ("chair_stand_30s", 9, 11, ("below_norm", "not_below_norm"), True),  # more is better
        ("chair_stand_30s", 11, 9, ("not_below_norm", "below_norm"), False),
    ],
)
def test_a_measure_into_a_better_band_is_progress(code, before, after, bands, fires):
    found = fired(History(assessments=pair(code, before, after, bands)), "progress")
    assert bool(found) is fires
    if fires:
        assert found[0].subject == f"measure:{code}"


# ---- Follow-up overdue ----


@pytest.mark.parametrize(("back", "fires"), [(0, False), (1, True), (30, True)])
def test_an_overdue_follow_up_has_the_nurse_contact_the_patient(back, fires):
    history = History(overdue=(Overdue(3, "Psychological check-up", day(back)),))
    found = fired(history, "overdue")
    assert bool(found) is fires
    if fires:
        assert (found[0].decider, found[0].change.tasks) == (Role.NURSE, (Task.CONTACT_PATIENT,))


# ---- Easy sessions: one step up (the prescription's progression) ----


@pytest.mark.parametrize(("effort", "count", "fires"), [(4, 3, True), (5, 3, False), (4, 2, False)])
def test_easy_sessions_step_up(effort, count, fires):
    logged = sessions("wall_push_up", [effort] * count)
    found = fired(History(sessions=logged, plan=PLAN, facts=FACTS), "easy-sessions")
    assert bool(found) is fires
    if fires:
        (item,) = found[0].change.items
        assert (item.step, item.dose.sets, found[0].subject) == (
            Step.UP,
            3,
            "exercise:wall_push_up",
        )


def test_sessions_at_an_earlier_dose_do_not_count():
    logged = sessions("wall_push_up", [4, 4, 4])  # logged under version 1
    plan = (PlanItem(WALK), PlanItem(PUSH, since_version=2))
    assert fired(History(sessions=logged, plan=plan, facts=FACTS), "easy-sessions") == []


def test_a_step_never_swaps_to_an_exercise_already_in_the_plan():
    plan = (*PLAN, PlanItem(replace(WALK, exercise="stationary_cycling")))
    history = History(sessions=sessions("brisk_walking", [9, 9, 9]), plan=plan, facts=FACTS)
    (item,) = fired(history, "fatigue")[0].change.items
    assert (item.to_exercise, item.alternatives) == ("water_walking", ())


# ---- The engine ----


def test_the_same_data_has_the_same_fingerprint_and_another_version_another():
    (firing,) = fired(History(assessments=pair("gad7", 2, 12)), "anxiety")
    shuffled = tuple(reversed(firing.evidence))
    assert fingerprint("anxiety", 1, shuffled) == firing.fingerprint
    assert fingerprint("anxiety", 2, firing.evidence) != firing.fingerprint


def test_a_total_stored_as_a_float_is_the_same_data_as_a_whole_number():
    one = fired(History(assessments=pair("gad7", 2.0, 12.0)), "anxiety")[0]
    other = fired(History(assessments=pair("gad7", 2, 12)), "anxiety")[0]
    assert one.fingerprint == other.fingerprint


def test_urgent_firings_come_first():
    history = History(assessments=pair("gad7", 2, 12), falls=(Fall(1, day(1), True, True),))
    assert [f.rule for f in evaluate(history, TODAY, EXERCISES)] == ["fall", "anxiety"]


@pytest.mark.parametrize(
    ("role", "decider", "urgency", "may"),
    [
        (Role.COUNSELLOR, Role.COUNSELLOR, Urgency.ROUTINE, True),
        (Role.PHYSICIAN, Role.COUNSELLOR, Urgency.ROUTINE, False),
        (Role.PHYSICIAN, Role.COUNSELLOR, Urgency.URGENT, True),
        (Role.NURSE, Role.COUNSELLOR, Urgency.URGENT, False),
    ],
)
def test_the_routed_role_decides_and_the_physician_an_urgent_one_too(role, decider, urgency, may):
    assert may_decide(role, decider, urgency) is may


# ---- Properties ----

ids = st.integers(1, 10_000)
days = st.integers(0, 60).map(day)
scores = st.builds(
    Score,
    id=ids,
    day=days,
    instrument=st.sampled_from(["gad7", "phq9", "pain_nrs"]),
    total=st.integers(0, 21).map(float) | st.none(),
    band=st.sampled_from(["", "mild", "moderate"]),
    items=st.lists(st.integers(0, 3), min_size=9, max_size=9).map(tuple) | st.just(()),
)
logged = st.builds(
    Logged,
    id=ids,
    day=days,
    exercise=st.sampled_from(["brisk_walking", "wall_push_up"]),
    plan_version=st.integers(1, 2),
    completion=st.sampled_from(["done", "partly", "skipped"]),
    effort=st.integers(0, 10) | st.none(),
    pain=st.integers(0, 10) | st.none(),
)
histories = st.builds(
    History,
    assessments=st.lists(scores, max_size=8, unique_by=lambda s: s.id).map(tuple),
    sessions=st.lists(logged, max_size=20, unique_by=lambda s: s.id).map(tuple),
    check_ins=st.lists(
        st.builds(Check, id=ids, day=days, fatigue=st.integers(0, 10), pain=st.integers(0, 10)),
        max_size=15,
        unique_by=lambda c: c.id,
    ).map(tuple),
    falls=st.lists(
        st.builds(Fall, id=ids, day=days, injury=st.booleans(), could_get_up=st.booleans()),
        max_size=3,
        unique_by=lambda f: f.id,
    ).map(tuple),
    weeks=st.lists(
        st.builds(
            Week,
            monday=st.sampled_from([date(2026, 2, 16), date(2026, 2, 23)]),
            planned=st.integers(0, 7),
            done=st.integers(0, 3),
            partly=st.integers(0, 3),
        ),
        max_size=2,
        unique_by=lambda w: w.monday,
    ).map(tuple),
    ratings=st.lists(
        st.builds(Rating, id=ids, goal=st.integers(1, 3), day=days, level=st.integers(-2, 2)),
        max_size=4,
        unique_by=lambda r: r.id,
    ).map(tuple),
    overdue=st.lists(
        st.builds(Overdue, id=ids, what=st.just("Check-up"), due=days),
        max_size=2,
        unique_by=lambda o: o.id,
    ).map(tuple),
    plan=st.just(PLAN),
    facts=st.just(FACTS),
    family_consented=st.booleans(),
)


def outcome(history: History) -> list[dict]:
    return [firing.as_dict(EXERCISES) for firing in evaluate(history, TODAY, EXERCISES)]


@settings(max_examples=150, deadline=None)
@given(history=histories, data=st.data())
def test_the_order_of_the_records_changes_nothing(history, data):
    shuffled = replace(
        history,
        **{
            name: tuple(data.draw(st.permutations(getattr(history, name))))
            for name in (
                "assessments",
                "sessions",
                "check_ins",
                "falls",
                "weeks",
                "ratings",
                "overdue",
            )
        },
    )
    assert outcome(shuffled) == outcome(history)


@settings(max_examples=100, deadline=None)
@given(history=histories)
def test_evaluating_twice_gives_the_same_proposals_with_distinct_fingerprints(history):
    first, second = outcome(history), outcome(history)
    assert first == second
    prints = [f["fingerprint"] for f in first]
    assert len(prints) == len(set(prints))
