"""Banks exported from Moodle 5.x: descriptions, fill-the-gaps (gapselect, ddwtos) and ordering
questions read in, the types we do not have skipped with a warning, and the new types written
back (lms.quizzes.formats). The sample files in tests/data/moodle say which Moodle code they
follow.
"""

from pathlib import Path

import pytest
from flask_babel import force_locale

from lms.quizzes.formats import (
    UnsupportedQuestionError,
    dump_aiken,
    dump_gift,
    dump_moodle_xml,
    parse_gift,
    parse_moodle_xml,
)
from lms.quizzes.types import Question

DATA = Path(__file__).resolve().parents[2] / "data" / "moodle"


@pytest.fixture
def moodle_xml():
    return parse_moodle_xml((DATA / "bank-moodle5.xml").read_bytes(), "bank.xml")


@pytest.fixture
def moodle_gift():
    return parse_gift((DATA / "bank-moodle5.gift").read_bytes(), "bank.gift")


@pytest.fixture
def gaps(make_question) -> Question:
    data = {
        "choices": [
            {"text": "tiếp nhận", "group": 1},
            {"text": "cơ quan chuyên môn", "group": 2},
            {"text": "trả lại", "group": 1},
        ],
        "shuffle": False,
    }
    return make_question("gaps", data=data, stem="Hồ sơ được [[1]] rồi chuyển đến [[2]].")


@pytest.fixture
def description() -> Question:
    return Question(
        qtype="description",
        name="Tình huống",
        stem="Bà Lan nộp hồ sơ tại Bộ phận Một cửa.",
        default_mark=0.0,
        category="mot-cua",
    )


# Moodle XML


def test_moodle_bank_imports_what_we_support(moodle_xml):
    """The description, both gap types and the true/false question are read; nothing fails."""
    assert moodle_xml.errors == []
    assert [(q.qtype, q.name) for q in moodle_xml.questions] == [
        ("description", "Tình huống"),
        ("gaps", "Quy trình một cửa"),
        ("gaps", "Kéo thả thời hạn"),
        ("truefalse", "Phí"),
    ]


def test_unknown_types_are_skipped_with_a_warning_at_their_line(moodle_xml):
    """Cloze and calculated questions are listed as FILE:LINE: warning, the others kept."""
    assert moodle_xml.skipped == 2
    assert [str(warning) for warning in moodle_xml.warnings] == [
        "bank.xml:90: cảnh báo: đã bỏ qua câu hỏi “Cloze”: "
        "loại câu hỏi “multianswer” chưa được hỗ trợ.",
        "bank.xml:143: cảnh báo: đã bỏ qua câu hỏi “Tính phí”: "
        "loại câu hỏi “calculated” chưa được hỗ trợ.",
    ]


def test_warning_is_english_for_an_english_user():
    """The warning line reads FILE:LINE: warning: … in English."""
    with force_locale("en"):
        result = parse_moodle_xml((DATA / "bank-moodle5.xml").read_bytes(), "bank.xml")
        assert str(result.warnings[0]) == (
            "bank.xml:90: warning: question “Cloze” skipped: "
            "its type “multianswer” is not supported."
        )


def test_gapselect_is_read_with_groups_and_shuffling(moodle_xml):
    """Choices keep their groups and order; the text keeps its [[n]] gaps; no combined feedback."""
    question = moodle_xml.questions[1]
    assert question.stem.startswith("<p>Hồ sơ được [[1]] tại Bộ phận Một cửa")
    assert question.default_mark == 2.0
    assert question.data == {
        "choices": [
            {"text": "tiếp nhận", "group": 1},
            {"text": "cơ quan chuyên môn", "group": 2},
            {"text": "trả lại", "group": 1},
            {"text": "văn thư", "group": 2},
        ],
        "shuffle": True,
    }


def test_ddwtos_becomes_the_same_type(moodle_xml):
    """Drag-and-drop into text is read as fill the gaps, its shuffle setting kept."""
    question = moodle_xml.questions[2]
    assert question.data == {
        "choices": [{"text": "đúng", "group": 1}, {"text": "trễ", "group": 1}],
        "shuffle": False,
    }


def test_description_has_no_mark(moodle_xml):
    """A description is worth nothing, whatever the file says."""
    assert moodle_xml.questions[0].default_mark == 0.0
    assert moodle_xml.questions[0].category == "Một cửa/Điền từ"


