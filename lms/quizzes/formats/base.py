"""What every question-bank format shares: parse results, errors and text helpers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms.quizzes.types import QUESTION_TYPES, Question, validate_question

__all__ = [
    "FormatError",
    "FormatWarning",
    "ParseResult",
    "UnsupportedQuestionError",
    "category_from_moodle",
    "decode",
    "default_name",
    "fraction_from_percent",
    "nfc",
    "percent",
]


@dataclass(frozen=True)
class FormatError:
    """One problem in an imported file, located at the first line of the bad question."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class FormatWarning(FormatError):
    """A question left out of an import, the others still imported: one of a type we do not
    have (a Moodle bank holds plugin types of every kind; one is no reason to refuse the bank).
    """

    def __str__(self) -> str:
        return _(
            "%(place)s: warning: %(message)s",
            place=f"{self.file}:{self.line}",
            message=self.message,
        )


@dataclass
class ParseResult:
    """Every valid question of a file, one error per problem found in the others, and one
    warning per question skipped (errors refuse the file; warnings only under `--strict`)."""

    questions: list[Question] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """How many questions of the file are left out (one warning each)."""
        return len(self.warnings)

    def add(self, question: Question, filename: str) -> None:
        """Keep `question` if it is valid, otherwise record why it is not."""
        problems = validate_question(question)
        if problems:
            self.errors.extend(FormatError(filename, question.line, text) for text in problems)
        else:
            self.questions.append(question)


class UnsupportedQuestionError(ValueError):
    """A question cannot be written in the requested format (its type has no equivalent)."""

    def __init__(self, question: Question, format_name: str, reason: str = "") -> None:
        kind = QUESTION_TYPES.get(question.qtype)
        reason = reason or _(
            "this format has no “%(qtype)s” question type",
            qtype=kind.label if kind else question.qtype,
        )
        super().__init__(
            _(
                "Cannot export question “%(name)s” to %(format)s: %(reason)s.",
                name=question.name,
                format=format_name,
                reason=reason,
            )
        )
        self.question = question


def decode(source: str | bytes, filename: str) -> str | FormatError:
    """The text of an uploaded file in NFC, or the error saying it is not UTF-8."""
    if isinstance(source, str):
        return nfc(source.removeprefix("\ufeff"))
    try:
        return nfc(source.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        return FormatError(filename, line, _("The file is not encoded in UTF-8."))


def nfc(text: str) -> str:
    """Text in NFC: Vietnamese typed on some systems arrives decomposed."""
    return unicodedata.normalize("NFC", text)


def fraction_from_percent(text: str) -> float:
    """ "33.33333" → 0.3333333; raises ValueError for text that is not a number."""
    # Rounding keeps -33.33333 / 100 from becoming -0.33333329999999994.
    return round(float(text) / 100, 9)


def percent(fraction: float) -> str:
    """`fraction` as a percentage with the fewest decimals that read back exactly."""
    value = float(fraction) * 100
    for decimals in range(16):
        text = f"{value:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if fraction_from_percent(text) == fraction:
            return "0" if text == "-0" else text
    return repr(value)


def default_name(stem: str, length: int = 60) -> str:
    """A title for a question that has none: the start of its stem, cut at a word boundary."""
    words = " ".join(stem.split())
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0] + "…"


_CONTEXT_PREFIX = re.compile(r"^\$[a-z]+\$/(top(/|$))?")


def category_from_moodle(path: str) -> str:
    """Our category path from Moodle's, which may start with a context: "$course$/top/a" → "a"."""
    return _CONTEXT_PREFIX.sub("", path.strip()).strip("/")
