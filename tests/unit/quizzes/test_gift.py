"""Reading and writing GIFT question banks (lms.quizzes.formats.gift)."""

import unicodedata

import pytest
from flask_babel import force_locale

from lms.quizzes.formats import UnsupportedQuestionError, dump_gift, parse_gift
from lms.quizzes.types import Question

GIFT_TYPES = [
    "single",
    "multiple",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
    "essay",
]


def only(text: str) -> Question:
    """The single question of a GIFT text that must parse without errors."""
    result = parse_gift(text, "bank.gift")
    assert [str(error) for error in result.errors] == []
    assert len(result.questions) == 1
    return result.questions[0]


def errors(text: str) -> list[str]:
    return [str(error) for error in parse_gift(text, "bank.gift").errors]


# Structure: categories, comments, titles, blocks


def test_category_applies_to_following_questions():
    """$CATEGORY: sets the category of every question after it."""
    result = parse_gift("$CATEGORY: mot-cua/01-co-che\n\n::A:: a {T}\n\n::B:: b {F}\n")
    assert [q.category for q in result.questions] == ["mot-cua/01-co-che"] * 2


def test_category_drops_moodle_context_prefix():
    """Moodle's "$course$/top/" prefix is not part of our category path."""
    assert only("$CATEGORY: $course$/top/mot-cua/02\n\n::A:: a {T}").category == "mot-cua/02"


def test_category_line_may_directly_precede_a_question():
    """A question may start on the line right after $CATEGORY:."""
    question = only("$CATEGORY: ks\n::A:: a {T}")
    assert (question.category, question.line) == ("ks", 2)


def test_comment_lines_are_ignored():
    """Whole lines starting with // are comments, even inside a question."""
    question = only("// đầu tệp\n::A:: Câu hỏi {\n// giữa câu\n=đúng\n~sai\n}")
    assert [c["text"] for c in question.data["choices"]] == ["đúng", "sai"]


def test_url_in_text_is_not_a_comment():
    """ "//" inside a line (an address) is kept."""
    assert only("::A:: Xem https://dichvucong.gov.vn {T}").stem == "Xem https://dichvucong.gov.vn"


def test_title_becomes_name():
    """::title:: is the question's name, not part of its stem."""
    question = only("::Tiêu đề:: Nội dung {T}")
    assert (question.name, question.stem) == ("Tiêu đề", "Nội dung")


def test_missing_title_is_taken_from_stem():
    """Without a title, the start of the stem names the question."""
    assert only("Thủ tục hành chính là gì? {}").name == "Thủ tục hành chính là gì?"


def test_question_may_span_several_lines():
    """A question continues until a blank line; its lines stay joined with newlines."""
    question = only("::A::\nDòng một\ndòng hai\n{\n=x\n~y\n}")
    assert question.stem == "Dòng một\ndòng hai"


def test_line_is_first_line_of_question():
    """Each question remembers the line it starts on."""
    result = parse_gift("// c\n\n::A:: a {T}\n\n\n::B::\nb {F}\n")
    assert [q.line for q in result.questions] == [3, 6]


@pytest.mark.parametrize("prefix", ["[markdown]", "[html]", "[plain]", "[moodle]"])
def test_format_prefix_is_dropped_and_text_kept(prefix):
    """A [format] prefix is removed from the stem, which is kept as written."""
    assert only(f"::A::{prefix}**Đậm** <b>x</b> {{T}}").stem == "**Đậm** <b>x</b>"


def test_format_prefix_is_dropped_from_answers_and_feedback():
    """Answers and feedback may carry a [format] prefix too."""
    choice = only("::A:: q {=[html]<i>a</i>#[markdown]*fb* ~b}").data["choices"][0]
    assert (choice["text"], choice["feedback"]) == ("<i>a</i>", "*fb*")


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":", "\\"])
def test_escaped_markup_characters_are_literal(char):
    """\\~ \\= \\# \\{ \\} \\: \\\\ stand for the characters themselves."""
    question = only(f"::A\\{char}:: a\\{char}b {{=c\\{char}d#e\\{char}f ~g}}")
    choice = question.data["choices"][0]
    assert (question.name, question.stem) == (f"A{char}", f"a{char}b")
    assert (choice["text"], choice["feedback"]) == (f"c{char}d", f"e{char}f")


def test_escaped_n_is_a_newline():
    """\\n in the text stands for a line break."""
    assert only("::A:: Dòng 1\\nDòng 2 {T}").stem == "Dòng 1\nDòng 2"


def test_text_is_normalised_to_nfc():
    """Decomposed Vietnamese (from some keyboards) is stored composed."""
    decomposed = unicodedata.normalize("NFD", "::Cửa:: Một cửa {=Đúng ~Sai}")
    question = only(decomposed)
    assert (question.name, question.stem) == ("Cửa", "Một cửa")
    assert question.data["choices"][0]["text"] == "Đúng"


