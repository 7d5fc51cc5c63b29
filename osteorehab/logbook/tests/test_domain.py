from datetime import date, timedelta

import pytest

from osteorehab.assessments.instruments.base import Reason
from osteorehab.logbook import domain
from osteorehab.logbook.domain import SignalKind
from osteorehab.plans.domain import Completion, Item, Session, propose
from osteorehab.plans.exercises import Dose

INJURY, CANNOT = SignalKind.FALL_INJURY, SignalKind.FALL_CANNOT_GET_UP


@pytest.mark.parametrize(
    ("injury", "could_get_up", "kinds"),
    [
        (False, True, []),
        (True, True, [INJURY]),
        (False, False, [CANNOT]),
        (True, False, [INJURY, CANNOT]),
    ],
)
def test_a_fall_signals_an_injury_and_not_getting_up_each(injury, could_get_up, kinds):
    signals = domain.fall_signals(injury=injury, could_get_up=could_get_up)
    assert [signal.kind for signal in signals] == kinds


def test_fall_signals_cite_the_world_falls_guidelines_as_unverified():
    (signal,) = domain.fall_signals(injury=False, could_get_up=False)
    assert str(signal.reason) == (
        "could not get up after the fall: a severity indicator after a fall, World Falls "
        "Guidelines 2022 (operationalisation unverified) [clinical-reference 3.6]; an alert on "
        "it is a local program rule"
    )


@pytest.mark.parametrize(
    ("pain", "severe"),
    [(0, False), (1, False), (4, False), (5, False), (6, False), (7, True), (8, True), (10, True)],
)
def test_severe_pain_is_serlins_band_from_7(pain, severe):
    assert domain.severe_pain(pain) is severe


@pytest.mark.parametrize(
    ("back_pain_new", "pain", "signalled"),
    [
        (True, 6, False),  # the band's edge: moderate
        (True, 7, True),  # severe
        (True, 10, True),
        (False, 7, False),  # severe pain, but not new back pain: no rule in the reference
        (False, 10, False),
        (True, 0, False),
    ],
)
def test_a_check_in_signals_only_new_back_pain_in_the_severe_band(back_pain_new, pain, signalled):
    signals = domain.check_in_signals(back_pain_new=back_pain_new, pain=pain)
    assert [s.kind for s in signals] == ([SignalKind.SEVERE_BACK_PAIN] if signalled else [])


def test_the_back_pain_signal_says_which_band_and_that_it_is_unverified():
    (signal,) = domain.check_in_signals(back_pain_new=True, pain=8)
    assert str(signal.reason) == (
        "new back pain, pain 8 of 10: severe by Serlin 1995 (7-10, from memory, unverified) "
        "[clinical-reference 1.13]; an alert on it is a local program rule"
    )


def test_the_signal_kinds_are_the_alert_kinds():
    from osteorehab.alerts.models import AlertKind

    assert {kind.value for kind in SignalKind} <= set(AlertKind.values)


ITEMS = [
    Item("a", (0, 3), Dose(sets=1), Reason.joined(())),
    Item("b", (5, 6), Dose(minutes=5), Reason.joined(())),
    Item("c", tuple(range(7)), Dose(minutes=10), Reason.joined(())),
]


@pytest.mark.parametrize(
    ("day", "codes"),
    [
        (date(2026, 11, 16), ["a", "c"]),  # Monday
        (date(2026, 11, 17), ["c"]),
        (date(2026, 11, 19), ["a", "c"]),  # Thursday
        (date(2026, 11, 21), ["b", "c"]),  # Saturday
        (date(2026, 11, 22), ["b", "c"]),
    ],
)
def test_the_items_due_are_those_of_the_weekday_in_the_plans_order(day, codes):
    assert [item.exercise for item in domain.due_on(ITEMS, day)] == codes


@pytest.mark.parametrize(
    ("completion", "effort", "pain", "reason", "session"),
    [
        ("done", 4, 1, "", Session(Completion.DONE, 4, 1, False)),
        ("partly", 9, 3, "", Session(Completion.PARTLY, 9, 3, False)),
        ("skipped", None, None, "pain", Session(Completion.SKIPPED, None, None, True)),
        ("skipped", None, None, "fear", Session(Completion.SKIPPED, None, None, False)),
    ],
)
def test_a_logged_exercise_is_the_session_the_proposals_read(
    completion, effort, pain, reason, session
):
    assert domain.session_of(completion, effort, pain, reason) == session


def test_a_skip_for_pain_makes_the_proposals_step_down():
    from osteorehab.assessments.domain import Profile
    from osteorehab.plans.domain import Facts, Step
    from osteorehab.plans.library import EXERCISES

    item = Item("wall_push_up", (0, 3), Dose(sets=2, reps=8, reps_max=12), Reason.joined(()))
    sessions = [
        domain.session_of("done", 4, 1, ""),
        domain.session_of("skipped", None, None, "pain"),
    ]
    proposal = propose(item, sessions, Facts(Profile()), EXERCISES)
    assert proposal is not None
    assert (proposal.step, proposal.dose.sets) == (Step.DOWN, 1)


def test_each_practice_comes_in_turn_one_a_day():
    start = date(2026, 11, 21)
    week = [domain.practice_of(start + timedelta(days=n)) for n in range(len(domain.PRACTICES))]
    assert {p.code for p in week} == set(domain.PRACTICES_BY_CODE)
    assert domain.practice_of(start + timedelta(days=len(domain.PRACTICES))) == week[0]


@pytest.mark.parametrize("practice", domain.PRACTICES, ids=lambda p: p.code)
def test_every_practice_is_written_in_both_languages(practice):
    assert len(practice.steps("en")) == len(practice.steps("zh-hans")) >= 5
    assert practice.title("zh-hans") != practice.title("en")
    assert all(not step.isascii() for step in practice.steps("zh-hans"))
    assert 1 <= practice.minutes <= 5


def test_the_mood_scale_has_five_words_from_very_low_to_very_good():
    assert [words for words, _face in domain.MOODS.values()] == [
        "Very low",
        "Low",
        "So-so",
        "Good",
        "Very good",
    ]
