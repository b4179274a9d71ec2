"""Reading and writing Moodle XML question banks (lms.quizzes.formats.moodlexml)."""

import unicodedata

import pytest
from flask_babel import force_locale

from lms.quizzes.formats import dump_moodle_xml, parse_moodle_xml
from lms.quizzes.types import Question

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

MOODLE_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Cải cách hành chính/Một cửa</text>
    </category>
    <info format="moodle_auto_format"><text></text></info>
  </question>
  <question type="multichoice">
    <name><text>Cơ quan tiếp nhận</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Ai <b>tiếp nhận</b> hồ sơ?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>Nghị định 61/2018.</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <answer fraction="100" format="html">
      <text>Bộ phận Một cửa</text>
      <feedback format="html"><text>Đúng.</text></feedback>
    </answer>
    <answer fraction="-33.33333" format="html">
      <text>Văn thư</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="multichoice">
    <name><text>Nhiệm vụ</text></name>
    <questiontext format="html"><text>Chọn các nhiệm vụ</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>Tiếp nhận</text></answer>
    <answer fraction="50"><text>Trả kết quả</text></answer>
    <answer fraction="-100"><text>Thẩm định</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Một cửa</text></name>
    <questiontext format="html"><text>Bộ phận Một cửa thẩm định hồ sơ.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>Không, việc đó của phòng chuyên môn.</text></feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text>Chính xác.</text></feedback>
    </answer>
  </question>
  <question type="shortanswer">
    <name><text>Viết tắt</text></name>
    <questiontext format="html"><text>TTHC là viết tắt của?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>Thủ tục hành chính</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="numerical">
    <name><text>Thời hạn</text></name>
    <questiontext format="html"><text>Bao nhiêu ngày?</text></questiontext>
    <answer fraction="100" format="moodle_auto_format">
      <text>15</text>
      <feedback format="html"><text>Đúng.</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>15</text>
      <feedback format="html"><text></text></feedback>
      <tolerance>2</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html"><text>Xem lại quy định.</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <units></units>
    <unitgradingtype>0</unitgradingtype>
  </question>
  <question type="matching">
    <name><text>Ghép</text></name>
    <questiontext format="html"><text>Ghép bước với người làm</text></questiontext>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text>Tiếp nhận</text><answer><text>Một cửa</text></answer>
    </subquestion>
    <subquestion format="html">
      <text>Phê duyệt</text><answer><text>Lãnh đạo</text></answer>
    </subquestion>
    <subquestion format="html"><text></text><answer><text>Văn thư</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>Tự luận</text></name>
    <questiontext format="html"><text>Trình bày quy trình.</text></questiontext>
    <responseformat>editor</responseformat>
    <graderinfo format="html"><text>Đủ ba bước.</text></graderinfo>
  </question>
  <question type="ordering">
    <name><text>Thứ tự</text></name>
    <questiontext format="html"><text>Sắp xếp các bước</text></questiontext>
    <layouttype>VERTICAL</layouttype>
    <selecttype>ALL</selecttype>
    <selectcount>0</selectcount>
    <gradingtype>ABSOLUTE_POSITION</gradingtype>
    <showgrading>SHOW</showgrading>
    <answer fraction="2.0000000" format="moodle_auto_format"><text>Thẩm định</text></answer>
    <answer fraction="1.0000000" format="moodle_auto_format"><text>Tiếp nhận</text></answer>
    <answer fraction="3.0000000" format="moodle_auto_format"><text>Trả kết quả</text></answer>
  </question>
</quiz>
"""


@pytest.fixture
def export() -> dict[str, Question]:
    """The sample Moodle export, parsed, by question name."""
    result = parse_moodle_xml(MOODLE_EXPORT, "export.xml")
    assert result.errors == []
    return {question.name: question for question in result.questions}


def errors(text: str) -> list[str]:
    return [str(error) for error in parse_moodle_xml(text, "bank.xml").errors]


def test_every_question_of_an_export_is_read(export):
    """All eight questions of the sample export are read."""
    assert [q.qtype for q in export.values()] == [
        "single",
        "multiple",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "ordering",
    ]


def test_category_question_sets_category(export):
    """A category pseudo-question sets the path, without Moodle's context prefix."""
    assert {q.category for q in export.values()} == {"Cải cách hành chính/Một cửa"}


