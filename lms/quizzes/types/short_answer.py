"""Short-answer questions: a typed answer compared with the accepted ones."""

import re
import unicodedata
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


def comparable_text(text: str, *, case_sensitive: bool, ignore_diacritics: bool) -> str:
    """`text` as short answers compare it: spaces collapsed, optionally caseless and unaccented."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if ignore_diacritics:
        # đ is a letter of its own in Unicode, not d plus a mark, so NFD alone keeps it.
        text = text.replace("đ", "d").replace("Đ", "D")
        text = "".join(
            ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
        )
    return text if case_sensitive else text.casefold()


@register
class ShortAnswer(QuestionType):
    """Typed answer compared with accepted ones; `*` in an accepted answer matches anything.

    `data = {"answers": [{"text", "fraction", "feedback"}], "case_sensitive": False,
    "ignore_diacritics": True}`; `\\*` stands for a literal star.
    """

    name = "shortanswer"
    label = _l("Short answer")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return typed_text(formdata, prefix)

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        answers = data["answers"]
        errors = []
        if not answers:
            errors.append(_("A short-answer question needs at least one answer."))
        if any(not str(answer["text"]).strip() for answer in answers):
            errors.append(_("An answer is blank."))
        if any(not 0 <= float(answer["fraction"]) <= 1 for answer in answers):
            errors.append(_("An answer's weight must be between 0% and 100%."))
        if answers and not any(float(answer["fraction"]) == 1 for answer in answers):
            errors.append(_("At least one answer must be right (100%)."))
        return errors

    def _pattern(self, question: Question, accepted: str) -> re.Pattern[str]:
        parts = re.split(r"(?<!\\)\*", accepted)
        options = {
            "case_sensitive": bool(question.data.get("case_sensitive", False)),
            "ignore_diacritics": bool(question.data.get("ignore_diacritics", True)),
        }
        regex = ".*".join(
            re.escape(comparable_text(part.replace("\\*", "*"), **options)) for part in parts
        )
        return re.compile(regex, re.DOTALL)

    def _comparable_response(self, question: Question, response: str) -> str:
        return comparable_text(
            response,
            case_sensitive=bool(question.data.get("case_sensitive", False)),
            ignore_diacritics=bool(question.data.get("ignore_diacritics", True)),
        )

    def grade(self, question: Question, response: Any) -> Grade:
        if not isinstance(response, str) or not response.strip():
            return Grade(0.0)
        typed = self._comparable_response(question, response)
        matches = [
            answer
            for answer in question.data["answers"]
            if self._pattern(question, answer["text"]).fullmatch(typed)
        ]
        if not matches:
            return Grade(0.0)
        best = max(matches, key=lambda answer: answer["fraction"])
        return Grade(clamp(best["fraction"]), feedback_list(best.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        best = max(question.data["answers"], key=lambda answer: answer["fraction"])
        return best["text"]
