"""Matching questions: each left item paired with a right one."""

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
    first_value,
    read_index,
    register,
    shuffled_away,
)


@register
class Matching(QuestionType):
    """Pair each left item with a right one.

    `data = {"pairs": [{"left", "right"}], "distractors": [str]}`; a response holds, per pair,
    an index into `options(question)` (or None).
    """

    name = "matching"
    label = _l("Matching")
    always_shuffled = True

    @staticmethod
    def options(question: Question) -> list[str]:
        """The right-hand texts a learner picks from: each pair's, then distractors, no repeats."""
        rights = [pair["right"] for pair in question.data["pairs"]]
        return list(dict.fromkeys(rights + list(question.data.get("distractors", []))))

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        pairs = data["pairs"]
        errors = []
        if len(pairs) < 2:
            errors.append(_("A matching question needs at least two pairs."))
        if any(not str(pair["left"]).strip() or not str(pair["right"]).strip() for pair in pairs):
            errors.append(_("A pair has a blank side."))
        if any(not str(text).strip() for text in data.get("distractors", [])):
            errors.append(_("A distractor is blank."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int | None]:
        size = len(self.options(question))
        return [
            read_index(first_value(formdata, answer_field(prefix, part)), size)
            for part in range(len(question.data["pairs"]))
        ]

    def grade(self, question: Question, response: Any) -> Grade:
        options, pairs = self.options(question), question.data["pairs"]
        chosen = list(response or [])[: len(pairs)]
        right = sum(
            1
            for pair, index in zip(pairs, chosen, strict=False)
            if isinstance(index, int)
            and 0 <= index < len(options)
            and options[index] == pair["right"]
        )
        return Grade(right / len(pairs) if pairs else 0.0)

    def value_count(self, question: Question) -> int:
        return len(self.options(question))

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        return shuffled_away(len(self.options(question)), rng)

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in question.data["pairs"])

    def response_text(self, question: Question, response: Any) -> str:
        options = self.options(question)
        return "; ".join(
            f"{pair['left']} → {options[index]}"
            for pair, index in zip(question.data["pairs"], response or [], strict=False)
            if isinstance(index, int) and 0 <= index < len(options)
        )