def test_common_fields_are_read(export):
    """Name, stem (kept as written), general feedback, mark and source line are read."""
    question = export["Cơ quan tiếp nhận"]
    assert question.stem == "<p>Ai <b>tiếp nhận</b> hồ sơ?</p>"
    assert (question.general_feedback, question.default_mark) == ("Nghị định 61/2018.", 2.0)
    assert question.line == 10


def test_multichoice_single_with_penalty(export):
    """<single>true</single> is single choice; fractions are percentages."""
    assert export["Cơ quan tiếp nhận"].data["choices"] == [
        {"text": "Bộ phận Một cửa", "fraction": 1.0, "feedback": "Đúng."},
        {"text": "Văn thư", "fraction": -0.3333333, "feedback": ""},
    ]


def test_multichoice_not_single_is_multiple(export):
    """<single>false</single> lets learners pick several choices."""
    choices = export["Nhiệm vụ"].data["choices"]
    assert [c["fraction"] for c in choices] == [0.5, 0.5, -1.0]


def test_truefalse_answers_and_feedback(export):
    """The "false" answer at 100% makes a false statement; feedback follows each answer."""
    assert export["Một cửa"].data == {
        "correct": False,
        "feedback_true": "Không, việc đó của phòng chuyên môn.",
        "feedback_false": "Chính xác.",
    }


def test_shortanswer_usecase_means_case_sensitive(export):
    """<usecase>1</usecase> makes the comparison case sensitive."""
    assert export["Viết tắt"].data["case_sensitive"] is True


