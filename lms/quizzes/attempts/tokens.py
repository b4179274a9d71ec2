"""Opaque answer values: what a choice, matching or ordering input carries in a learner's page.

Authors tend to write the right choice first, so an input whose value is the author's index
("0") gives the answer away to anyone who reads the page's HTML. Each value is instead a token
derived from the app's secret, the attempt, the question's position and the author's index: the
same on every reload of the attempt (so saved answers and the browser's offline copy still match),
different in every attempt, and mapped back to the index on the server before a type reads it.
"""

import functools
import hashlib
import hmac
from collections.abc import Mapping

from flask import current_app

from lms.quizzes.types import FormData, Question, QuestionType, answer_field
from lms.quizzes.types.base import form_values

#: Hex digits kept: 40 bits, far more than the few dozen values one question maps back.
TOKEN_LENGTH = 10

#: Starts every token, so none is all digits: a value like "0834009905" would read as an author
#: index to anyone (or any check) telling the two apart by `isdigit`.
TOKEN_PREFIX = "v"


def value_token(attempt_id: int | None, position: int, index: int) -> str:
    """The value an input for the author's `index` carries in this attempt's page."""
    return _token(str(current_app.secret_key or ""), attempt_id, position, index)


@functools.lru_cache(maxsize=8192)
def _token(secret: str, attempt_id: int | None, position: int, index: int) -> str:
    # Kept: an attempt's page and each of its autosaves work out the same tokens again (an HMAC
    # each, a dozen per page), and they never change for the same secret.
    message = f"lms-answer:{attempt_id or 'preview'}:{position}:{index}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return TOKEN_PREFIX + digest[:TOKEN_LENGTH]


def encode(
    qtype: QuestionType,
    question: Question,
    fields: dict[str, list[str]],
    attempt_id: int,
    position: int,
) -> dict[str, list[str]]:
    """Fields holding author indexes as the attempt's page sends them (benchmarks, tests)."""
    if not qtype.value_count(question):
        return fields
    return {
        name: [value_token(attempt_id, position, int(v)) if v.isdigit() else v for v in values]
        for name, values in fields.items()
    }


def decode(
    qtype: QuestionType,
    question: Question,
    formdata: FormData,
    prefix: str,
    attempt_id: int,
    position: int,
) -> FormData:
    """The question's own fields with tokens turned back into author indexes.

    A value that is no token of this question (a guessed index, a stale page) becomes "", which
    every type reads as no answer. Types that carry no indexes get their fields unchanged.
    """
    count = qtype.value_count(question)
    if not count:
        return formdata
    indexes = {value_token(attempt_id, position, index): str(index) for index in range(count)}
    field = answer_field(prefix)
    names = formdata.keys() if isinstance(formdata, Mapping) else []
    return {
        name: [indexes.get(value, "") for value in form_values(formdata, name)]
        for name in names
        if name == field or name.startswith(field + "-")
    }
