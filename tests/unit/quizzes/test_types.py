"""Question model, type registry, validation, form reading and grading (lms.quizzes.types)."""

import json
import random
from dataclasses import replace

import pytest
from flask_babel import force_locale

from lms.quizzes.types import (
    QUESTION_TYPES,
    Grade,
    Question,
    QuestionType,
    get_question_type,
    number_readings,
    parse_number,
    register,
    validate_question,
)

ALL_TYPES = [
    "single",
    "multiple",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
    "essay",
]


def grade(question, response) -> Grade:
    return get_question_type(question.qtype).grade(question, response)


def from_form(question, formdata, **kwargs):
    return get_question_type(question.qtype).response_from_form(question, formdata, **kwargs)


# The model and the registry


def test_question_round_trips_through_json(make_question):
    """to_dict() is JSON-serialisable and from_dict() rebuilds an equal question."""
    question = make_question("matching", category="mot-cua/01-co-che", line=7)
    restored = Question.from_dict(json.loads(json.dumps(question.to_dict())))
    assert restored == question
    assert restored.line == 7


def test_question_equality_ignores_source_line(make_question):
    """Two questions differing only in their source line are equal."""
    assert make_question("essay", line=1) == make_question("essay", line=99)


def test_from_dict_fills_defaults():
    """Optional keys missing from stored JSON take their defaults."""
    question = Question.from_dict({"qtype": "essay", "name": "T", "stem": "S"})
    assert (question.default_mark, question.category, question.data) == (1.0, "", {})


def test_registry_holds_every_type():
    """All eight built-in types are registered under their names."""
    assert set(ALL_TYPES) <= set(QUESTION_TYPES)


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_sample_of_every_type_is_valid(make_question, qtype):
    """The sample question of each type passes validation."""
    assert validate_question(make_question(qtype)) == []


def test_register_adds_a_type_without_other_changes(make_question):
    """A class decorated with @register is validated and graded like the built-in ones."""

    @register
    class Poll(QuestionType):
        name = "poll-test"
        label = "Thăm dò"

        def grade(self, question, response):
            return Grade(1.0)

        def response_from_form(self, question, formdata, prefix=""):
            return formdata.get(f"{prefix}answer")

        def right_answer_text(self, question):
            return ""

    try:
        question = replace(make_question("essay"), qtype="poll-test")
        assert validate_question(question) == []
        assert grade(question, "anything").fraction == 1.0
    finally:
        del QUESTION_TYPES["poll-test"]


def test_a_type_must_say_its_right_answer():
    """A type without `right_answer_text` cannot be used, as one without `grade` cannot."""

    class Silent(QuestionType):
        name = "silent-test"
        label = "Im lặng"

        def grade(self, question, response):
            return Grade(1.0)

        def response_from_form(self, question, formdata, prefix=""):
            return None

    with pytest.raises(TypeError, match="right_answer_text"):
        Silent()


def test_messages_are_english_for_an_english_user(make_question):
    """The same problem reads in English under the English locale, in Vietnamese by default."""
    question = make_question("single", name=" ", data={"choices": []})
    with force_locale("en"):
        assert validate_question(question) == [
            "The question has no title.",
            "A choice question needs at least two choices.",
            "At least one choice must be right (100%).",
        ]
    assert validate_question(question) == [
        "Câu hỏi thiếu tiêu đề.",
        "Câu hỏi trắc nghiệm cần ít nhất hai phương án.",
        "Cần ít nhất một phương án đúng (100%).",
    ]


def test_truefalse_answer_text_follows_the_locale(make_question):
    """A false statement's right answer reads "False" in English, "Sai" in Vietnamese."""
    question = make_question("truefalse")
    with force_locale("en"):
        assert get_question_type("truefalse").right_answer_text(question) == "False"
    assert get_question_type("truefalse").right_answer_text(question) == "Sai"


def test_unknown_type_fails_validation(make_question):
    """A question of an unregistered type gets a Vietnamese error, not an exception."""
    assert validate_question(replace(make_question("essay"), qtype="cloze")) == [
        "Loại câu hỏi không được hỗ trợ: “cloze”."
    ]


def test_malformed_data_fails_validation(make_question):
    """Data of the wrong shape is reported as an error, not raised."""
    question = make_question("single", data={"choices": "oops"})
    assert validate_question(question) == ["Dữ liệu đáp án của câu hỏi không đúng cấu trúc."]


