"""Ordering questions: items put in order, each in its right place earning its share."""

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.quizzes.types.base import (
    FormData,
    Grade,
    Question,
    QuestionType,
    answer_field,
    form_values,
    read_index,
    register,
    shuffled_away,
)


@register
class Ordering(QuestionType):
    """Put items in order: `data = {"items": [str, …]}` in the right order.

    A response lists, position by position, the index of the item the learner put there.
    """

    name = "ordering"
    label = _l("Ordering")
    always_shuffled = True

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        items = data["items"]
        errors = []
        if len(items) < 2:
            errors.append(_("An ordering question needs at least two items."))
        if any(not str(item).strip() for item in items):
            errors.append(_("An item is blank."))
        if len(set(items)) != len(items):
            errors.append(_("The items to order must all differ."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int | None]:
        size = len(question.data["items"])
        values = form_values(formdata, answer_field(prefix))[:size]
        return [read_index(value, size) for value in values] + [None] * (size - len(values))

    def grade(self, question: Question, response: Any) -> Grade:
        items = question.data["items"]
        in_place = sum(1 for position, index in enumerate(response or []) if index == position)
        return Grade(min(in_place, len(items)) / len(items) if items else 0.0)

    def value_count(self, question: Question) -> int:
        return len(question.data["items"])

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        return shuffled_away(len(question.data["items"]), rng)

    def right_answer_text(self, question: Question) -> str:
        return " → ".join(question.data["items"])

    def response_text(self, question: Question, response: Any) -> str:
        items = question.data["items"]
        return " → ".join(
            items[index] if isinstance(index, int) and 0 <= index < len(items) else "?"
            for index in response or []
        )
