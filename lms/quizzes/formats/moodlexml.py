"""Moodle XML question format: `parse_moodle_xml` and `dump_moodle_xml`.

Reads and writes the `<quiz><question type="…">` files of Moodle's qformat_xml for the types we
have, plus `type="ordering"` as the qtype_ordering plugin writes it (answers in order, each
`fraction` its position), and `gapselect` and `ddwtos` as Moodle's own plugins write them
(`<selectoption>` or `<dragbox>` elements, each a `<text>` and a `<group>`; the gaps `[[n]]` in
the question text), both read into our one fill-the-gaps type and written back as `gapselect`.
A question of a type we do not have is skipped with a warning. Combined feedback ("Your answer
is correct.") is not kept, as for multiple choice. Parsing goes through defusedxml: uploaded
files are untrusted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.quizzes.formats.base import (
    FormatError,
    FormatWarning,
    ParseResult,
    UnsupportedQuestionError,
    category_from_moodle,
    default_name,
    fraction_from_percent,
    nfc,
    percent,
)
from lms.quizzes.types import QUESTION_TYPES, Question, format_number

__all__ = ["dump_moodle_xml", "parse_moodle_xml"]


class _ContentError(ValueError):
    """Well-formed XML that does not describe a question we can read."""


class _LineRecorder(ET.TreeBuilder):
    """Builds the tree and remembers the line each element starts on, for error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element


def parse_moodle_xml(source: str | bytes, filename: str = "") -> ParseResult:
    """Read every question of a Moodle XML file, and an error for each one that is wrong."""
    result = ParseResult()
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        parser.feed(source)
        root = parser.close()
    except ET.ParseError as error:
        message = _("The XML file is not valid: %(error)s.", error=error)
        result.errors.append(FormatError(filename, error.position[0], message))
        return result
    except DefusedXmlException:
        message = _(
            "The XML file declares a DTD or entities, which is not allowed for safety reasons."
        )
        result.errors.append(FormatError(filename, recorder.expat.CurrentLineNumber, message))
        return result
    if root.tag != "quiz":
        result.errors.append(
            FormatError(filename, 1, _("The root element of the file must be <quiz>."))
        )
        return result
    category = ""
    for element in root.findall("question"):
        line, qtype = recorder.lines[element], element.get("type", "")
        if qtype == "category":
            category = category_from_moodle(_text(element, "category/text"))
            continue
        reader = _READERS.get(qtype)
        if reader is None:
            name = _text(element, "name/text")
            message = _(
                "question “%(name)s” skipped: its type “%(qtype)s” is not supported.",
                name=name or default_name(_text(element, "questiontext/text")),
                qtype=qtype,
            )
            result.warnings.append(FormatWarning(filename, line, message))
            continue
        try:
            ourtype, data = reader(element)
            question = _read_common(element, ourtype, data)
        except _ContentError as error:
            result.errors.append(FormatError(filename, line, str(error)))
            continue
        question.category, question.line = category, line
        result.add(question, filename)
    return result


def _text(element: ET.Element, path: str) -> str:
    node = element.find(path)
    return nfc(node.text or "").strip() if node is not None else ""


def _number(text: str, message: LazyString) -> float:
    """`text` as a number; `message`, with a `%(value)s` placeholder, says when it is none."""
    try:
        return float(text)
    except ValueError:
        raise _ContentError(message % {"value": text}) from None


def _fraction(text: str) -> float:
    try:
        return fraction_from_percent(text)
    except ValueError:
        raise _ContentError(_("Weight “%(value)s” is not a number.", value=text)) from None


def _read_common(element: ET.Element, qtype: str, data: dict[str, Any]) -> Question:
    stem = _text(element, "questiontext/text")
    mark = _text(element, "defaultgrade")
    default_mark = _number(mark, _l("Mark “%(value)s” is not a number.")) if mark else 1.0
    return Question(
        qtype=qtype,
        name=_text(element, "name/text") or default_name(stem),
        stem=stem,
        general_feedback=_text(element, "generalfeedback/text"),
        default_mark=default_mark if QUESTION_TYPES[qtype].takes_answer else 0.0,
        data=data,
    )


def _read_answers(element: ET.Element) -> list[dict[str, Any]]:
    return [
        {
            "text": _text(answer, "text"),
            "fraction": _fraction(answer.get("fraction", "0")),
            "feedback": _text(answer, "feedback/text"),
        }
        for answer in element.findall("answer")
    ]