def test_empty_stem_fails_validation(make_question):
    """Every question needs a stem."""
    assert "Câu hỏi thiếu nội dung." in validate_question(make_question("essay", stem="  "))


# Single choice


def test_single_right_choice_earns_full_mark(make_question):
    """Picking the 100% choice earns 1 and its feedback."""
    assert grade(make_question("single"), 0) == Grade(1.0, ["Đúng: Nghị định 61/2018."])


def test_single_partial_choice_earns_its_fraction(make_question):
    """A 50% choice earns half the mark."""
    assert grade(make_question("single"), 2).fraction == 0.5


def test_single_negative_choice_is_clamped_to_zero(make_question):
    """A penalty choice never makes the question's grade negative."""
    assert grade(make_question("single"), 1) == Grade(0.0, ["Sai."])


def test_single_without_response_earns_zero(make_question):
    """No answer earns nothing and no feedback."""
    assert grade(make_question("single"), None) == Grade(0.0, [])


def test_single_reads_choice_index_from_form(make_question, form):
    """The form's answer field holds the index of the chosen choice."""
    assert from_form(make_question("single"), form({"answer": ["2"]})) == 2


@pytest.mark.parametrize("value", ["x", "7", "-1", ""])
def test_single_ignores_invalid_form_value(make_question, form, value):
    """A tampered or out-of-range value reads as no answer."""
    assert from_form(make_question("single"), form({"answer": [value]})) is None


def test_form_fields_take_a_prefix(make_question, form):
    """Several questions on one page keep their fields apart with a prefix."""
    formdata = form({"q7-answer": ["1"], "answer": ["0"]})
    assert from_form(make_question("single"), formdata, prefix="q7-") == 1


def test_plain_dict_of_lists_is_accepted_as_form(make_question):
    """Form data may be a plain mapping of lists instead of a MultiDict."""
    assert from_form(make_question("single"), {"answer": ["1"]}) == 1


def test_single_needs_a_full_mark_choice(make_question):
    """Single choice without a 100% choice is invalid."""
    question = make_question("single", data={"choices": [{"text": "a", "fraction": 0.5}] * 2})
    assert validate_question(question) == ["Cần ít nhất một phương án đúng (100%)."]


def test_single_needs_two_choices(make_question):
    """One choice is not a question."""
    question = make_question("single", data={"choices": [{"text": "a", "fraction": 1.0}]})
    assert validate_question(question) == ["Câu hỏi trắc nghiệm cần ít nhất hai phương án."]


def test_single_shuffle_is_a_seeded_permutation(make_question):
    """shuffle() returns every choice index once, the same way for the same seed."""
    question = make_question("single")
    first = get_question_type("single").shuffle(question, random.Random(3))
    again = get_question_type("single").shuffle(question, random.Random(3))
    assert sorted(first) == [0, 1, 2]
    assert first == again


def test_single_right_answer_text(make_question):
    """The right answer is the text of the 100% choice."""
    assert get_question_type("single").right_answer_text(make_question("single")) == (
        "Bộ phận Một cửa"
    )


# Multiple choice


def test_multiple_all_right_choices_earn_full_mark(make_question):
    """Picking every positive choice earns 1."""
    assert grade(make_question("multiple"), [0, 1]).fraction == 1.0


def test_multiple_partial_credit_is_sum_of_fractions(make_question):
    """Picking one of two 50% choices earns 0.5, with that choice's feedback."""
    assert grade(make_question("multiple"), [0]) == Grade(0.5, ["Đúng."])


def test_multiple_penalty_subtracts(make_question):
    """A wrong choice's negative fraction is subtracted from the right ones."""
    question = make_question(
        "multiple",
        data={
            "choices": [
                {"text": "a", "fraction": 0.5},
                {"text": "b", "fraction": 0.5},
                {"text": "c", "fraction": -0.25},
            ]
        },
    )
    assert grade(question, [0, 1, 2]).fraction == 0.75


def test_multiple_penalties_are_clamped_at_zero(make_question):
    """More penalty than credit gives 0, never a negative grade."""
    assert grade(make_question("multiple"), [0, 2]).fraction == 0.0


def test_multiple_counts_each_choice_once(make_question):
    """Repeating a choice in the response does not add its fraction twice."""
    assert grade(make_question("multiple"), [0, 0, 0]).fraction == 0.5