def test_bad_group_refuses_the_question():
    """An error inside a supported question is an error, not a warning."""
    text = """<quiz><question type="gapselect"><name><text>G</text></name>
<questiontext><text>A [[1]]</text></questiontext>
<selectoption><text>x</text><group>một</group></selectoption></question></quiz>"""
    result = parse_moodle_xml(text, "bank.xml")
    assert [str(error) for error in result.errors] == [
        "bank.xml:1: Nhóm “một” không phải là một số."
    ]
    assert result.warnings == []


@pytest.mark.parametrize("group", ["²", "①", "1" * 4301])
def test_a_group_int_cannot_read_is_a_line_error(group):
    """Digits `isdigit` accepts but `int` refuses (superscripts, 4.301 of them) are no 500."""
    text = f"""<quiz><question type="gapselect"><name><text>G</text></name>
<questiontext><text>A [[1]]</text></questiontext>
<selectoption><text>x</text><group>{group}</group></selectoption></question></quiz>"""
    result = parse_moodle_xml(text, "bank.xml")
    assert len(result.errors) == 1 and "không phải là một số" in str(result.errors[0])


def test_gaps_round_trip_as_gapselect(gaps):
    """A fill-the-gaps question is written as Moodle's gapselect and reads back unchanged."""
    text = dump_moodle_xml([gaps])
    assert '<question type="gapselect">' in text
    assert "<selectoption>" in text and "<group>2</group>" in text
    assert parse_moodle_xml(text).questions == [gaps]


def test_description_round_trips_in_moodle_xml(description):
    """A description is written as Moodle's description and reads back unchanged."""
    text = dump_moodle_xml([description])
    assert '<question type="description">' in text
    assert parse_moodle_xml(text).questions == [description]


# GIFT


def test_gift_bank_reads_description_and_ordering(moodle_gift):
    """Text without braces is a description; {>N …} lines are an ordering question."""
    assert moodle_gift.errors == []
    assert [(q.qtype, q.name) for q in moodle_gift.questions] == [
        ("description", "Giới thiệu"),
        ("ordering", "Thứ tự các bước"),
        ("truefalse", "Thời hạn"),
        ("ordering", "Ngang"),
    ]
    intro = moodle_gift.questions[0]
    assert intro.stem == "<p>Các câu sau hỏi về quy trình tiếp nhận hồ sơ tại Bộ phận Một cửa.</p>"
    assert intro.default_mark == 0.0


def test_gift_ordering_items_are_in_the_right_order(moodle_gift):
    """The items after the options line are the right order; the options are not items."""
    assert moodle_gift.questions[1].data == {
        "items": [
            "Tiếp nhận hồ sơ",
            "Chuyển hồ sơ đến cơ quan giải quyết",
            "Giải quyết hồ sơ",
            "Trả kết quả",
        ]
    }
    assert moodle_gift.questions[3].data == {"items": ["Một", "Hai", "Ba"]}


def test_gift_ordering_without_a_count_is_an_error():
    """“{>” must be followed by the number of items, as the plugin requires."""
    result = parse_gift("::T:: Sắp xếp {>\nMột\nHai\n}", "bank.gift")
    assert [str(error) for error in result.errors] == [
        "bank.gift:1: Câu sắp xếp thứ tự bắt đầu bằng “>” và số mục, ví dụ “{>4 ALL”."
    ]


def test_gift_ordering_round_trip(make_question):
    """An ordering question is written in the plugin's syntax and reads back unchanged."""
    question = make_question("ordering", general_feedback="Theo Điều 8.")
    text = dump_gift([question])
    assert "{\n\t>4 ALL VERTICAL ABSOLUTE_POSITION SHOW\n\tTiếp nhận\n" in text
    assert parse_gift(text).questions == [question]


def test_gift_description_round_trip(description):
    """A description is written as its text alone and reads back unchanged."""
    text = dump_gift([description])
    assert "{" not in text
    assert parse_gift(text).questions == [description]


def test_gift_cannot_hold_fill_the_gaps(gaps):
    """Exporting fill the gaps to GIFT says so and names the format that can hold it."""
    with pytest.raises(UnsupportedQuestionError) as refused:
        dump_gift([gaps])
    assert str(refused.value) == (
        "Không xuất được câu hỏi “Câu gaps” sang GIFT: GIFT không chứa được câu điền vào "
        "chỗ trống; hãy xuất ngân hàng dưới dạng Moodle XML."
    )


def test_aiken_refusal_names_the_type(gaps):
    """Aiken's refusal names the type as trainers know it."""
    with pytest.raises(UnsupportedQuestionError) as refused:
        dump_aiken([gaps])
    assert "“Điền vào chỗ trống”" in str(refused.value)