def _read_multichoice(element: ET.Element) -> tuple[str, dict[str, Any]]:
    single = _text(element, "single").lower() not in ("false", "0")
    return ("single" if single else "multiple"), {"choices": _read_answers(element)}


def _read_truefalse(element: ET.Element) -> tuple[str, dict[str, Any]]:
    answers = {answer["text"].lower(): answer for answer in _read_answers(element)}
    if set(answers) != {"true", "false"}:
        raise _ContentError(
            _("A true/false question must have exactly two answers, “true” and “false”.")
        )
    return "truefalse", {
        "correct": answers["true"]["fraction"] > answers["false"]["fraction"],
        "feedback_true": answers["true"]["feedback"],
        "feedback_false": answers["false"]["feedback"],
    }


def _read_shortanswer(element: ET.Element) -> tuple[str, dict[str, Any]]:
    return "shortanswer", {
        "answers": _read_answers(element),
        "case_sensitive": _text(element, "usecase").lower() in ("1", "true"),
        "ignore_diacritics": True,
    }


def _read_numerical(element: ET.Element) -> tuple[str, dict[str, Any]]:
    answers = []
    for node, answer in zip(element.findall("answer"), _read_answers(element), strict=True):
        # "*" is Moodle's catch-all for feedback on any other number; it earns nothing.
        if answer["text"] == "*":
            continue
        tolerance = _text(node, "tolerance")
        answers.append(
            {
                "value": _number(answer["text"], _l("Answer “%(value)s” is not a number.")),
                "tolerance": _number(tolerance, _l("Tolerance “%(value)s” is not a number."))
                if tolerance
                else 0.0,
                "fraction": answer["fraction"],
                "feedback": answer["feedback"],
            }
        )
    return "numerical", {"answers": answers}


def _read_matching(element: ET.Element) -> tuple[str, dict[str, Any]]:
    pairs, distractors = [], []
    for node in element.findall("subquestion"):
        left, right = _text(node, "text"), _text(node, "answer/text")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return "matching", {"pairs": pairs, "distractors": distractors}


def _read_ordering(element: ET.Element) -> tuple[str, dict[str, Any]]:
    answers = element.findall("answer")
    try:
        answers.sort(key=lambda answer: float(answer.get("fraction", "0")))
    except ValueError:
        # The plugin reads answers in file order when the positions are not numbers.
        answers = element.findall("answer")
    return "ordering", {"items": [_text(answer, "text") for answer in answers]}


def _read_essay(element: ET.Element) -> tuple[str, dict[str, Any]]:
    return "essay", {"grader_info": _text(element, "graderinfo/text")}


def _read_description(element: ET.Element) -> tuple[str, dict[str, Any]]:
    return "description", {}


def _read_gaps(element: ET.Element, choice_tag: str) -> tuple[str, dict[str, Any]]:
    choices = []
    for node in element.findall(choice_tag):
        group = _text(node, "group") or "1"
        # ASCII digits only, and few: "²".isdigit() is true but int() refuses it (a 500).
        if not re.fullmatch(r"[0-9]{1,3}", group):
            raise _ContentError(_("Group “%(value)s” is not a number.", value=group))
        choices.append({"text": _text(node, "text"), "group": int(group)})
    shuffle = _text(element, "shuffleanswers").lower() not in ("0", "false")
    return "gaps", {"choices": choices, "shuffle": shuffle}


_READERS: dict[str, Callable[[ET.Element], tuple[str, dict[str, Any]]]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "essay": _read_essay,
    "description": _read_description,
    "gapselect": lambda element: _read_gaps(element, "selectoption"),
    "ddwtos": lambda element: _read_gaps(element, "dragbox"),
}


def dump_moodle_xml(questions: Iterable[Question]) -> str:
    """Write questions as Moodle XML; raises UnsupportedQuestionError for an unknown type."""
    quiz = ET.Element("quiz")
    category = ""
    for question in questions:
        writer = _WRITERS.get(question.qtype)
        if writer is None:
            raise UnsupportedQuestionError(question, "Moodle XML")
        if question.category != category:
            category = question.category
            node = ET.SubElement(quiz, "question", type="category")
            _add_text(node, "category", "/".join(filter(None, ["$course$/top", category])))
        moodle_type, write_data = writer
        node = ET.SubElement(quiz, "question", type=moodle_type)
        _add_text(node, "name", question.name)
        _add_text(node, "questiontext", question.stem, "markdown")
        _add_text(node, "generalfeedback", question.general_feedback, "markdown")
        _add_value(node, "defaultgrade", format_number(question.default_mark))
        _add_value(node, "hidden", "0")
        write_data(node, question.data)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