def test_multiple_thirds_all_picked_earn_exactly_full_mark(make_question):
    """Three right choices of 33.33333% together earn exactly 1, not 0.9999999."""
    data = {
        "choices": [{"text": t, "fraction": 0.3333333} for t in "abc"]
        + [{"text": "d", "fraction": 0}]
    }
    assert grade(make_question("multiple", data=data), [0, 1, 2]).fraction == 1.0


def test_multiple_reads_all_checked_boxes(make_question, form):
    """The form's answer field lists every checked index; invalid ones are dropped."""
    formdata = form({"answer": ["2", "0", "0", "9", "x"]})
    assert from_form(make_question("multiple"), formdata) == [0, 2]


def test_multiple_needs_positive_fractions_summing_to_one(make_question):
    """Right choices worth 33% each (99% in all) are an author's mistake."""
    data = {"choices": [{"text": t, "fraction": 0.33} for t in "abc"]}
    assert validate_question(make_question("multiple", data=data)) == [
        "Tổng trọng số các phương án đúng phải bằng 100%."
    ]


def test_multiple_accepts_thirds_written_with_decimals(make_question):
    """Three choices of 33.333% add up to 100% closely enough."""
    data = {"choices": [{"text": t, "fraction": 0.33333} for t in "abc"]}
    assert validate_question(make_question("multiple", data=data)) == []


# True/false


def test_truefalse_right_answer_earns_full_mark_and_its_feedback(make_question):
    """Answering "false" to a false statement earns 1 and the false-answer feedback."""
    assert grade(make_question("truefalse"), False) == Grade(1.0, ["Chính xác."])


def test_truefalse_wrong_answer_earns_zero_and_its_feedback(make_question):
    """Answering "true" to a false statement earns 0 and the true-answer feedback."""
    assert grade(make_question("truefalse"), True) == Grade(0.0, ["Chưa đúng."])


@pytest.mark.parametrize(("value", "response"), [("true", True), ("false", False), ("1", None)])
def test_truefalse_reads_form(make_question, form, value, response):
    """The form sends "true" or "false"; anything else is no answer."""
    assert from_form(make_question("truefalse"), form({"answer": [value]})) is response


def test_truefalse_right_answer_text_is_vietnamese(make_question):
    """The right answer reads "Sai" for a false statement."""
    assert get_question_type("truefalse").right_answer_text(make_question("truefalse")) == "Sai"


# Short answer


def test_shortanswer_exact_answer_earns_full_mark(make_question):
    """The accepted answer typed exactly earns 1 and its feedback."""
    assert grade(make_question("shortanswer"), "một cửa") == Grade(1.0, ["Đúng."])


def test_shortanswer_ignores_diacritics_by_default(make_question):
    """ "mot cua" matches "một cửa"."""
    assert grade(make_question("shortanswer"), "mot cua").fraction == 1.0


def test_shortanswer_folds_d_with_stroke(make_question):
    """ "đ" matches "d" (it has no combining mark to strip)."""
    question = make_question("shortanswer", data={"answers": [{"text": "Đà Nẵng", "fraction": 1}]})
    assert grade(question, "da nang").fraction == 1.0


def test_shortanswer_ignores_case_and_extra_spaces_by_default(make_question):
    """Case and repeated spaces do not matter."""
    assert grade(make_question("shortanswer"), "  MỘT   Cửa ").fraction == 1.0


def test_shortanswer_can_be_case_sensitive(make_question):
    """With case_sensitive, "HÀ NỘI" does not match "Hà Nội"."""
    data = {"answers": [{"text": "Hà Nội", "fraction": 1}], "case_sensitive": True}
    question = make_question("shortanswer", data=data)
    assert grade(question, "HÀ NỘI").fraction == 0.0
    assert grade(question, "Ha Noi").fraction == 1.0


def test_shortanswer_can_require_diacritics(make_question):
    """With ignore_diacritics off, "mot cua" no longer matches."""
    data = {"answers": [{"text": "một cửa", "fraction": 1}], "ignore_diacritics": False}
    assert grade(make_question("shortanswer", data=data), "mot cua").fraction == 0.0


def test_shortanswer_wildcard_matches_any_text(make_question):
    """ "một cửa liên *" accepts any ending, for its 50%."""
    assert grade(make_question("shortanswer"), "Một cửa liên thông").fraction == 0.5


def test_shortanswer_escaped_star_is_literal(make_question):
    """ "\\*" in an accepted answer matches only a star."""
    question = make_question("shortanswer", data={"answers": [{"text": "a\\*b", "fraction": 1}]})
    assert grade(question, "a*b").fraction == 1.0
    assert grade(question, "axb").fraction == 0.0


