"""What a start page or a confirm page counts of an attempt: its questions as learners number
them (a description takes no number) and which of them are still unanswered."""

from dataclasses import dataclass, field

from lms.quizzes.attempts.services import asks_for_answer, is_answered
from lms.quizzes.models import Attempt


@dataclass
class AttemptSummary:
    """Counts a start page or a confirm page shows."""

    total: int
    answered: int
    #: The numbers learners read (see `question_numbers`) of the questions left unanswered.
    unanswered_numbers: list[int] = field(default_factory=list)


def question_numbers(attempt: Attempt) -> dict[int, int]:
    """Each question's number as learners read it, by position: a description takes none, so
    the first question to answer is "Question 1" even after an introduction."""
    numbers: dict[int, int] = {}
    for question in attempt.questions:
        if asks_for_answer(question):
            numbers[question.position] = len(numbers) + 1
    return numbers


def summarise(attempt: Attempt) -> AttemptSummary:
    numbers = question_numbers(attempt)
    unanswered = [
        numbers[q.position]
        for q in attempt.questions
        if q.position in numbers and not is_answered(q.response)
    ]
    return AttemptSummary(len(numbers), len(numbers) - len(unanswered), unanswered)