def _add_value(parent: ET.Element, tag: str, value: str) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = value
    return node


def _add_text(parent: ET.Element, tag: str, text: str, text_format: str = "") -> ET.Element:
    """`<tag format="…"><text>…</text></tag>`, Moodle's wrapper for every piece of text."""
    node = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    _add_value(node, "text", text)
    return node


def _add_answer(parent: ET.Element, text: str, fraction: float, feedback: str) -> ET.Element:
    answer = _add_text(parent, "answer", text, "markdown")
    answer.set("fraction", percent(fraction))
    _add_text(answer, "feedback", feedback, "markdown")
    return answer


def _write_choices(node: ET.Element, data: dict[str, Any], single: bool) -> None:
    _add_value(node, "single", "true" if single else "false")
    _add_value(node, "shuffleanswers", "true")
    _add_value(node, "answernumbering", "abc")
    for choice in data["choices"]:
        _add_answer(node, choice["text"], choice["fraction"], choice.get("feedback", ""))


def _write_truefalse(node: ET.Element, data: dict[str, Any]) -> None:
    correct = data["correct"]
    _add_answer(node, "true", 1.0 if correct else 0.0, data.get("feedback_true", ""))
    _add_answer(node, "false", 0.0 if correct else 1.0, data.get("feedback_false", ""))


def _write_shortanswer(node: ET.Element, data: dict[str, Any]) -> None:
    _add_value(node, "usecase", "1" if data.get("case_sensitive") else "0")
    for answer in data["answers"]:
        _add_answer(node, answer["text"], answer["fraction"], answer.get("feedback", ""))


def _write_numerical(node: ET.Element, data: dict[str, Any]) -> None:
    for answer in data["answers"]:
        if "min" in answer:
            # Moodle has no ranges: the same interval as a centre and a tolerance.
            low, high = float(answer["min"]), float(answer["max"])
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value, tolerance = answer["value"], answer["tolerance"]
        written = _add_answer(
            node, format_number(value), answer["fraction"], answer.get("feedback", "")
        )
        _add_value(written, "tolerance", format_number(tolerance))


def _write_matching(node: ET.Element, data: dict[str, Any]) -> None:
    _add_value(node, "shuffleanswers", "true")
    rights = [(pair["left"], pair["right"]) for pair in data["pairs"]]
    for left, right in rights + [("", text) for text in data.get("distractors", [])]:
        subquestion = _add_text(node, "subquestion", left, "markdown")
        _add_text(subquestion, "answer", right)


def _write_ordering(node: ET.Element, data: dict[str, Any]) -> None:
    for tag, value in [
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", "0"),
        ("gradingtype", "ABSOLUTE_POSITION"),
        ("showgrading", "SHOW"),
    ]:
        _add_value(node, tag, value)
    for position, item in enumerate(data["items"], start=1):
        _add_text(node, "answer", item, "markdown").set("fraction", str(position))


def _write_essay(node: ET.Element, data: dict[str, Any]) -> None:
    for tag, value in [
        ("responseformat", "editor"),
        ("responserequired", "1"),
        ("responsefieldlines", "15"),
        ("attachments", "0"),
        ("attachmentsrequired", "0"),
    ]:
        _add_value(node, tag, value)
    _add_text(node, "graderinfo", data.get("grader_info", ""), "markdown")
    _add_text(node, "responsetemplate", "", "markdown")


def _write_gaps(node: ET.Element, data: dict[str, Any]) -> None:
    _add_value(node, "shuffleanswers", "1" if data.get("shuffle", True) else "0")
    for choice in data["choices"]:
        option = ET.SubElement(node, "selectoption")
        _add_value(option, "text", choice["text"])
        _add_value(option, "group", str(choice["group"]))


_WRITERS: dict[str, tuple[str, Callable[[ET.Element, dict[str, Any]], None]]] = {
    "single": ("multichoice", lambda node, data: _write_choices(node, data, single=True)),
    "multiple": ("multichoice", lambda node, data: _write_choices(node, data, single=False)),
    "truefalse": ("truefalse", _write_truefalse),
    "shortanswer": ("shortanswer", _write_shortanswer),
    "numerical": ("numerical", _write_numerical),
    "matching": ("matching", _write_matching),
    "ordering": ("ordering", _write_ordering),
    "essay": ("essay", _write_essay),
    "gaps": ("gapselect", _write_gaps),
    "description": ("description", lambda node, data: None),
}
