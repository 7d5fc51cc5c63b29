import re
from itertools import cycle

import pytest

from osteorehab.family.domain import FALL, GUIDE, HOME, Words, walk_through
from osteorehab.homesafety.domain import ITEMS, ROOMS
from osteorehab.patients.domain import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    join_code_shown,
    join_code_typed,
    new_join_code,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_code_alphabet_has_no_characters_read_alike():
    assert len(JOIN_CODE_ALPHABET) == len(set(JOIN_CODE_ALPHABET)) == 31
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)
    assert len(JOIN_CODE_ALPHABET) ** JOIN_CODE_LENGTH == 852_891_037_441  # ~39.6 bits


def test_a_new_code_draws_eight_characters_with_the_chooser_given():
    letters = cycle("ABC")
    assert new_join_code(lambda alphabet: next(letters)) == "ABCABCAB"
    assert new_join_code(lambda alphabet: alphabet[-1]) == "99999999"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCD-EFGH", "ABCDEFGH"),
        ("abcd efgh", "ABCDEFGH"),
        ("  abcdefgh ", "ABCDEFGH"),
        ("ＡＢＣＤ－ＥＦＧＨ", "ABCDEFGH"),  # typed on a Chinese keyboard, full width
        ("ABCD–EFGH", "ABCDEFGH"),  # an en dash from a phone's autocorrect
        ("2345-6789", "23456789"),
        ("ABCD-EFG", None),  # too short
        ("ABCD-EFGHJ", None),  # too long
        ("ABCD-EFG0", None),  # 0 is never in a code
        ("ABCD-EFGI", None),  # nor I
        ("", None),
    ],
)
def test_a_typed_code_is_read_leniently_but_only_as_a_possible_code(typed, code):
    assert join_code_typed(typed) == code


def test_a_code_is_shown_in_two_groups_of_four():
    assert join_code_shown("ABCDEFGH") == "ABCD-EFGH"


def test_the_guide_has_its_four_sections_in_both_languages():
    assert [section.code for section in GUIDE] == ["exercise", "home", "fall", "yourself"]
    for section in GUIDE:
        texts = [section.title, section.intro, *section.points]
        texts += [section.note] if section.note else []
        for words in texts:
            assert words.en.strip(), words
            assert words.zh.strip(), words
            assert CJK.search(words.zh), words.zh
            assert not CJK.search(words.en), words.en


def test_safe_movement_advice_names_the_hip_hinge_and_no_bending_or_twisting():
    exercise = " ".join(point.en for point in GUIDE[0].points)
    exercise_zh = "".join(point.zh for point in GUIDE[0].points)
    assert '(the "hip hinge")' in exercise
    assert "Avoid bending forward and twisting the back" in exercise
    assert "髋关节铰链" in exercise_zh
    assert "避免向前弯腰和扭转背部" in exercise_zh


def test_after_a_fall_a_hurt_person_is_not_lifted_and_the_team_is_told():
    steps = [point.en for point in FALL.points]
    assert steps[0].startswith("Stay calm")
    assert steps[1].startswith("Check for injury")
    assert "cannot get up" in steps[2]
    assert "do not lift them" in steps[2]
    assert "Call the emergency number" in steps[2]
    assert steps[4].startswith("Tell the care team about every fall")
    assert "不要把他们抬起来" in FALL.points[2].zh


def test_the_walk_through_is_the_programs_own_checklist_room_by_room():
    english, chinese = walk_through("en"), walk_through("zh-hans")
    assert [room for room, _questions in english] == [room.name for room in ROOMS]
    assert chinese[0][0] == "入口与室外台阶"
    assert sum(len(questions) for _room, questions in english) == len(ITEMS)
    assert english[0][1][0] == ITEMS[0].question
    assert chinese[0][1][0] == ITEMS[0].question_zh
    assert HOME.code == "home"


@pytest.mark.parametrize(
    ("language", "text"), [("en", "hello"), ("zh-hans", "你好"), ("zh-Hans", "你好"), ("", "hello")]
)
def test_words_are_read_in_the_language_asked(language, text):
    assert Words("hello", "你好").of(language) == text
