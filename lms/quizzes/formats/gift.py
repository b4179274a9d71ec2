"""GIFT, Moodle's plain-text question format: `parse_gift` and `dump_gift`.

The reading follows Moodle's qformat_gift: questions are separated by blank lines, whole lines
starting with `//` are comments, `$CATEGORY:` sets the category of the questions after it, and
the answer block between braces decides the type. Text with no braces at all is a description
(no answer, no mark), and `{>N …}` with one item per line is the ordering question of Moodle's
qtype_ordering plugin (its options after the count: which items, layout, grading, numbering;
we show every item and grade each in its right place). Where Moodle silently guesses (an answer
without `=` or `~` before it, a second answer block) we report an error instead, so that a
mistake in a shipped bank is caught at import rather than in front of learners.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.quizzes.formats.base import (
    FormatError,
    ParseResult,
    UnsupportedQuestionError,
    category_from_moodle,
    decode,
    default_name,
    fraction_from_percent,
    percent,
)
from lms.quizzes.types import Question, format_number

__all__ = ["dump_gift", "parse_gift"]

BLANK = "_____"

# Escaped markup characters become private-use placeholders while the question is cut up, so
# that no split ever happens inside text; `_unescape` turns them back into the characters.
_ESCAPED = "\\~=#{}:"
_PLACEHOLDER = {char: chr(0xE000 + offset) for offset, char in enumerate(_ESCAPED)}
_UNESCAPE = str.maketrans({code: char for char, code in _PLACEHOLDER.items()})
_ESCAPE_SEQUENCE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT_PREFIX = re.compile(r"\[(?:moodle|html|plain|markdown)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_MARKER = re.compile(r"(?=[=~])")
_EQUALS = re.compile(r"(?==)")
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")
# The options qtype_ordering reads after "{>N", each optional, in this order (its own words).
_ORDERING_HEADER = re.compile(
    r">\s*(\d+)\s*"
    r"(?:(?:ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)\b\s*)?"
    r"(?:(?:HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)\b\s*)?"
    r"(?:(?:ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST"
    r"|RELATIVE_NEXT_INCLUDE_LAST|RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT"
    r"|RELATIVE_TO_CORRECT|RELATIVE|REL|LONGEST_ORDERED_SUBSET|LONGEST_CONTIGUOUS_SUBSET)\b\s*)?"
    r"(?:(?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)\b\s*)?"
    r"(?:(?:none|123|abc|ABCD|iii|IIII)\b\s*)?"
)


class _GiftSyntaxError(ValueError):
    """A question that cannot be read; the message is shown to the author."""


def parse_gift(text: str | bytes, filename: str = "") -> ParseResult:
    """Read every question of a GIFT file, and an error for each one that is wrong."""
    result = ParseResult()
    source = decode(text, filename)
    if isinstance(source, FormatError):
        result.errors.append(source)
        return result
    category = ""
    for block in _blocks(source):
        if block[0][1].lstrip().startswith("$CATEGORY:"):
            category = category_from_moodle(block[0][1].split(":", 1)[1])
            block = block[1:]
            if not block:
                continue
        line = block[0][0]
        try:
            question = _read_question("\n".join(source_line for _line, source_line in block))
        except _GiftSyntaxError as error:
            result.errors.append(FormatError(filename, line, str(error)))
            continue
        question.category, question.line = category, line
        result.add(question, filename)
    return result


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Numbered lines of each question: blank lines separate questions, comments vanish."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if block:
                yield block
            block = []
        elif not line.lstrip().startswith("//"):
            block.append((number, line))
    if block:
        yield block


def _hide_escapes(text: str) -> str:
    return _ESCAPE_SEQUENCE.sub(
        lambda match: "\n" if match[1] == "n" else _PLACEHOLDER[match[1]], text
    )


def _clean(text: str) -> str:
    """Final text of a piece of the question: trimmed, format prefix dropped, unescaped."""
    text = text.strip()
    prefix = _FORMAT_PREFIX.match(text)
    if prefix:
        text = text[prefix.end() :]
    return text.translate(_UNESCAPE).strip()


def _read_question(source: str) -> Question:
    text = _hide_escapes(source).strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _GiftSyntaxError(_("The question title has no closing “::”."))
        name, text = _clean(text[2:end]), text[end + 2 :].strip()
    start = text.find("{")
    end = text.find("}", start + 1)
    if start < 0 and "}" not in text:
        # Moodle's rule: a question with no braces at all is a description.
        stem = _clean(text)
        return Question(
            qtype="description", name=name or default_name(stem), stem=stem, default_mark=0.0
        )
    if start < 0:
        raise _GiftSyntaxError(_("No answer block “{…}” was found."))
    if end < 0:
        raise _GiftSyntaxError(_("The answer block has no closing “}”."))
    if "}" in text[:start] or "{" in text[start + 1 : end]:
        raise _GiftSyntaxError(_("A brace is out of place; in text, write “\\{” and “\\}”."))
    if "{" in text[end + 1 :] or "}" in text[end + 1 :]:
        raise _GiftSyntaxError(
            _(
                "The question has more than one answer block "
                "(a blank line missing between two questions?)."
            )
        )
    before, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    stem = _clean(before + BLANK + after if after.strip() else before)
    general_feedback = ""
    if "####" in answers:
        answers, general_feedback = answers.rsplit("####", 1)
    qtype, data = _read_answers(answers.strip())
    return Question(
        qtype=qtype,
        name=name or default_name(stem),
        stem=stem,
        general_feedback=_clean(general_feedback),
        data=data,
    )


def _read_answers(body: str) -> tuple[str, dict[str, Any]]:
    """The question type and its data, decided by the answer block as Moodle decides it."""
    if not body:
        return "essay", {"grader_info": ""}
    if body.startswith("#"):
        return "numerical", {"answers": _read_numbers(body[1:])}
    if body.startswith(">"):
        return "ordering", _read_ordering(body)
    if "~" in body:
        return _read_choices(body)
    if "=" in body and "->" in body:
        return "matching", _read_pairs(body)
    if body.split("#", 1)[0].strip() in _TRUE + _FALSE:
        return "truefalse", _read_truefalse(body)
    return "shortanswer", {
        "answers": [_read_answer(chunk, 1.0) for chunk in _chunks(body, _EQUALS)],
        "case_sensitive": False,
        "ignore_diacritics": True,
    }


def _chunks(body: str, marker: re.Pattern[str]) -> list[str]:
    """Split an answer block before each marker; nothing but space may precede the first."""
    first, *chunks = marker.split(body)
    if first.strip():
        raise _GiftSyntaxError(
            _(
                "Answer “%(answer)s” must start with “=” (right) or “~” (wrong).",
                answer=_clean(first),
            )
        )
    return chunks


def _weight(text: str, default: float) -> tuple[float, str]:
    """The `%50%` weight at the start of an answer as a fraction, and the rest of the answer."""
    text = text.strip()
    match = _WEIGHT.match(text)
    if match:
        return fraction_from_percent(match[1]), text[match.end() :]
    if re.match(r"%[^%\s]*%", text):
        raise _GiftSyntaxError(_("Weight “%(value)s” is not a number.", value=text.split("%")[1]))
    return default, text


def _read_answer(chunk: str, default: float) -> dict[str, Any]:
    """One `=answer#feedback` or `~%50%answer#feedback` chunk."""
    fraction, rest = _weight(chunk[1:], default)
    text, _hash, feedback = rest.partition("#")
    return {"text": _clean(text), "fraction": fraction, "feedback": _clean(feedback)}


def _read_choices(body: str) -> tuple[str, dict[str, Any]]:
    chunks = _chunks(body, _MARKER)
    choices = [_read_answer(chunk, 1.0 if chunk[0] == "=" else 0.0) for chunk in chunks]
    # Moodle's rule: any "=" answer makes it single choice, otherwise learners may pick several.
    qtype = "single" if any(chunk[0] == "=" for chunk in chunks) else "multiple"
    return qtype, {"choices": choices}


def _read_pairs(body: str) -> dict[str, Any]:
    pairs, distractors = [], []
    for chunk in _chunks(body, _EQUALS):
        if "->" not in chunk:
            raise _GiftSyntaxError(_("Pair “%(pair)s” has no “->”.", pair=_clean(chunk[1:])))
        left, right = (_clean(part) for part in chunk[1:].split("->", 1))
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"pairs": pairs, "distractors": distractors}


def _read_truefalse(body: str) -> dict[str, Any]:
    value, *feedback = body.split("#", 2)
    wrong, right = ([_clean(text) for text in feedback] + ["", ""])[:2]
    correct = value.strip() in _TRUE
    return {
        "correct": correct,
        "feedback_true": right if correct else wrong,
        "feedback_false": wrong if correct else right,
    }


def _read_ordering(body: str) -> dict[str, Any]:
    """`>N options` then the items in their right order, one per line (the first may follow
    the options on their line, as the plugin reads it)."""
    header = _ORDERING_HEADER.match(body)
    if header is None:
        raise _GiftSyntaxError(
            _("An ordering question starts with “>” and its number of items, as in “{>4 ALL”.")
        )
    lines = body[header.end() :].splitlines()
    return {"items": [_clean(line) for line in lines if line.strip()]}


def _read_numbers(body: str) -> list[dict[str, Any]]:
    first, *chunks = _EQUALS.split(body)
    # A lone answer may omit its "=": {#2:0.5}.
    chunks = ([f"={first}"] if first.strip() else []) + chunks
    if not chunks:
        raise _GiftSyntaxError(_("The numerical question has no answer."))
    answers = []
    for chunk in chunks:
        fraction, rest = _weight(chunk[1:], 1.0)
        spec, _hash, feedback = rest.partition("#")
        answer = _read_number_spec(_clean(spec))
        answers.append({**answer, "fraction": fraction, "feedback": _clean(feedback)})
    return answers


def _read_number_spec(spec: str) -> dict[str, float]:
    """`2`, `2:0.5` (value and tolerance) or `1..5` (range)."""
    try:
        if ".." in spec:
            low, high = spec.split("..", 1)
            answer = {"min": float(low), "max": float(high)}
        else:
            value, _colon, tolerance = spec.partition(":")
            answer = {"value": float(value), "tolerance": float(tolerance or 0)}
    except ValueError:
        raise _GiftSyntaxError(_("Numerical answer “%(spec)s” is not valid.", spec=spec)) from None
    if not all(math.isfinite(number) for number in answer.values()):
        raise _GiftSyntaxError(_("Numerical answer “%(spec)s” is not valid.", spec=spec))
    return answer


def dump_gift(questions: Iterable[Question]) -> str:
    """Write questions as GIFT; raises UnsupportedQuestionError for a type GIFT cannot hold."""
    parts = []
    category = ""
    for question in questions:
        writer = _WRITERS.get(question.qtype)
        if writer is None:
            reason = _NOT_IN_GIFT.get(question.qtype, "")
            raise UnsupportedQuestionError(question, "GIFT", str(reason))
        if question.category != category:
            category = question.category
            parts.append(f"$CATEGORY: {category or '$course$/top'}")
        parts.append(_write_question(question, writer(question.data)))
    return "\n\n".join(parts) + "\n" if parts else ""


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _feedback(text: str) -> str:
    return f"#{_escape(text)}" if text else ""


def _write_question(question: Question, answers: list[str] | None) -> str:
    head = f"::{_escape(question.name)}::[markdown]"
    if answers is None:
        # A description is its text alone; GIFT has nowhere for its general feedback.
        return head + _escape(question.stem)
    if question.general_feedback:
        answers = [*answers, f"####{_escape(question.general_feedback)}"]
    stem = _escape(question.stem)
    blank = stem.find(BLANK)
    # Ordering's items take a line each: its block cannot stand inside a sentence.
    if blank >= 0 and stem[blank + len(BLANK) :].strip() and question.qtype != "ordering":
        # A missing-word question: the answer block stands where the blank is.
        block = "{" + " ".join(answers) + "}"
        return head + stem[:blank] + block + stem[blank + len(BLANK) :]
    block = "{" + "".join(f"\n\t{answer}" for answer in answers) + ("\n}" if answers else "}")
    return f"{head}{stem} {block}"


def _write_choices(data: dict[str, Any], single: bool) -> list[str]:
    lines = []
    for choice in data["choices"]:
        fraction = choice["fraction"]
        if single and fraction == 1:
            marker = "="
        elif fraction:
            marker = f"~%{percent(fraction)}%"
        else:
            marker = "~"
        lines.append(f"{marker}{_escape(choice['text'])}{_feedback(choice.get('feedback', ''))}")
    return lines


def _write_shortanswer(data: dict[str, Any]) -> list[str]:
    return [
        f"={_weight_prefix(answer['fraction'])}{_escape(answer['text'])}"
        f"{_feedback(answer.get('feedback', ''))}"
        for answer in data["answers"]
    ]


def _weight_prefix(fraction: float) -> str:
    return "" if fraction == 1 else f"%{percent(fraction)}%"


def _write_numerical(data: dict[str, Any]) -> list[str]:
    lines = []
    for answer in data["answers"]:
        if "min" in answer:
            spec = f"{format_number(answer['min'])}..{format_number(answer['max'])}"
        else:
            spec = f"{format_number(answer['value'])}:{format_number(answer['tolerance'])}"
        lines.append(
            f"={_weight_prefix(answer['fraction'])}{spec}{_feedback(answer.get('feedback', ''))}"
        )
    # The leading "#" marks the block as numerical; it must come before the first answer.
    return ["#" + lines[0], *lines[1:]] if lines else ["#"]


def _write_truefalse(data: dict[str, Any]) -> list[str]:
    correct = data["correct"]
    right = data.get("feedback_true" if correct else "feedback_false", "")
    wrong = data.get("feedback_false" if correct else "feedback_true", "")
    value = "TRUE" if correct else "FALSE"
    if right:
        return [f"{value}#{_escape(wrong)}#{_escape(right)}"]
    return [value + _feedback(wrong)]


def _write_matching(data: dict[str, Any]) -> list[str]:
    pairs = [f"={_escape(pair['left'])} -> {_escape(pair['right'])}" for pair in data["pairs"]]
    return pairs + [f"= -> {_escape(text)}" for text in data.get("distractors", [])]


def _write_ordering(data: dict[str, Any]) -> list[str]:
    # Every item shown, in a column, each graded in its own place: what our ordering type does.
    return [f">{len(data['items'])} ALL VERTICAL ABSOLUTE_POSITION SHOW"] + [
        _escape(item) for item in data["items"]
    ]


_WRITERS: dict[str, Callable[[dict[str, Any]], list[str] | None]] = {
    "single": lambda data: _write_choices(data, single=True),
    "multiple": lambda data: _write_choices(data, single=False),
    "truefalse": _write_truefalse,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "ordering": _write_ordering,
    "essay": lambda data: [],
    "description": lambda data: None,
}

#: Why GIFT cannot hold a type, where a better word than "no such type" helps the trainer.
_NOT_IN_GIFT = {
    "gaps": _l("GIFT cannot hold fill-the-gaps questions; export the bank as Moodle XML"),
}
