"""Fill the gaps: a text with gaps, each filled by picking one of its group's choices.

One type for Moodle's "select missing words" (gapselect) and "drag and drop into text"
(ddwtos): every gap is a select, which works on a phone and with a keyboard, where dragging
words does not. Each gap rightly filled earns its share of the mark, as in Moodle.
"""

import random
import re
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
)

#: A gap in the text: `[[n]]`, n the number (from 1) of the choice that fills it rightly.
GAP = re.compile(r"\[\[([0-9]{1,3})\]\]")

#: Moodle offers groups 1 to 20.
MAX_GROUP = 20


@register
class FillGaps(QuestionType):
    """The stem holds the text with its gaps; `data = {"choices": [{"text", "group"}],
    "shuffle": bool}`. A gap offers the choices of its right choice's group (a choice may fill
    several gaps). A response holds, per gap in the text's order, the index of the choice
    picked, or None.
    """

    name = "gaps"
    label = _l("Fill the gaps")
    answers_in_text = True

    @staticmethod
    def gaps(question: Question) -> list[int]:
        """The index of the right choice of each gap, in the text's order."""
        return [int(match[1]) - 1 for match in GAP.finditer(question.stem)]

    @staticmethod
    def _choices(question: Question) -> list[dict[str, Any]]:
        return question.data.get("choices", [])

    def group_of(self, question: Question, gap: int) -> int:
        """The group whose choices gap number `gap` (from 0) offers."""
        return self._choices(question)[self.gaps(question)[gap]]["group"]

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        choices = data["choices"]
        errors = []
        if not choices:
            errors.append(_("A fill-the-gaps question needs choices."))
        if any(not str(choice["text"]).strip() for choice in choices):
            errors.append(_("A choice is blank."))
        if any(
            not isinstance(choice["group"], int) or not 1 <= choice["group"] <= MAX_GROUP
            for choice in choices
        ):
            errors.append(_("A choice's group must be a number from 1 to %(n)s.", n=MAX_GROUP))
        return errors

    def validate(self, question: Question) -> list[str]:
        errors = super().validate(question)
        gaps = GAP.findall(question.stem)
        if not gaps:
            errors.append(
                _("The text has no gaps: write [[1]] where the first choice goes, and so on.")
            )
        count = len(question.data.get("choices") or [])
        for number in sorted({int(n) for n in gaps if not 1 <= int(n) <= count}):
            errors.append(
                _("Gap [[%(n)s]] names no choice: there are %(count)s.", n=number, count=count)
            )
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int | None]:
        choices = self._choices(question)
        response: list[int | None] = []
        for gap in range(len(self.gaps(question))):
            index = read_index(first_value(formdata, answer_field(prefix, gap)), len(choices))
            # A choice of another group is no answer to this gap (a forged or stale form).
            if index is not None and choices[index]["group"] != self.group_of(question, gap):
                index = None
            response.append(index)
        return response

    def _fills(self, question: Question, right: int, picked: Any) -> bool:
        """Whether `picked` fills a gap whose right choice is `right`: the same choice, or one
        of the same group that reads the same (Moodle lets a word appear twice in a group)."""
        choices = self._choices(question)
        if not isinstance(picked, int) or not 0 <= picked < len(choices):
            return False
        return picked == right or (
            choices[picked]["text"] == choices[right]["text"]
            and choices[picked]["group"] == choices[right]["group"]
        )

    def grade(self, question: Question, response: Any) -> Grade:
        gaps = self.gaps(question)
        picked = list(response or []) + [None] * len(gaps)
        filled = sum(
            1 for gap, right in enumerate(gaps) if self._fills(question, right, picked[gap])
        )
        return Grade(filled / len(gaps) if gaps else 0.0)

    def value_count(self, question: Question) -> int:
        return len(self._choices(question))

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        if not question.data.get("shuffle", True):
            return []
        order = list(range(len(self._choices(question))))
        rng.shuffle(order)
        return order

    def _numbered(self, question: Question, indexes: list[Any]) -> str:
        texts = [choice["text"] for choice in self._choices(question)]
        return "; ".join(
            f"({number}) " + (texts[i] if isinstance(i, int) and 0 <= i < len(texts) else "—")
            for number, i in enumerate(indexes, start=1)
        )

    def right_answer_text(self, question: Question) -> str:
        return self._numbered(question, self.gaps(question))

    def response_text(self, question: Question, response: Any) -> str:
        gaps = self.gaps(question)
        return self._numbered(question, (list(response or []) + [None] * len(gaps))[: len(gaps)])

    def review_stem(self, question: Question) -> str:
        numbers = iter(range(1, len(self.gaps(question)) + 1))
        return GAP.sub(lambda _match: f"({next(numbers)}) ……", question.stem)
