"""Question-bank file formats, by name: `FORMATS["gift"].parse(text, filename)`.

Every parser takes the file's text (or bytes) and its name, and returns a `ParseResult` holding
the valid questions, one `FormatError` per problem and one `FormatWarning` per question skipped
(a type we do not have); every dumper takes questions and returns
the file's text, raising `UnsupportedQuestionError` for a question the format cannot hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from lms.quizzes.formats.aiken import dump_aiken, parse_aiken
from lms.quizzes.formats.base import (
    FormatError,
    FormatWarning,
    ParseResult,
    UnsupportedQuestionError,
)
from lms.quizzes.formats.gift import dump_gift, parse_gift
from lms.quizzes.formats.moodlexml import dump_moodle_xml, parse_moodle_xml
from lms.quizzes.types import Question

__all__ = [
    "FORMATS",
    "FormatError",
    "FormatWarning",
    "ParseResult",
    "QuestionFormat",
    "UnsupportedQuestionError",
    "dump_aiken",
    "dump_gift",
    "dump_moodle_xml",
    "parse_aiken",
    "parse_gift",
    "parse_moodle_xml",
]


class QuestionFormat(NamedTuple):
    """A format's reader and writer (None when we only import it)."""

    parse: Callable[[str | bytes, str], ParseResult]
    dump: Callable[[Iterable[Question]], str] | None


FORMATS: dict[str, QuestionFormat] = {
    "gift": QuestionFormat(parse_gift, dump_gift),
    "moodlexml": QuestionFormat(parse_moodle_xml, dump_moodle_xml),
    "aiken": QuestionFormat(parse_aiken, dump_aiken),
}
