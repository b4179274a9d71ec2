"""Descriptions: text shown between questions (Moodle's "description"), with no answer."""

from typing import Any

from flask_babel import lazy_gettext as _l

from lms.quizzes.types.base import FormData, Grade, Question, QuestionType, register


@register
class Description(QuestionType):
    """Text to read, `data = {}`: an introduction, a case study the next questions ask about.

    It takes no answer and counts in no score: an attempt gives it a mark of 0 (see
    `attempts.drawing`), and the attempt's pages show it without a number or a status.
    """

    name = "description"
    label = _l("Description")
    takes_answer = False

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> None:
        return None

    def grade(self, question: Question, response: Any) -> Grade:
        return Grade(0.0)

    def right_answer_text(self, question: Question) -> str:
        return ""
