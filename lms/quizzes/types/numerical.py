"""Numerical questions: a typed number within a tolerance or a range."""

import math
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.quizzes.types.base import (
    FormData,
    Grade,
    Question,
    QuestionType,
    clamp,
    feedback_list,
    register,
    typed_text,
)
from lms.quizzes.types.numbers import display_number, number_readings


@register
class Numerical(QuestionType):
    """A number within a tolerance or a range.

    `data = {"answers": [{"value", "tolerance", "fraction", "feedback"}
    or {"min", "max", "fraction", "feedback"}]}`.
    """

    name = "numerical"
    label = _l("Numerical")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return typed_text(formdata, prefix)

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        answers = data["answers"]
        errors = []
        if not answers:
            errors.append(_("A numerical question needs at least one answer."))
        for answer in answers:
            if "min" in answer:
                if not float(answer["min"]) <= float(answer["max"]):
                    errors.append(_("An answer range must not start above its end."))
            elif not math.isfinite(float(answer["value"])) or not float(answer["tolerance"]) >= 0:
                errors.append(
                    _("A numerical answer must be a number, with a tolerance that is not negative.")
                )
        if answers and not any(float(answer["fraction"]) == 1 for answer in answers):
            errors.append(_("At least one answer must be right (100%)."))
        return errors

    @staticmethod
    def _accepts(answer: dict[str, Any], value: float) -> bool:
        if "min" in answer:
            low, high = float(answer["min"]), float(answer["max"])
        else:
            centre, tolerance = float(answer["value"]), float(answer["tolerance"])
            low, high = centre - tolerance, centre + tolerance
        # Binary floats make 0.1 + 0.2 miss 0.3; allow a rounding error's worth of slack.
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        return low - slack <= value <= high + slack

    def grade(self, question: Question, response: Any) -> Grade:
        values = number_readings(response) if isinstance(response, str) else []
        if not values:
            # Feedback is stored with the attempt, in the language the learner submitted in.
            return Grade(0.0, [_("The response is not a number.")] if response else [])
        matches = [
            answer
            for answer in question.data["answers"]
            if any(self._accepts(answer, value) for value in values)
        ]
        if not matches:
            return Grade(0.0)
        best = max(matches, key=lambda answer: answer["fraction"])
        return Grade(clamp(best["fraction"]), feedback_list(best.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        best = max(question.data["answers"], key=lambda answer: answer["fraction"])
        if "min" in best:
            return f"{display_number(best['min'])} – {display_number(best['max'])}"
        if best["tolerance"]:
            return f"{display_number(best['value'])} ± {display_number(best['tolerance'])}"
        return display_number(best["value"])
