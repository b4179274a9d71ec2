"""Essay questions: free text that a person grades (see `lms.quizzes.grading.manual`)."""

from typing import Any

from flask_babel import lazy_gettext as _l

from lms.quizzes.types.base import FormData, Grade, Question, QuestionType, register, typed_text


@register
class Essay(QuestionType):
    """Free text graded by a person: `data = {"grader_info": str}` (rubric for graders)."""

    name = "essay"
    label = _l("Essay")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return typed_text(formdata, prefix)

    def grade(self, question: Question, response: Any) -> Grade:
        return Grade(None)

    def right_answer_text(self, question: Question) -> str:
        return ""