def test_numerical_tolerance_and_catch_all(export):
    """Answers carry their tolerance; Moodle's "*" catch-all is dropped."""
    assert export["Thời hạn"].data["answers"] == [
        {"value": 15.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Đúng."},
        {"value": 15.0, "tolerance": 2.0, "fraction": 0.5, "feedback": ""},
    ]


def test_matching_subquestions_and_distractor(export):
    """Subquestions are pairs; one with empty text is a distractor."""
    assert export["Ghép"].data == {
        "pairs": [
            {"left": "Tiếp nhận", "right": "Một cửa"},
            {"left": "Phê duyệt", "right": "Lãnh đạo"},
        ],
        "distractors": ["Văn thư"],
    }


def test_essay_grader_info(export):
    """<graderinfo> becomes the essay's grader information."""
    assert export["Tự luận"].data == {"grader_info": "Đủ ba bước."}


def test_ordering_items_follow_their_fractions(export):
    """The ordering plugin's answer fractions are positions."""
    assert export["Thứ tự"].data == {"items": ["Tiếp nhận", "Thẩm định", "Trả kết quả"]}


def test_bytes_and_nfc(export):
    """Bytes are accepted and decomposed text comes out composed."""
    source = unicodedata.normalize("NFD", MOODLE_EXPORT).encode()
    names = [q.name for q in parse_moodle_xml(source).questions]
    assert names == list(export)


def test_every_bad_question_is_reported_at_its_line():
    """Each bad question is reported at its <question> line; good ones are still read, and a
    question of a type we do not have is skipped with a warning instead."""
    text = """<?xml version="1.0"?>
<quiz>
  <question type="cloze">
    <name><text>Cloze</text></name>
  </question>
  <question type="truefalse">
    <name><text>TF tốt</text></name>
    <questiontext><text>K</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Trọng số sai</text></name>
    <questiontext><text>Q</text></questiontext>
    <answer fraction="nhiều"><text>a</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Thiếu đáp án</text></name>
    <questiontext><text>K</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Không có đáp án đúng</text></name>
    <questiontext><text>Q</text></questiontext>
    <answer fraction="0"><text>a</text></answer>
    <answer fraction="0"><text>b</text></answer>
  </question>
</quiz>
"""
    result = parse_moodle_xml(text, "bank.xml")
    assert [q.name for q in result.questions] == ["TF tốt"]
    assert [str(warning) for warning in result.warnings] == [
        "bank.xml:3: cảnh báo: đã bỏ qua câu hỏi “Cloze”: loại câu hỏi “cloze” chưa được hỗ trợ."
    ]
    assert [str(error) for error in result.errors] == [
        "bank.xml:12: Trọng số “nhiều” không phải là một số.",
        "bank.xml:17: Câu hỏi Đúng/Sai phải có đúng hai đáp án “true” và “false”.",
        "bank.xml:22: Cần ít nhất một phương án đúng (100%).",
    ]


NOT_NUMBERS = """<?xml version="1.0"?>
<quiz>
  <question type="essay">
    <name><text>Điểm sai</text></name>
    <questiontext><text>Q</text></questiontext>
    <defaultgrade>hai</defaultgrade>
  </question>
  <question type="numerical">
    <name><text>Đáp án sai</text></name>
    <questiontext><text>Q</text></questiontext>
    <answer fraction="100"><text>ba</text></answer>
  </question>
  <question type="numerical">
    <name><text>Sai số sai</text></name>
    <questiontext><text>Q</text></questiontext>
    <answer fraction="100"><text>3</text><tolerance>nửa</tolerance></answer>
  </question>
</quiz>
"""


def test_numbers_that_are_not_numbers_are_named_in_the_error():
    """A mark, numerical answer or tolerance that is not a number says which one it is."""
    assert errors(NOT_NUMBERS) == [
        "bank.xml:3: Điểm “hai” không phải là một số.",
        "bank.xml:8: Đáp án “ba” không phải là một số.",
        "bank.xml:13: Sai số “nửa” không phải là một số.",
    ]


def test_errors_are_english_for_an_english_user():
    """The same errors read in English under the English locale."""
    with force_locale("en"):
        assert errors(NOT_NUMBERS) == [
            "bank.xml:3: Mark “hai” is not a number.",
            "bank.xml:8: Answer “ba” is not a number.",
            "bank.xml:13: Tolerance “nửa” is not a number.",
        ]


def test_malformed_xml_is_reported_at_its_line():
    """XML that does not parse gives one error at the line where parsing failed."""
    [message] = errors('<?xml version="1.0"?>\n<quiz>\n<question>\n</quiz>\n')
    assert message.startswith("bank.xml:4: Tệp XML không hợp lệ: mismatched tag")


def test_entity_declarations_are_refused():
    """Entity expansion (a "billion laughs" upload) is refused, not expanded."""
    text = '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>'
    [message] = errors(text)
    assert "không được phép" in message


def test_wrong_root_element_is_reported():
    """A file whose root is not <quiz> is not a Moodle question bank."""
    assert errors("<questions/>") == ["bank.xml:1: Phần tử gốc của tệp phải là <quiz>."]


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_round_trip_every_type(make_question, qtype):
    """parse_moodle_xml(dump_moodle_xml(questions)) gives the same questions back."""
    question = make_question(qtype, category="mot-cua", default_mark=2.5, general_feedback="<b>")
    if qtype == "numerical":
        question.data["answers"] = question.data["answers"][:1]  # Moodle has no ranges.
    result = parse_moodle_xml(dump_moodle_xml([question]))
    assert result.errors == []
    assert result.questions == [question]


def test_numerical_range_is_written_as_centre_and_tolerance(make_question):
    """A range 3..5 becomes 4 ± 1, which accepts the same numbers."""
    question = make_question("numerical")
    answers = parse_moodle_xml(dump_moodle_xml([question])).questions[0].data["answers"]
    assert answers[1] == {"value": 4.0, "tolerance": 1.0, "fraction": 0.5, "feedback": "Gần đúng."}


def test_dump_writes_category_only_when_it_changes(make_question):
    """One category pseudo-question per run of questions in the same category."""
    questions = [make_question("essay", category=c) for c in ["a", "a", "b", ""]]
    text = dump_moodle_xml(questions)
    assert text.count('type="category"') == 3
    assert "<text>$course$/top/a</text>" in text
    assert parse_moodle_xml(text).questions == questions


def test_dump_writes_ordering_as_the_plugin_does(make_question):
    """Ordering answers carry their position as fraction, with absolute-position grading."""
    text = dump_moodle_xml([make_question("ordering")])
    assert '<question type="ordering">' in text
    assert "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in text
    assert '<answer format="markdown" fraction="4">' in text


def test_dump_marks_text_as_markdown(make_question):
    """Stems are written with format="markdown" so Moodle renders them as we do."""
    assert '<questiontext format="markdown">' in dump_moodle_xml([make_question("essay")])
