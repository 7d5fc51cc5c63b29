"""The education catalogue's structure (six modules, both languages, quizzes whose answers are
options, unique codes), the nutrition module's amounts against nutrition.py (clinical-reference
4.6), and quiz grading."""

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.plans import nutrition
from osteorehab.plans.education import (
    MODULES,
    MODULES_BY_CODE,
    NUTRITION,
    OSTEOPOROSIS_BASICS,
    Module,
    Option,
    Question,
    Section,
    grade,
    module,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
SIX = (
    "osteoporosis_basics",
    "fall_prevention",
    "safe_movement",
    "nutrition",
    "medication",
    "after_a_fall",
)


def texts(item):
    """Every (field name, text) of a module, section, question or option, nested included."""
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if isinstance(value, str):
            yield f"{type(item).__name__}.{field.name}", value
        elif isinstance(value, tuple):
            for part in value:
                if dataclasses.is_dataclass(part):
                    yield from texts(part)


def all_texts():
    for item in MODULES:
        for name, text in texts(item):
            yield item.code, name, text


def test_the_six_modules_exist_in_order():
    assert tuple(item.code for item in MODULES) == SIX
    assert set(MODULES_BY_CODE) == set(SIX)
    for code in SIX:
        assert module(code).code == code


def test_an_unknown_module_is_refused_by_name():
    with pytest.raises(InputError, match="nope") as error:
        module("nope")
    assert error.value.field == "module"


@pytest.mark.parametrize(("code", "name", "text"), list(all_texts()))
def test_every_text_is_non_empty_and_in_its_language(code, name, text):
    assert text.strip(), f"{code} {name} is empty"
    assert text == text.strip(), f"{code} {name} has leading or trailing space"
    if name.endswith("_zh"):
        assert CJK.search(text), f"{code} {name} has no Chinese"
    elif name.endswith("_en"):
        assert not CJK.search(text), f"{code} {name} has Chinese in the English text"


def test_every_english_text_has_its_chinese_counterpart():
    for code, name, _text in all_texts():
        if name.endswith("_en"):
            twin = name[: -len("_en")] + "_zh"
            assert any(other == twin for _, other, _ in all_texts()), (code, name)


@pytest.mark.parametrize("item", MODULES, ids=SIX)
def test_module_shape(item):
    assert 3 <= len(item.sections) <= 5
    assert 3 <= len(item.quiz) <= 4
    assert item.sources
    for question in item.quiz:
        assert len(question.options) >= 2
        assert question.answer in {option.code for option in question.options}


@pytest.mark.parametrize("item", MODULES, ids=SIX)
def test_paragraphs_are_short(item):
    """Plain language for older adults: no paragraph or list line of more than 60 words."""
    for section in item.sections:
        for paragraph in section.text_en.split("\n"):
            assert len(paragraph.split()) <= 60, (item.code, section.heading_en)
        # the two languages have the same number of paragraphs
        assert section.text_en.count("\n\n") == section.text_zh.count("\n\n"), section.heading_en
        assert section.text_en.count("\n- ") == section.text_zh.count("\n- "), section.heading_en


def test_codes_are_unique():
    question_codes = [question.code for item in MODULES for question in item.quiz]
    assert len(set(question_codes)) == len(question_codes)
    assert len({item.code for item in MODULES}) == len(MODULES)
    for item in MODULES:
        for question in item.quiz:
            option_codes = [option.code for option in question.options]
            assert len(set(option_codes)) == len(option_codes)


def test_every_module_names_its_sources():
    for item in MODULES:
        assert any("clinical-reference" in source for source in item.sources), item.code
    after = MODULES_BY_CODE["after_a_fall"]
    # the first-aid advice is not in the reference, and says so
    assert any("not in the clinical reference" in source for source in after.sources)


def test_the_basics_say_the_disease_can_be_improved_and_self_regulated():
    text = " ".join(section.text_en for section in OSTEOPOROSIS_BASICS.sections)
    assert "can be improved and self-regulated" in text
    assert "-2.5 or lower means osteoporosis" in text  # clinical-reference 3.1


def test_the_nutrition_amounts_are_those_nutrition_py_computes_with():
    """The lesson's numbers and the calculator's table are the same (clinical-reference 4.6)."""
    text = "\n".join(section.text_en for section in NUTRITION.sections)
    zh = "\n".join(section.text_zh for section in NUTRITION.sections)
    expected = {
        "adults aged 19 to 50": nutrition.calcium_target_mg(19, "male").amount,
        "men aged 51 to 70": nutrition.calcium_target_mg(51, "male").amount,
        "women aged 51 to 70": nutrition.calcium_target_mg(51, "female").amount,
        "everyone over 70": nutrition.calcium_target_mg(71, "female").amount,
    }
    for group, mg in expected.items():
        assert f"{group}: {mg} mg" in text
        assert f"{mg}毫克" in zh
    under_71 = nutrition.vitamin_d_target_iu(70, "female").amount
    over_70 = nutrition.vitamin_d_target_iu(71, "male").amount
    assert f"{under_71} IU a day up to age 70, and {over_70} IU a day over 70" in text
    assert f"{nutrition.VITAMIN_D_UPPER_LIMIT} IU a day" in text
    healthy, ill = nutrition.PROTEIN_G_PER_KG[False], nutrition.PROTEIN_G_PER_KG[True]
    assert f"at least {healthy[0]:.1f} to {healthy[1]:.1f} g" in text
    assert f"{ill[0]:.1f} to {ill[1]:.1f} g" in text
    example = nutrition.protein_target_g(60, ill=False)
    assert f"60 kg, that is about {example.low_g:g} to {example.high_g:g} g" in text
    for value in (*healthy, *ill):
        assert f"{value:.1f}" in zh


def test_the_quiz_answers_agree_with_the_calculator():
    by_code = {question.code: question for question in NUTRITION.quiz}

    def correct(code):
        question = by_code[code]
        return next(option for option in question.options if option.code == question.answer)

    assert correct("nutrition_calcium_woman_60").text_en == (
        f"{nutrition.calcium_target_mg(60, 'female').amount} mg"
    )
    assert correct("nutrition_vitamin_d_75").text_en == (
        f"{nutrition.vitamin_d_target_iu(75, 'male').amount} IU"
    )
    protein = nutrition.protein_target_g(70, ill=False)
    assert correct("nutrition_protein_70kg").text_en == (
        f"About {protein.low_g:g} to {protein.high_g:g} g"
    )


def right_answers(item):
    return {question.code: question.answer for question in item.quiz}


def a_wrong_option(question):
    return next(option.code for option in question.options if option.code != question.answer)


@pytest.mark.parametrize("item", MODULES, ids=SIX)
def test_all_correct_passes(item):
    result = grade(item, right_answers(item))
    assert (result.score, result.total, result.passed) == (len(item.quiz), len(item.quiz), True)
    assert result.pass_mark == len(item.quiz)
    assert all(result.correct.values())
    assert result.unanswered == ()


@pytest.mark.parametrize("item", MODULES, ids=SIX)
def test_one_wrong_answer_fails_under_the_default_all_correct_setting(item):
    answers = right_answers(item)
    first = item.quiz[0]
    answers[first.code] = a_wrong_option(first)
    result = grade(item, answers)
    assert (result.score, result.passed) == (len(item.quiz) - 1, False)
    assert result.correct[first.code] is False
    assert result.questions[0].chosen == answers[first.code]
    assert result.questions[0].answer == first.answer


def test_an_unanswered_question_is_not_correct():
    answers = right_answers(NUTRITION)
    del answers["nutrition_protein_70kg"]
    result = grade(NUTRITION, answers)
    assert result.score == len(NUTRITION.quiz) - 1
    assert result.correct["nutrition_protein_70kg"] is False
    assert result.unanswered == ("nutrition_protein_70kg",)
    assert grade(NUTRITION, {}).score == 0


def test_a_local_pass_mark_can_be_set():
    answers = right_answers(NUTRITION)
    answers["nutrition_protein_70kg"] = "a"
    assert grade(NUTRITION, answers, pass_mark=3).passed
    assert not grade(NUTRITION, answers, pass_mark=4).passed


@pytest.mark.parametrize("pass_mark", [0, -1, 5, 2.5, True, "3"])
def test_an_impossible_pass_mark_is_refused(pass_mark):
    with pytest.raises(InputError) as error:
        grade(NUTRITION, {}, pass_mark=pass_mark)
    assert error.value.field == "pass_mark"


def test_unknown_question_codes_are_refused_naming_them():
    answers = {**right_answers(NUTRITION), "no_such_question": "a", "basics_t_score": "c"}
    with pytest.raises(InputError, match="basics_t_score, no_such_question") as error:
        grade(NUTRITION, answers)
    assert error.value.field == "answers"


def test_unknown_option_codes_are_refused_naming_them():
    answers = {**right_answers(NUTRITION), "nutrition_vitamin_d_75": "z"}
    with pytest.raises(ValueError, match="'z' is not an option of question nutrition_vit") as error:
        grade(NUTRITION, answers)
    assert isinstance(error.value, InputError)
    assert error.value.field == "nutrition_vitamin_d_75"


def test_catalogue_data_errors_are_caught_when_built():
    options = (Option("a", "Yes", "是"), Option("b", "No", "否"))
    with pytest.raises(ValueError, match="answer 'c' is not an option"):
        Question("q", "Q?", "问？", options, "c", "E.", "解。")
    with pytest.raises(ValueError, match="option codes repeat"):
        Question("q", "Q?", "问？", (options[0], options[0]), "a", "E.", "解。")
    question = Question("q", "Q?", "问？", options, "a", "E.", "解。")
    section = Section("H", "标", "T.", "文。")
    with pytest.raises(ValueError, match="question codes repeat"):
        Module("m", "M", "模", "S.", "摘。", (section,), (question, question), ("src",))


def test_the_catalogue_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        NUTRITION.title_en = "changed"  # type: ignore[misc]


@st.composite
def some_answers(draw):
    item = draw(st.sampled_from(MODULES))
    answers = {}
    for question in item.quiz:
        if draw(st.booleans()):
            answers[question.code] = draw(st.sampled_from([o.code for o in question.options]))
    return item, answers


@given(some_answers())
def test_the_score_is_between_0_and_the_total(case):
    item, answers = case
    result = grade(item, answers)
    assert 0 <= result.score <= result.total == len(item.quiz)
    assert result.score == sum(result.correct.values())
    assert result.score == sum(answers.get(q.code) == q.answer for q in item.quiz)
    assert result.passed == (result.score == result.total)
