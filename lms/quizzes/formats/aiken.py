"""Aiken, the simplest single-choice format: `parse_aiken` and `dump_aiken`.

A question is its stem lines, then options `A. …` or `A) …`, then `ANSWER: A`. Blank lines do
not matter, as in Moodle's qformat_aiken. Aiken has no titles, feedback, weights or categories.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms.quizzes.formats.base import (
    FormatError,
    ParseResult,
    UnsupportedQuestionError,
    decode,
    default_name,
)
from lms.quizzes.types import Question

__all__ = ["dump_aiken", "parse_aiken"]

_OPTION = re.compile(r"([A-Z])[.)]\s+(.*)")
_ANSWER = re.compile(r"ANSWER:\s*(\S*)\s*")
_LETTERS = string.ascii_uppercase


@dataclass
class _Draft:
    """A question being read: where it started, its stem lines and its lettered options."""

    line: int
    stem: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)


def parse_aiken(text: str | bytes, filename: str = "") -> ParseResult:
    """Read every question of an Aiken file, and an error for each one that is wrong."""
    result = ParseResult()
    source = decode(text, filename)
    if isinstance(source, FormatError):
        result.errors.append(source)
        return result
    draft: _Draft | None = None
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        option, answer = _OPTION.fullmatch(line), _ANSWER.fullmatch(line)
        if not line:
            continue
        if answer:
            if draft is None:
                result.errors.append(
                    FormatError(filename, number, _("“ANSWER:” line without a question."))
                )
            else:
                _finish(draft, answer[1], filename, result)
            draft = None
        elif option and draft is not None and draft.stem:
            if option[1] in draft.options:
                message = _("Choice “%(letter)s” appears twice.", letter=option[1])
                result.errors.append(FormatError(filename, draft.line, message))
            draft.options[option[1]] = option[2].strip()
        else:
            if draft is not None and draft.options:
                message = _("The question has no “ANSWER: …” line.")
                result.errors.append(FormatError(filename, draft.line, message))
                draft = None
            if draft is None:
                draft = _Draft(number)
            draft.stem.append(line)
    if draft is not None:
        result.errors.append(
            FormatError(filename, draft.line, _("The question has no “ANSWER: …” line."))
        )
    return result


def _finish(draft: _Draft, letter: str, filename: str, result: ParseResult) -> None:
    if letter not in draft.options:
        message = _("Answer “%(letter)s” is not one of the question's choices.", letter=letter)
        result.errors.append(FormatError(filename, draft.line, message))
        return
    stem = "\n".join(draft.stem)
    choices = [
        {"text": text, "fraction": 1.0 if key == letter else 0.0, "feedback": ""}
        for key, text in draft.options.items()
    ]
    question = Question(
        qtype="single",
        name=default_name(stem),
        stem=stem,
        line=draft.line,
        data={"choices": choices},
    )
    result.add(question, filename)


def dump_aiken(questions: Iterable[Question]) -> str:
    """Write single-choice questions with one right choice as Aiken; others raise."""
    parts = []
    for question in questions:
        if question.qtype != "single":
            raise UnsupportedQuestionError(question, "Aiken")
        choices = question.data["choices"]
        fractions = sorted(choice["fraction"] for choice in choices)
        if fractions[-1:] != [1] or any(fractions[:-1]) or len(choices) > len(_LETTERS):
            raise UnsupportedQuestionError(
                question, "Aiken", _("Aiken has one right choice and no partial marks")
            )
        lines = [" ".join(question.stem.split())]
        lines += [
            f"{letter}. {' '.join(choice['text'].split())}"
            for letter, choice in zip(_LETTERS, choices, strict=False)
        ]
        right = next(i for i, choice in enumerate(choices) if choice["fraction"] == 1)
        lines.append(f"ANSWER: {_LETTERS[right]}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n" if parts else ""
