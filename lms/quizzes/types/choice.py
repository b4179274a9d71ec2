"""Choice questions: single choice, multiple choice and true/false."""

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
    clamp,
    feedback_list,
    first_value,
    form_values,
    read_index,
    register,
)


class _ChoiceType(QuestionType):
    """Single and multiple choice: `data = {"choices": [{"text", "fraction", "feedback"}]}`."""

    def _choices(self, question: Question) -> list[dict[str, Any]]:
        return question.data.get("choices", [])

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        choices = data["choices"]
        errors = []
        if len(choices) < 2:
            errors.append(_("A choice question needs at least two choices."))
        if any(not str(choice["text"]).strip() for choice in choices):
            errors.append(_("A choice is blank."))
        if any(not -1 <= float(choice["fraction"]) <= 1 for choice in choices):
            errors.append(_("A choice's weight must be between -100% and 100%."))
        return errors

    def value_count(self, question: Question) -> int:
        return len(self._choices(question))

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        order = list(range(len(self._choices(question))))
        rng.shuffle(order)
        return order

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(c["text"] for c in self._choices(question) if c["fraction"] > 0)

    def labelled_feedback(
        self, question: Question, response: Any, feedback: list[str]
    ) -> list[tuple[str, str]]:
        choices = self._choices(question)
        chosen = response if isinstance(response, list) else [response]
        return [
            (choices[i]["text"], choices[i]["feedback"])
            for i in chosen
            if isinstance(i, int) and 0 <= i < len(choices) and choices[i].get("feedback")
        ]

    def response_text(self, question: Question, response: Any) -> str:
        chosen = response if isinstance(response, list) else [response]
        choices = self._choices(question)
        return "; ".join(
            choices[i]["text"] for i in chosen if isinstance(i, int) and 0 <= i < len(choices)
        )


@register
class SingleChoice(_ChoiceType):
    """One choice may be picked; a partly right choice may earn part of the mark."""

    name = "single"
    label = _l("Single choice")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        errors = super().validate_data(data)
        if not any(float(choice["fraction"]) == 1 for choice in data["choices"]):
            errors.append(_("At least one choice must be right (100%)."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> int | None:
        return read_index(first_value(formdata, answer_field(prefix)), len(self._choices(question)))

    def grade(self, question: Question, response: Any) -> Grade:
        choices = self._choices(question)
        if not isinstance(response, int) or not 0 <= response < len(choices):
            return Grade(0.0)
        choice = choices[response]
        return Grade(clamp(choice["fraction"]), feedback_list(choice.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(c["text"] for c in self._choices(question) if c["fraction"] == 1)


@register
class MultipleChoice(_ChoiceType):
    """Several choices may be picked; wrong ones carry negative fractions as penalties."""

    name = "multiple"
    label = _l("Multiple choice")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        errors = super().validate_data(data)
        positive = sum(float(c["fraction"]) for c in data["choices"] if c["fraction"] > 0)
        # 0.1% slack lets authors write 33.333% three times; 33% three times is a mistake.
        if abs(positive - 1) > 0.001 + 1e-9:
            errors.append(_("The weights of the right choices must add up to 100%."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int]:
        size = len(self._choices(question))
        indexes = (read_index(value, size) for value in form_values(formdata, answer_field(prefix)))
        return sorted({index for index in indexes if index is not None})

    def grade(self, question: Question, response: Any) -> Grade:
        choices = self._choices(question)
        chosen = sorted({i for i in response or [] if isinstance(i, int) and 0 <= i < len(choices)})
        total = sum(choices[i]["fraction"] for i in chosen)
        # Shares of the full mark: three right choices of 33.33333% together earn exactly 1.
        positive = sum(choice["fraction"] for choice in choices if choice["fraction"] > 0)
        fraction = total / positive if positive > 0 else total
        return Grade(
            clamp(fraction), feedback_list(*(choices[i].get("feedback", "") for i in chosen))
        )


@register
class TrueFalse(QuestionType):
    """A statement to judge: `data = {"correct": bool, "feedback_true", "feedback_false"}`.

    `feedback_true` is shown to whoever answered "true", whether that was right or not.
    """

    name = "truefalse"
    label = _l("True/false")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        if not isinstance(data["correct"], bool):
            return [_("A true/false question must say whether the right answer is true or false.")]
        return []

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> bool | None:
        return {"true": True, "false": False}.get(first_value(formdata, answer_field(prefix)))

    def grade(self, question: Question, response: Any) -> Grade:
        if not isinstance(response, bool):
            return Grade(0.0)
        feedback = question.data.get("feedback_true" if response else "feedback_false", "")
        return Grade(1.0 if response == question.data["correct"] else 0.0, feedback_list(feedback))

    def right_answer_text(self, question: Question) -> str:
        return self.response_text(question, question.data["correct"])

    def labelled_feedback(
        self, question: Question, response: Any, feedback: list[str]
    ) -> list[tuple[str, str]]:
        return [(self.response_text(question, response), text) for text in feedback]

    def response_text(self, question: Question, response: Any) -> str:
        return {True: _("True"), False: _("False")}.get(response, "")