def test_bytes_with_bom_are_read_as_utf8():
    """An uploaded file's bytes, with or without a BOM, parse as UTF-8."""
    assert only("\ufeff::A:: Câu {T}".encode()).name == "A"


def test_non_utf8_bytes_are_an_error():
    """A file in another encoding is reported, with the line of the first bad byte."""
    assert errors("::A:: a {T}\n\n::B:: C\u00e2u {T}".encode("cp1258")) == [
        "bank.gift:3: Tệp không được mã hoá UTF-8."
    ]


# Multiple choice


def test_single_choice_with_feedback():
    """One "=" answer makes single choice; "#" gives each choice its feedback."""
    question = only("::A:: Q {=Một cửa#Đúng. ~Văn thư#Sai.}")
    assert question.qtype == "single"
    assert question.data["choices"] == [
        {"text": "Một cửa", "fraction": 1.0, "feedback": "Đúng."},
        {"text": "Văn thư", "fraction": 0.0, "feedback": "Sai."},
    ]


def test_general_feedback_follows_four_hashes():
    """#### introduces the feedback shown whatever the answer."""
    question = only("::A:: Q {=a#fa ~b ####Xem Nghị định 61.}")
    assert question.general_feedback == "Xem Nghị định 61."
    assert question.data["choices"][1] == {"text": "b", "fraction": 0.0, "feedback": ""}


def test_single_choice_weights_give_partial_credit():
    """~%50% gives a wrong-looking choice half the mark in a single choice question."""
    choices = only("::A:: Q {=a ~%50%b ~%-25%c}").data["choices"]
    assert [c["fraction"] for c in choices] == [1.0, 0.5, -0.25]


def test_weights_summing_to_100_without_equals_make_multiple_choice():
    """~%50% ~%50% and no "=" lets learners pick several choices."""
    question = only("::A:: Q {~%50%a ~%50%b ~%-100%c}")
    assert question.qtype == "multiple"
    assert [c["fraction"] for c in question.data["choices"]] == [0.5, 0.5, -1.0]


def test_decimal_weights_are_read():
    """Weights may have decimals: ~%33.33333%."""
    choices = only("::A:: Q {~%33.33333%a ~%33.33333%b ~%33.33334%c ~d}").data["choices"]
    assert choices[0]["fraction"] == 0.3333333


def test_equals_with_weight_is_accepted():
    """=%100% is read as a weighted right answer."""
    assert only("::A:: Q {=%100%a ~b}").data["choices"][0]["fraction"] == 1.0


# True/false


