"""Fill the gaps and descriptions (lms.quizzes.types.gaps, .description): validation, reading a
form, grading gap by gap, and what a review shows."""

import random

import pytest

from lms.quizzes.grading.regrade import compatible
from lms.quizzes.models import QuestionVersion
from lms.quizzes.types import Question, get_question_type, validate_question

STEM = "Hồ sơ được [[1]] tại Bộ phận Một cửa, rồi chuyển đến [[2]]."
CHOICES = [
    {"text": "tiếp nhận", "group": 1},
    {"text": "cơ quan chuyên môn", "group": 2},
    {"text": "trả lại", "group": 1},
    {"text": "văn thư", "group": 2},
]


@pytest.fixture
def gaps(make_question) -> Question:
    """Two gaps: the first from group 1 (right: choice 1), the second from group 2 (choice 2)."""
    data = {"choices": [dict(c) for c in CHOICES], "shuffle": True}
    return make_question("gaps", data=data, stem=STEM)


def grade(question, response):
    return get_question_type(question.qtype).grade(question, response)


def test_sample_is_valid(gaps):
    """A text with gaps naming existing choices, each with a group, is valid."""
    assert validate_question(gaps) == []


def test_text_without_gaps_is_refused(gaps):
    """A fill-the-gaps text must have at least one [[n]]."""
    gaps.stem = "Không có chỗ trống."
    assert validate_question(gaps) == [
        "Đoạn văn chưa có chỗ trống: viết [[1]] vào chỗ của phương án 1, và cứ thế tiếp."
    ]


def test_gap_naming_no_choice_is_refused(gaps):
    """[[5]] with four choices names no choice: the message says which gap."""
    gaps.stem += " Và [[5]]."
    assert validate_question(gaps) == ["Chỗ trống [[5]] không ứng với phương án nào: chỉ có 4."]


def test_a_marker_too_long_to_be_a_gap_is_plain_text(gaps):
    """[[111…1]] (4.301 digits, past what int() reads) is text, not a gap: no 500 on save."""
    gaps.stem = "Chỉ có chữ [[" + "1" * 4301 + "]]."
    assert validate_question(gaps) == [
        "Đoạn văn chưa có chỗ trống: viết [[1]] vào chỗ của phương án 1, và cứ thế tiếp."
    ]


def test_group_out_of_range_is_refused(gaps):
    """Groups go from 1 to 20, as in Moodle."""
    gaps.data["choices"][3]["group"] = 21
    assert validate_question(gaps) == ["Nhóm của phương án phải là số từ 1 đến 20."]


def test_every_gap_right_earns_the_mark(gaps):
    """Both gaps right: the whole mark."""
    assert grade(gaps, [0, 1]).fraction == 1.0


def test_each_gap_earns_its_share(gaps):
    """One gap of two right: half the mark, as Moodle gives it."""
    assert grade(gaps, [0, 3]).fraction == 0.5
    assert grade(gaps, [2, None]).fraction == 0.0


def test_same_word_twice_in_a_group_counts_either(gaps):
    """A group holding the right word twice accepts either copy."""
    gaps.data["choices"].append({"text": "tiếp nhận", "group": 1})
    assert grade(gaps, [4, 1]).fraction == 1.0


def test_form_reads_one_choice_per_gap(gaps, form):
    """Each gap's select is read into the choice index, in the text's order."""
    data = form({"q2-answer-0": ["2"], "q2-answer-1": ["3"]})
    assert get_question_type("gaps").response_from_form(gaps, data, "q2-") == [2, 3]


def test_choice_of_another_group_is_no_answer(gaps, form):
    """A forged value naming a choice of another group fills nothing."""
    data = form({"answer-0": ["1"], "answer-1": ["0"]})
    assert get_question_type("gaps").response_from_form(gaps, data) == [None, None]


def test_shuffle_follows_the_question_setting(gaps):
    """Choices are shuffled unless the question (Moodle's shuffleanswers) says not."""
    kind = get_question_type("gaps")
    assert sorted(kind.shuffle(gaps, random.Random(1))) == [0, 1, 2, 3]
    gaps.data["shuffle"] = False
    assert kind.shuffle(gaps, random.Random(1)) == []


def test_answers_carry_opaque_values(gaps):
    """Every choice is one index a page shows as a token (see attempts.tokens)."""
    assert get_question_type("gaps").value_count(gaps) == 4


def test_right_answer_and_response_name_each_gap(gaps):
    """A review reads "(1) tiếp nhận; (2) cơ quan chuyên môn"; an empty gap shows a dash."""
    kind = get_question_type("gaps")
    assert kind.right_answer_text(gaps) == "(1) tiếp nhận; (2) cơ quan chuyên môn"
    assert kind.response_text(gaps, [2]) == "(1) trả lại; (2) —"


def test_review_numbers_the_gaps(gaps):
    """The review's text shows each gap as its number, not as [[n]]."""
    assert get_question_type("gaps").review_stem(gaps) == (
        "Hồ sơ được (1) …… tại Bộ phận Một cửa, rồi chuyển đến (2) ……."
    )


def test_description_takes_no_answer():
    """A description is valid with text alone, reads no answer and takes none."""
    question = Question(qtype="description", name="Tình huống", stem="Bà Lan…", default_mark=0)
    kind = get_question_type("description")
    assert validate_question(question) == []
    assert kind.response_from_form(question, {"answer": ["x"]}) is None
    assert not kind.takes_answer


def version_of(question: Question, stem: str) -> QuestionVersion:
    return QuestionVersion(
        qtype=question.qtype,
        name=question.name,
        stem=stem,
        general_feedback="",
        default_mark=1.0,
        data=question.data,
    )


def test_regrading_keeps_answers_only_when_the_gaps_stay(gaps):
    """Rewording keeps saved answers on the new version; a gap more does not (regrade)."""
    old = version_of(gaps, STEM)
    assert compatible(old, version_of(gaps, STEM.replace("Hồ sơ", "Giấy tờ")))
    assert not compatible(old, version_of(gaps, STEM + " Rồi [[1]]."))