def test_shortanswer_best_matching_answer_wins(make_question):
    """When a wildcard and an exact answer both match, the higher fraction counts."""
    data = {"answers": [{"text": "*", "fraction": 0.0}, {"text": "Huế", "fraction": 1.0}]}
    assert grade(make_question("shortanswer", data=data), "hue").fraction == 1.0


def test_shortanswer_wrong_or_empty_answer_earns_zero(make_question):
    """A non-matching or blank answer earns 0."""
    assert grade(make_question("shortanswer"), "hai cửa").fraction == 0.0
    assert grade(make_question("shortanswer"), "  ").fraction == 0.0


def test_shortanswer_reads_trimmed_text_from_form(make_question, form):
    """The typed text is kept, without surrounding spaces."""
    assert from_form(make_question("shortanswer"), form({"answer": [" một cửa "]})) == "một cửa"


# Numerical


@pytest.mark.parametrize("typed", ["2", "1.5", "2,5", " 2.1 "])
def test_numerical_within_tolerance_earns_full_mark(make_question, typed):
    """Any number within value ± tolerance is right, with "," or "." as decimal mark."""
    assert grade(make_question("numerical"), typed).fraction == 1.0


def test_numerical_outside_tolerance_earns_zero(make_question):
    """2.6 is outside 2 ± 0.5 and outside the 3–5 range."""
    assert grade(make_question("numerical"), "2.6") == Grade(0.0, [])


@pytest.mark.parametrize("typed", ["3", "4", "5"])
def test_numerical_range_includes_its_ends(make_question, typed):
    """A range answer accepts min, max and anything between, for its fraction."""
    assert grade(make_question("numerical"), typed) == Grade(0.5, ["Gần đúng."])