@pytest.mark.parametrize(
    ("block", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_truefalse_spellings(block, correct):
    """{T}, {TRUE}, {F} and {FALSE} are true/false questions."""
    question = only(f"::A:: Khẳng định {{{block}}}")
    assert (question.qtype, question.data["correct"]) == ("truefalse", correct)


def test_truefalse_feedback_if_wrong_then_if_right():
    """{T#if wrong#if right}: a learner answering "false" was wrong."""
    data = only("::A:: K {T#Sai rồi.#Đúng rồi.}").data
    assert (data["feedback_false"], data["feedback_true"]) == ("Sai rồi.", "Đúng rồi.")


def test_false_statement_feedback_maps_to_answers():
    """For {F#…#…} the first feedback goes to whoever answered "true"."""
    data = only("::A:: K {F#Chưa đúng.#Chính xác.}").data
    assert (data["feedback_true"], data["feedback_false"]) == ("Chưa đúng.", "Chính xác.")


# Short answer, numerical, matching, missing word, essay


def test_shortanswer_accepts_several_answers_with_weights():
    """{=a =%50%b#fb} lists accepted answers; matching is case and accent insensitive."""
    data = only("::A:: Thủ đô? {=Hà Nội =%50%Hanoi#Viết đúng dấu nhé.}").data
    assert data == {
        "answers": [
            {"text": "Hà Nội", "fraction": 1.0, "feedback": ""},
            {"text": "Hanoi", "fraction": 0.5, "feedback": "Viết đúng dấu nhé."},
        ],
        "case_sensitive": False,
        "ignore_diacritics": True,
    }


def test_numerical_value_and_tolerance():
    """{#2:0.5} is 2 give or take 0.5."""
    question = only("::A:: Bao nhiêu? {#2:0.5}")
    assert question.qtype == "numerical"
    assert question.data["answers"] == [
        {"value": 2.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""}
    ]


def test_numerical_range():
    """{#1..5} accepts anything from 1 to 5."""
    assert only("::A:: Q {#1..5}").data["answers"] == [
        {"min": 1.0, "max": 5.0, "fraction": 1.0, "feedback": ""}
    ]


def test_numerical_several_weighted_answers():
    """{#=%100%2:0 =%50%2:1} gives full credit for 2 and half for 1 to 3."""
    answers = only("::A:: Q {#=%100%2:0#Chính xác =%50%2:1#Gần đúng}").data["answers"]
    assert answers == [
        {"value": 2.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Chính xác"},
        {"value": 2.0, "tolerance": 1.0, "fraction": 0.5, "feedback": "Gần đúng"},
    ]


def test_numerical_negative_values():
    """Negative values and ranges are numbers too."""
    assert only("::A:: Q {#-5..-1}").data["answers"][0] == {
        "min": -5.0,
        "max": -1.0,
        "fraction": 1.0,
        "feedback": "",
    }


def test_matching_pairs_and_distractors():
    """{=a -> x} pairs items; "= -> y" adds a right-hand distractor."""
    question = only("::A:: Ghép {=Tiếp nhận -> Một cửa =Duyệt -> Lãnh đạo = -> Văn thư}")
    assert question.qtype == "matching"
    assert question.data == {
        "pairs": [
            {"left": "Tiếp nhận", "right": "Một cửa"},
            {"left": "Duyệt", "right": "Lãnh đạo"},
        ],
        "distractors": ["Văn thư"],
    }


def test_missing_word_puts_a_blank_in_the_stem():
    """Text after the answer block makes a missing-word question with a _____ blank."""
    question = only("::A:: Thủ đô của Việt Nam là {=Hà Nội ~Huế} từ năm 1976.")
    assert question.stem == "Thủ đô của Việt Nam là _____ từ năm 1976."
    assert question.qtype == "single"


def test_empty_block_is_an_essay():
    """{} asks for a free-text answer."""
    question = only("::A:: Trình bày quy trình {}")
    assert (question.qtype, question.data) == ("essay", {"grader_info": ""})


def test_essay_may_have_general_feedback():
    """{####…} is an essay with general feedback."""
    question = only("::A:: Trình bày {####Tham khảo Điều 5.}")
    assert (question.qtype, question.general_feedback) == ("essay", "Tham khảo Điều 5.")


# Errors


def test_every_bad_question_is_reported_with_its_first_line():
    """Errors cover all bad questions in the file; the good ones are still read."""
    text = "\n".join(
        [
            "::Tốt 1:: a {T}",  # 1
            "",
            "::Thiếu đóng tiêu đề {T}",  # 3
            "",
            "// chú thích",
            "::Thiếu ngoặc::",  # 6
            "b {=x ~y",
            "",
            "::Tốt 2:: c {=x ~y}",  # 9
            "",
            "::Số sai:: d {#hai}",  # 11
            "",
            "::Không khối:: e}",  # 13
        ]
    )
    result = parse_gift(text, "ngan-hang.gift")
    assert [q.name for q in result.questions] == ["Tốt 1", "Tốt 2"]
    assert [str(error) for error in result.errors] == [
        "ngan-hang.gift:3: Tiêu đề câu hỏi thiếu dấu “::” đóng.",
        "ngan-hang.gift:6: Khối đáp án thiếu dấu “}” đóng.",
        "ngan-hang.gift:11: Đáp án số “hai” không hợp lệ.",
        "ngan-hang.gift:13: Không tìm thấy khối đáp án “{…}”.",
    ]


def test_two_questions_without_blank_line_are_reported():
    """A forgotten blank line between questions shows as a second answer block."""
    assert errors("::A:: a {T}\n::B:: b {F}") == [
        "bank.gift:1: Câu hỏi có hơn một khối đáp án (thiếu dòng trống giữa hai câu hỏi?)."
    ]


def test_answer_without_marker_is_reported():
    """An answer that starts with neither "=" nor "~" is an error, not a silent wrong choice."""
    assert errors("::A:: q {a ~b =c}") == [
        "bank.gift:1: Đáp án “a” phải bắt đầu bằng “=” (đúng) hoặc “~” (sai)."
    ]


def test_matching_pair_without_arrow_is_reported():
    """Every matching pair needs "->"."""
    assert errors("::A:: q {=a -> 1 =b}") == ["bank.gift:1: Cặp ghép “b” thiếu dấu “->”."]


def test_bad_weight_is_reported():
    """A weight that is not a number is an error."""
    assert errors("::A:: q {=a ~%nửa%b}") == ["bank.gift:1: Trọng số “nửa” không phải là một số."]


def test_invalid_question_is_reported_with_validation_message():
    """A well-formed question that breaks a type rule is reported and left out."""
    result = parse_gift("::A:: q {~%50%a ~%40%b ~c}", "bank.gift")
    assert result.questions == []
    assert [str(e) for e in result.errors] == [
        "bank.gift:1: Tổng trọng số các phương án đúng phải bằng 100%."
    ]


def test_unescaped_brace_in_text_is_reported():
    """A stray "{" inside the answer block points at the missing escape."""
    assert errors("::A:: q {=a { ~b}") == [
        "bank.gift:1: Dấu ngoặc nhọn đặt sai chỗ; trong văn bản hãy viết “\\{” và “\\}”."
    ]


def test_errors_are_english_for_an_english_user():
    """The reason after FILE:LINE: follows the user's language."""
    with force_locale("en"):
        assert errors("::A:: q {=a -> 1 =b}") == ["bank.gift:1: Pair “b” has no “->”."]


# Writing


def test_dump_escapes_markup_characters(make_question):
    """Markup characters in text are escaped, and newlines written as \\n."""
    question = make_question("essay", name="a:b", stem="x = {y} ~ #z\nw \\ v")
    assert dump_gift([question]) == "::a\\:b::[markdown]x \\= \\{y\\} \\~ \\#z\\nw \\\\ v {}\n"


def test_dump_writes_category_only_when_it_changes(make_question):
    """One $CATEGORY: line per run of questions in the same category."""
    questions = [
        make_question("essay", category="a"),
        make_question("essay", category="a"),
        make_question("essay", category="b"),
    ]
    text = dump_gift(questions)
    assert text.count("$CATEGORY:") == 2
    assert text.index("$CATEGORY: a") < text.index("$CATEGORY: b")


def test_dump_of_a_type_gift_lacks_is_refused(make_question):
    """GIFT cannot hold a type it has no syntax for: exporting one raises a clear error."""
    question = make_question("essay", name="Câu poll")
    question.qtype = "poll"
    with pytest.raises(UnsupportedQuestionError) as refused:
        dump_gift([make_question("essay"), question])
    assert str(refused.value) == (
        "Không xuất được câu hỏi “Câu poll” sang GIFT: định dạng này không có loại câu hỏi “poll”."
    )


def test_export_refusal_is_english_for_an_english_user(make_question):
    """The refusal and its reason are both in the user's language."""
    question = make_question("essay", name="Câu poll")
    question.qtype = "poll"
    with force_locale("en"), pytest.raises(UnsupportedQuestionError) as refused:
        dump_gift([question])
    assert str(refused.value) == (
        "Cannot export question “Câu poll” to GIFT: this format has no “poll” question type."
    )


def test_dump_puts_missing_word_block_in_place(make_question):
    """A stem with a blank in the middle is written as a missing-word question."""
    question = make_question("shortanswer", stem="Thủ đô là _____ từ 1976.")
    assert dump_gift([question]) == (
        "::Câu shortanswer::[markdown]Thủ đô là {=một cửa#Đúng. =%50%một cửa liên *} từ 1976.\n"
    )


@pytest.mark.parametrize("qtype", GIFT_TYPES)
def test_round_trip_every_type(make_question, qtype):
    """parse_gift(dump_gift(questions)) gives the same questions back."""
    question = make_question(qtype, category="mot-cua/01-co-che", general_feedback="Chung: #1")
    if qtype == "essay":
        question.data["grader_info"] = ""  # GIFT has nowhere to keep it.
    result = parse_gift(dump_gift([question]))
    assert result.errors == []
    assert result.questions == [question]


@pytest.mark.parametrize(
    "stem",
    [
        "Điền vào _____ chỗ trống.",
        "Chỗ trống ở cuối _____",
        "Hai dòng\nvà ký tự {đặc} = ~ # : \\ biệt",
        "[html] không phải định dạng",
        "::không phải tiêu đề::",
    ],
)
def test_round_trip_tricky_stems(make_question, stem):
    """Blanks, newlines, markup characters and look-alike prefixes survive a round trip."""
    question = make_question("single", stem=stem)
    assert parse_gift(dump_gift([question])).questions == [question]


def test_round_trip_truefalse_with_only_right_feedback(make_question):
    """A true/false question whose only feedback is for the right answer keeps it."""
    data = {"correct": True, "feedback_true": "Đúng!", "feedback_false": ""}
    question = make_question("truefalse", data=data)
    assert parse_gift(dump_gift([question])).questions == [question]


def test_round_trip_whole_bank(every_question):
    """A bank mixing all GIFT types and categories reads back unchanged."""
    questions = list(every_question)
    for index, question in enumerate(questions):
        question.category = ["", "a/b", "c"][index % 3]
        if question.qtype == "essay":
            question.data["grader_info"] = ""
    assert parse_gift(dump_gift(questions)).questions == questions
