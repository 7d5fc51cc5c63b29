"""The checklist as data, what a check finds and what a re-check resolves: tables of worked
cases and properties over every set of answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.homesafety.domain import (
    ITEMS,
    ITEMS_BY_CODE,
    ROOMS,
    Answer,
    Owner,
    by_room,
    hazards,
    not_checked,
    recheck,
)


def test_the_checklist_has_every_room_in_order_with_three_to_six_items():
    assert [room.code for room in ROOMS] == [
        "entrance",
        "living",
        "stairs",
        "kitchen",
        "bedroom",
        "bathroom",
        "general",
    ]
    for room in ROOMS:
        assert 3 <= len(room.items) <= 6, room.code
        assert room.name
        assert room.name_zh
    codes = [item.code for item in ITEMS]
    assert len(codes) == len(set(codes)) == 31
    for item in ITEMS:
        assert item.question.endswith("?"), item.code
        assert item.question_zh.endswith("？"), item.code
        assert item.action.endswith(".")
        assert item.action_zh.endswith("。")
        assert item.due_days in (7, 14, 30), item.code
    assert {item.owner for item in ITEMS} == set(Owner)


@pytest.mark.parametrize(
    ("code", "owner", "days"),
    [
        ("living_rugs", Owner.PATIENT, 7),
        ("stairs_rails", Owner.CAREGIVER, 30),
        ("bathroom_grab_bath", Owner.CAREGIVER, 30),
        ("bathroom_grab_toilet", Owner.CAREGIVER, 30),
        ("bathroom_seat", Owner.NURSE, 14),
        ("kitchen_reach", Owner.PATIENT, 7),
        ("general_lighting", Owner.CAREGIVER, 14),
        ("general_footwear", Owner.PATIENT, 14),
        ("general_aids", Owner.NURSE, 14),
        ("general_phone", Owner.NURSE, 14),
    ],
)
def test_each_item_has_its_default_owner_and_days_until_due(code, owner, days):
    item = ITEMS_BY_CODE[code]
    assert (item.owner, item.due_days) == (owner, days)


def test_the_issue_topics_are_all_on_the_checklist():
    # lighting, floors, rugs, stairs, bathroom grab bars, reachability, assistive devices, phone
    for code in (
        "general_lighting",
        "living_floor",
        "living_rugs",
        "stairs_rails",
        "bathroom_grab_bath",
        "kitchen_reach",
        "general_aids",
        "general_phone",
    ):
        assert code in ITEMS_BY_CODE


def test_hazards_are_the_items_answered_hazard_in_checklist_order_with_their_room():
    found = hazards(
        {
            "kitchen_floor": "hazard",
            "stairs_rails": "ok",
            "living_rugs": "hazard",
            "bathroom_door": "not_applicable",
        }
    )
    assert [(h.code, h.room.code) for h in found] == [
        ("living_rugs", "living"),
        ("kitchen_floor", "kitchen"),
    ]
    assert found[0].item.action == (
        "Remove loose rugs and mats, or fix them flat with a non-slip backing or double-sided tape."
    )


def test_no_answers_find_no_hazard_but_leave_every_item_not_checked():
    assert hazards({}) == []
    assert not_checked({}) == list(ITEMS)


def test_an_unanswered_item_is_not_checked_never_safe():
    answers = {item.code: "ok" for item in ITEMS if item.code != "general_phone"}
    assert [item.code for item in not_checked(answers)] == ["general_phone"]
    rows = dict(by_room(answers))
    [general] = [room for room in rows if room.code == "general"]
    shown = {item.code: answer for item, answer in rows[general]}
    assert (shown["general_phone"], shown["general_lighting"]) == (None, Answer.OK)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"garden_pond": "hazard"}, "unknown checklist items: garden_pond"),
        (
            {"living_rugs": "ok", "attic": "ok", "cellar": "hazard"},
            "unknown checklist items: attic, cellar",
        ),
        ({"living_rugs": "maybe"}, "unknown answers: living_rugs='maybe'"),
        ({"living_rugs": "HAZARD"}, "unknown answers: living_rugs='HAZARD'"),
        ({"living_rugs": ""}, "unknown answers: living_rugs=''"),
        ({"living_rugs": None}, "unknown answers: living_rugs=None"),
        ({"living_rugs": ["hazard"]}, "unknown answers: living_rugs=['hazard']"),
    ],
)
def test_unknown_items_and_answers_are_refused_naming_them(answers, message):
    for function in (hazards, not_checked, by_room, lambda a: recheck([], a)):
        with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
            function(answers)


def test_a_recheck_resolves_keeps_and_adds():
    result = recheck(
        ["living_rugs", "stairs_rails", "kitchen_floor", "general_phone"],
        {
            "living_rugs": "ok",
            "stairs_rails": "hazard",
            "kitchen_floor": "not_applicable",
            "bedroom_lamp": "hazard",
            "bathroom_door": "ok",
        },
    )
    assert result.resolved == ("living_rugs",)
    assert result.still_present == ("stairs_rails",)
    # not applicable or unanswered at the re-check: the action stays open
    assert result.not_rechecked == ("kitchen_floor", "general_phone")
    assert [h.code for h in result.new] == ["bedroom_lamp"]


def test_a_recheck_keeps_open_an_action_for_an_item_no_longer_on_the_checklist():
    result = recheck(["retired_item", "living_rugs", "living_rugs"], {"living_rugs": "ok"})
    assert (result.resolved, result.not_rechecked) == (("living_rugs",), ("retired_item",))


answer_sets = st.dictionaries(
    st.sampled_from([item.code for item in ITEMS]), st.sampled_from([a.value for a in Answer])
)


@given(answer_sets)
def test_every_hazard_answer_gives_exactly_one_hazard(answers):
    found = [h.code for h in hazards(answers)]
    assert sorted(found) == sorted(code for code, value in answers.items() if value == "hazard")
    assert len(found) == len(set(found))
    assert {item.code for item in not_checked(answers)} == set(ITEMS_BY_CODE) - set(answers)


@given(st.lists(st.sampled_from([item.code for item in ITEMS])), answer_sets)
def test_a_recheck_never_loses_an_open_hazard_still_answered_hazard(open_items, answers):
    result = recheck(open_items, answers)
    for code in open_items:
        if answers.get(code) == "hazard":
            assert code in result.still_present
            assert code not in result.resolved
    # every open item lands in exactly one place; only an explicit "ok" resolves
    parts = [*result.resolved, *result.still_present, *result.not_rechecked]
    assert sorted(parts) == sorted(set(open_items))
    assert all(answers[code] == "ok" for code in result.resolved)
    # a hazard is either an open action already or a new one, never both, never neither
    new = {h.code for h in result.new}
    assert not new & set(open_items)
    hazard_codes = {code for code, value in answers.items() if value == "hazard"}
    assert new | set(result.still_present) == hazard_codes