def test_numerical_tolerance_survives_float_rounding(make_question):
    """0.1 + 0.2 counts as 0.3 with zero tolerance."""
    data = {"answers": [{"value": 0.3, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade(make_question("numerical", data=data), str(0.1 + 0.2)).fraction == 1.0


@pytest.mark.parametrize("typed", ["430000", "430.000", "430,000", "430 000", "430.000,0"])
def test_numerical_accepts_thousands_separators(make_question, typed):
    """Vietnamese learners write 430 thousand as "430.000"; that is accepted."""
    data = {"answers": [{"value": 430000, "tolerance": 0, "fraction": 1.0}]}
    assert grade(make_question("numerical", data=data), typed).fraction == 1.0


def test_numerical_ambiguous_mark_still_reads_as_decimal(make_question):
    """ "2.500" is also 2.5, so it is right when the answer is 2.5."""
    data = {"answers": [{"value": 2.5, "tolerance": 0, "fraction": 1.0}]}
    assert grade(make_question("numerical", data=data), "2.500").fraction == 1.0


def test_numerical_ignores_trailing_percent_sign(make_question):
    """ "85%" answers a question asking for a percentage."""
    data = {"answers": [{"value": 85, "tolerance": 0, "fraction": 1.0}]}
    assert grade(make_question("numerical", data=data), "85%").fraction == 1.0


def test_numerical_non_number_is_explained(make_question):
    """Text that is not a number earns 0 with a message saying so."""
    assert grade(make_question("numerical"), "hai") == Grade(
        0.0, ["Câu trả lời không phải là một số."]
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2.0),
        ("-2,5", -2.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.000.000", 1000000.0),
        ("1.250", 1.25),
        ("1e3", 1000.0),
        ("abc", None),
        ("", None),
        ("nan", None),
    ],
)
def test_parse_number_reads_vietnamese_and_english_notation(text, value):
    """Decimal comma or point, thousands separators of either kind."""
    assert parse_number(text) == value


def test_number_readings_lists_both_meanings_of_one_mark():
    """ "1.250" may mean 1.25 or 1250; "1.25" only 1.25."""
    assert number_readings("1.250") == [1.25, 1250.0]
    assert number_readings("1.25") == [1.25]


def test_numerical_rejects_inverted_range(make_question):
    """A range whose min is above its max is invalid."""
    data = {"answers": [{"min": 5, "max": 1, "fraction": 1.0}]}
    assert validate_question(make_question("numerical", data=data)) == [
        "Khoảng đáp án phải có giá trị đầu không lớn hơn giá trị cuối."
    ]


def test_numerical_right_answer_text_uses_decimal_comma(make_question):
    """The right answer reads "2 ± 0,5"."""
    assert get_question_type("numerical").right_answer_text(make_question("numerical")) == (
        "2 ± 0,5"
    )


def test_numerical_right_answer_text_groups_thousands(make_question):
    """Large answers read "1.500.000,5", as Vietnamese readers write them."""
    data = {"answers": [{"value": 1500000.5, "tolerance": 0, "fraction": 1.0}]}
    question = make_question("numerical", data=data)
    assert get_question_type("numerical").right_answer_text(question) == "1.500.000,5"


# Matching


def test_matching_options_include_distractors(make_question):
    """Learners pick among every right-hand text plus the distractors."""
    assert get_question_type("matching").options(make_question("matching")) == [
        "Bộ phận Một cửa",
        "Phòng chuyên môn",
        "Lãnh đạo",
        "Văn thư",
    ]


def test_matching_all_pairs_right_earns_full_mark(make_question):
    """Every pair matched earns 1."""
    assert grade(make_question("matching"), [0, 1, 2]).fraction == 1.0


def test_matching_fraction_is_share_of_right_pairs(make_question):
    """Two of three pairs right (one matched to a distractor) earns 2/3."""
    assert grade(make_question("matching"), [0, 1, 3]).fraction == pytest.approx(2 / 3)


def test_matching_reads_one_field_per_pair(make_question, form):
    """Fields answer-0, answer-1 … hold option indexes; a missing one is None."""
    formdata = form({"answer-0": ["2"], "answer-1": ["x"]})
    assert from_form(make_question("matching"), formdata) == [2, None, None]


def test_matching_needs_two_pairs(make_question):
    """A single pair is not a matching question."""
    data = {"pairs": [{"left": "a", "right": "b"}], "distractors": []}
    assert validate_question(make_question("matching", data=data)) == [
        "Câu hỏi ghép cặp cần ít nhất hai cặp."
    ]


def test_matching_right_answer_text_lists_pairs(make_question):
    """The right answer lists each pair with an arrow."""
    text = get_question_type("matching").right_answer_text(make_question("matching"))
    assert text.startswith("Tiếp nhận → Bộ phận Một cửa; ")


# Ordering


def test_ordering_right_order_earns_full_mark(make_question):
    """Items in the authored order earn 1."""
    assert grade(make_question("ordering"), [0, 1, 2, 3]).fraction == 1.0


def test_ordering_fraction_is_share_of_items_in_place(make_question):
    """Two of four items in their right position earn 0.5."""
    assert grade(make_question("ordering"), [0, 1, 3, 2]).fraction == 0.5


def test_ordering_reads_positions_from_form(make_question, form):
    """The answer field lists item indexes position by position; missing ones are None."""
    assert from_form(make_question("ordering"), form({"answer": ["3", "0"]})) == [3, 0, None, None]


def test_ordering_shuffle_never_shows_the_answer(make_question):
    """The display order is a permutation that is never already right."""
    question = make_question("ordering", data={"items": ["a", "b"]})
    orders = {
        tuple(get_question_type("ordering").shuffle(question, random.Random(seed)))
        for seed in range(20)
    }
    assert orders == {(1, 0)}


def test_matching_shuffle_never_lines_the_options_up_with_their_items(make_question):
    """Options shown in the author's order would sit beside their items: the answer in view."""
    question = make_question("matching")
    count = len(get_question_type("matching").options(question))
    for seed in range(200):
        order = get_question_type("matching").shuffle(question, random.Random(seed))
        assert sorted(order) == list(range(count)) and order != list(range(count))


def test_ordering_items_must_be_distinct(make_question):
    """Two identical items would make the right order ambiguous."""
    question = make_question("ordering", data={"items": ["a", "a"]})
    assert validate_question(question) == ["Các mục cần sắp xếp không được trùng nhau."]


# Essay


def test_essay_needs_manual_grading(make_question):
    """An essay's grade is left to a person."""
    result = grade(make_question("essay"), "Bài làm")
    assert result.fraction is None
    assert result.needs_manual_grading


def test_essay_reads_text_from_form(make_question, form):
    """The essay text comes from the answer field."""
    assert from_form(make_question("essay"), form({"answer": ["Bài làm\n"]})) == "Bài làm"


def test_response_text_describes_choice_responses(make_question):
    """response_text() shows learners' picks as the choice texts."""
    assert get_question_type("multiple").response_text(make_question("multiple"), [0, 1]) == (
        "Tiếp nhận hồ sơ; Trả kết quả"
    )
