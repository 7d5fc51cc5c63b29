from types import SimpleNamespace

import pytest

from osteorehab.education.domain import Block, blocks, is_chinese, local
from osteorehab.plans.education import MODULES_BY_CODE


def test_paragraphs_are_split_on_blank_lines_and_list_lines_become_a_list():
    text = "First paragraph.\n\n- one\n- two\n\nLast paragraph."
    assert blocks(text) == [
        Block("paragraph", ("First paragraph.",)),
        Block("list", ("one", "two")),
        Block("paragraph", ("Last paragraph.",)),
    ]


def test_a_list_right_after_a_sentence_in_the_same_paragraph_keeps_its_kind():
    assert blocks("Ask about:\n- falls\n- balance\nThen decide.") == [
        Block("paragraph", ("Ask about:",)),
        Block("list", ("falls", "balance")),
        Block("paragraph", ("Then decide.",)),
    ]


def test_the_t_score_section_of_the_basics_lesson_has_its_three_classes_as_a_list():
    section = MODULES_BY_CODE["osteoporosis_basics"].sections[1]
    found = blocks(section.text_en)
    assert [block.kind for block in found] == ["paragraph", "list", "paragraph"]
    assert found[1].lines[2] == "A T-score of -2.5 or lower means osteoporosis."


@pytest.mark.parametrize(
    ("language", "chinese"),
    [("zh-hans", True), ("zh-Hans", True), ("zh", True), ("en", False), ("", False), (None, False)],
)
def test_any_chinese_variant_reads_the_chinese_text(language, chinese):
    assert is_chinese(language) is chinese


def test_local_picks_the_language_and_falls_back_to_english_where_chinese_is_empty():
    item = SimpleNamespace(name_en="Milk", name_zh="牛奶", serving_en="1 glass", serving_zh="")
    assert local(item, "name", "zh-hans") == "牛奶"
    assert local(item, "name", "en") == "Milk"
    assert local(item, "serving", "zh-hans") == "1 glass"
