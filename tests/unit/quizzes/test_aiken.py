"""Reading and writing Aiken question banks, and the format registry (lms.quizzes.formats)."""

import pytest

from lms.quizzes.formats import (
    FORMATS,
    UnsupportedQuestionError,
    dump_aiken,
    dump_gift,
    dump_moodle_xml,
    parse_aiken,
    parse_gift,
    parse_moodle_xml,
)

BANK = """Cơ quan nào tiếp nhận hồ sơ?
A. Bộ phận Một cửa
B. Văn thư
C) Phòng Nội vụ
ANSWER: A

Thời hạn giải quyết
được tính từ khi nào?

A. Khi nộp hồ sơ
B. Khi nhận đủ hồ sơ hợp lệ
ANSWER: B
"""


def errors(text: str) -> list[str]:
    return [str(error) for error in parse_aiken(text, "bank.txt").errors]


def test_questions_become_single_choice():
    """Each question is single choice with its ANSWER letter at 100%."""
    first = parse_aiken(BANK).questions[0]
    assert first.qtype == "single"
    assert first.data["choices"] == [
        {"text": "Bộ phận Một cửa", "fraction": 1.0, "feedback": ""},
        {"text": "Văn thư", "fraction": 0.0, "feedback": ""},
        {"text": "Phòng Nội vụ", "fraction": 0.0, "feedback": ""},
    ]


def test_stem_may_span_lines_and_names_the_question():
    """Stem lines are joined; the stem's start is the question's name."""
    second = parse_aiken(BANK).questions[1]
    assert second.stem == "Thời hạn giải quyết\nđược tính từ khi nào?"
    assert second.name == "Thời hạn giải quyết được tính từ khi nào?"
    assert second.line == 7


def test_every_bad_question_is_reported_at_its_first_line():
    """Missing ANSWER lines and unknown letters are all reported; good questions are kept."""
    text = "\n".join(
        [
            "Câu một?",  # 1
            "A. x",
            "B. y",
            "Câu hai?",  # 4: question one had no ANSWER line
            "A. x",
            "B. y",
            "ANSWER: D",
            "Câu ba?",  # 8
            "A. x",
            "B. y",
            "ANSWER: B",
            "Câu bốn?",  # 12
            "A. x",
        ]
    )
    result = parse_aiken(text, "bank.txt")
    assert [q.stem for q in result.questions] == ["Câu ba?"]
    assert [str(error) for error in result.errors] == [
        "bank.txt:1: Câu hỏi thiếu dòng “ANSWER: …”.",
        "bank.txt:4: Đáp án “D” không nằm trong các phương án của câu hỏi.",
        "bank.txt:12: Câu hỏi thiếu dòng “ANSWER: …”.",
    ]


def test_answer_without_question_is_reported():
    """An ANSWER line with nothing before it is an error."""
    assert errors("ANSWER: A\n") == ["bank.txt:1: Dòng “ANSWER:” thiếu câu hỏi."]


def test_single_option_fails_validation():
    """A question with one option is reported by the single-choice rules."""
    assert errors("Câu?\nA. x\nANSWER: A\n") == [
        "bank.txt:1: Câu hỏi trắc nghiệm cần ít nhất hai phương án."
    ]


def test_dump_round_trips_plain_single_choice(make_question):
    """A one-right-answer question with a stem-derived name survives Aiken."""
    question = make_question(
        "single",
        name="Ai tiếp nhận?",
        stem="Ai tiếp nhận?",
        data={
            "choices": [
                {"text": "Văn thư", "fraction": 0.0, "feedback": ""},
                {"text": "Một cửa", "fraction": 1.0, "feedback": ""},
            ]
        },
    )
    assert dump_aiken([question]) == "Ai tiếp nhận?\nA. Văn thư\nB. Một cửa\nANSWER: B\n"
    assert parse_aiken(dump_aiken([question])).questions == [question]


@pytest.mark.parametrize("qtype", ["single", "multiple", "essay"])
def test_dump_refuses_what_aiken_cannot_hold(make_question, qtype):
    """Partial credit (the sample single) and other types raise a clear error."""
    with pytest.raises(UnsupportedQuestionError, match="Aiken"):
        dump_aiken([make_question(qtype)])


def test_formats_registry_maps_names_to_parser_and_dumper():
    """FORMATS lists each format's parser and dumper."""
    assert {name: tuple(entry) for name, entry in FORMATS.items()} == {
        "gift": (parse_gift, dump_gift),
        "moodlexml": (parse_moodle_xml, dump_moodle_xml),
        "aiken": (parse_aiken, dump_aiken),
    }
    assert FORMATS["gift"].parse is parse_gift
