"""Forms of the attempt pages: the navigation part of an attempt page post and the autosave
payload, both checked here before a service sees them.

The answers themselves are not WTForms fields: each question's type reads its own fields
(`q<position>-answer…`) from the posted data.
"""

from typing import Any

from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired

from lms.forms import LMSForm, within

#: The `goto` value of the button that leads to the confirm page.
SUMMARY = "summary"
#: Longest text kept from one autosaved field (an essay of a few pages).
MAX_FIELD_CHARS = 50_000
#: Most values one field may carry (the choices of a multiple-choice question, say).
MAX_FIELD_VALUES = 100
#: Highest question position an autosave may name before the attempt is read (which then
#: refuses any position it does not have).
MAX_POSITION = 10_000
#: Most answers one autosave may carry: attempt.js sends the answers changed since its last
#: save, a few of one page; the attempt is read with the questions named, before it is known
#: to be the sender's, so their number is bounded here.
MAX_ANSWERS = 200


class AttemptPageForm(LMSForm):
    """One page of an attempt sent without JavaScript: which page it was and where to go next."""

    page = IntegerField(validators=[InputRequired(), within(1, 10_000)])
    goto = StringField()

    def target(self) -> int | None:
        """The 0-based page to show next, None for the confirm page; the same page if unclear."""
        value = (self.goto.data or "").strip()
        if value == SUMMARY:
            return None
        try:
            return max(int(value), 1) - 1
        except ValueError:
            return self.page.data - 1


def parse_autosave(payload: Any, question_count: int) -> dict[int, dict[str, list[str]]]:
    """Read `{"answers": {"<position>": {"<field>": [values]}}}`, positions 1 to
    `question_count`; ValueError when malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        raise ValueError("answers missing")
    if len(payload["answers"]) > MAX_ANSWERS:
        raise ValueError("too many answers")
    answers: dict[int, dict[str, list[str]]] = {}
    for key, fields in payload["answers"].items():
        position = int(key)
        if not 1 <= position <= question_count or not isinstance(fields, dict):
            raise ValueError("unknown question")
        answers[position] = {str(name): _values(values) for name, values in fields.items()}
    return answers


def _values(values: Any) -> list[str]:
    if isinstance(values, str | int | float):
        values = [values]
    if not isinstance(values, list) or len(values) > MAX_FIELD_VALUES:
        raise ValueError("bad field")
    if any(not isinstance(value, str | int | float) for value in values):
        raise ValueError("bad value")
    return [str(value)[:MAX_FIELD_CHARS] for value in values]
