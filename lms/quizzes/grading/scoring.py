"""Scoring: grading an attempt's questions by their types, the attempt's grade (marks earned over
marks available), a learner's quiz grade by the quiz's grading method, passing, and the module a
passed quiz completes. Every change of an attempt's grade leaves an audit event.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from lms import db
from lms.audit.services import event_values, record_now
from lms.courses import progress
from lms.courses.models import Module
from lms.quizzes.attempts import statements
from lms.quizzes.bank.services import as_data
from lms.quizzes.manage.settings import EffectiveSettings
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, GradingMethod, Quiz
from lms.quizzes.types import get_question_type

#: How long "right after the attempt" lasts for the review options (Moodle's two minutes).
RIGHT_AFTER = timedelta(minutes=2)


def learner_attempts(quiz_id: int, user_id: str) -> list[Attempt]:
    """A learner's attempts at a quiz, first to last (questions not loaded)."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        )
    )


def grade_attempt(attempt: Attempt, quiz: Quiz, reason: str, finished_at: datetime) -> None:
    """Close the attempt (submit or autosubmit, under its lock) and grade every question by its
    type; essays wait for a person.

    One statement whatever the number of questions on PostgreSQL: the attempt's state and
    grade in a guarded UPDATE, every question's grade and the audit event, together
    (`statements.finish_recorded`); on SQLite the UPDATE, an executemany, and the event.
    """
    rows = _grade_questions(attempt)
    before = attempt.fraction
    fraction = attempt_fraction(attempt.questions)
    closing = {
        statements.CLOSED_ATTEMPT: attempt.id,
        "state": AttemptState.FINISHED,
        "finished_at": finished_at,
        "fraction": fraction,
    }
    change = _grade_change(before, fraction, reason)
    # PostgreSQL writes the questions' grades and the audit event with the UPDATE (see
    # `statements`); SQLite, in process, runs them apart.
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        event = event_values(GRADE_EVENT, "attempt", *change)
        grades = statements.as_arrays(rows)
        closed = db.session.execute(statements.finish_recorded(), {**closing, **grades, **event})
    else:
        closed = db.session.execute(statements.finish(), closing)
    if closed.rowcount != 1:
        # Cannot happen under the attempt's lock; kept as the last guard. Raising rolls the
        # whole request back, so nothing is graded twice.
        raise RuntimeError(f"attempt {attempt.id} was closed while its lock was held")
    for name, value in (
        ("state", AttemptState.FINISHED),
        ("finished_at", finished_at),
        ("fraction", fraction),
    ):
        set_committed_value(attempt, name, value)
    if not postgres:
        if rows:
            db.session.execute(statements.question_grades(), rows)
        record_now(GRADE_EVENT, "attempt", attempt.id, *change)
    if fraction is not None:
        complete_module_if_passed(quiz, attempt.user_id)


def _grade_questions(attempt: Attempt) -> list[dict]:
    """Grade the questions in memory (values set as if loaded, so nothing is left for a flush
    to write) and return the rows `statements.question_grades` writes."""
    rows = []
    for question in attempt.questions:
        version = question.question_version
        grade = get_question_type(version.qtype).grade(as_data(version, ""), question.response)
        if grade.needs_manual_grading and question.graded_at is not None:
            continue  # a person graded it already: keep that grade
        feedback = list(grade.feedback)
        set_committed_value(question, "fraction", grade.fraction)
        set_committed_value(question, "feedback", feedback)
        rows.append({"question_id": question.id, "fraction": grade.fraction, "feedback": feedback})
    return rows


def attempt_fraction(questions: list[AttemptQuestion]) -> float | None:
    """Marks earned over marks available; None while any question waits for a grader."""
    if any(question.fraction is None for question in questions):
        return None
    total = sum(question.max_mark for question in questions)
    if total <= 0:
        return 0.0
    return sum(question.fraction * question.max_mark for question in questions) / total


def update_attempt_grade(
    attempt: Attempt, quiz: Quiz, reason: str, always_record: bool = False
) -> None:
    """Recompute the attempt's grade from its questions (after grading by hand or a regrade),
    audit the change, and complete the quiz's module when the learner now passes.
    """
    before = attempt.fraction
    attempt.fraction = attempt_fraction(attempt.questions)
    db.session.flush()
    _graded(attempt, quiz, reason, before, always_record)


#: The audit event of an attempt's grade (its closing grade, a regrade, a person's grading).
GRADE_EVENT = "attempt.grade"


def _grade_change(before: float | None, after: float | None, reason: str) -> tuple[dict, dict]:
    """The grade event's before and after."""
    return {"fraction": before}, {"fraction": after, "reason": reason}


def _graded(
    attempt: Attempt, quiz: Quiz, reason: str, before: float | None, always_record: bool
) -> None:
    """Audit a grade just stored, and complete the quiz's module when the learner now passes."""
    if always_record or before != attempt.fraction:
        record_now(
            GRADE_EVENT, "attempt", attempt.id, *_grade_change(before, attempt.fraction, reason)
        )
    if attempt.fraction is not None:
        complete_module_if_passed(quiz, attempt.user_id)


# --- quiz grade and completion ------------------------------------------------------------------


def _first(finished: list[Attempt]) -> float | None:
    return finished[0].fraction


def _last(finished: list[Attempt]) -> float | None:
    return finished[-1].fraction


def _highest(finished: list[Attempt]) -> float | None:
    graded = [a.fraction for a in finished if a.fraction is not None]
    return max(graded) if graded else None


def _average(finished: list[Attempt]) -> float | None:
    graded = [a.fraction for a in finished if a.fraction is not None]
    return fmean(graded) if graded else None


#: How a learner's finished attempts make their quiz grade; abandoned attempts count nothing.
GRADING_METHODS: dict[str, Callable[[list[Attempt]], float | None]] = {
    GradingMethod.HIGHEST: _highest,
    GradingMethod.AVERAGE: _average,
    GradingMethod.FIRST: _first,
    GradingMethod.LAST: _last,
}


def quiz_grade(attempts: list[Attempt], method: str) -> float | None:
    """The learner's grade (a fraction) by the quiz's grading method; None when there is none."""
    finished = sorted(
        (a for a in attempts if a.state == AttemptState.FINISHED), key=lambda a: a.number
    )
    return GRADING_METHODS[method](finished) if finished else None


def passed(fraction: float | None, pass_mark: int) -> bool:
    # A hair of slack: 7 of 10 is 0.7000000000000001 or 0.6999999999999 depending on the sum.
    return fraction is not None and fraction * 100 >= pass_mark - 1e-9


def complete_module_if_passed(quiz: Quiz, user_id: str) -> bool:
    """A passed module quiz completes its module for the learner's enrolment (recorded once)."""
    if quiz.module_id is None or quiz.class_id is None:
        return False
    grade = quiz_grade(learner_attempts(quiz.id, user_id), quiz.grading_method)
    if not passed(grade, quiz.pass_mark):
        return False
    enrolment = progress.find_enrolment(quiz.class_id, user_id)
    module = db.session.get(Module, quiz.module_id)
    if enrolment is None or module is None:
        return False
    return progress.complete_module(enrolment, module)


def review_moment(attempt: Attempt, settings: EffectiveSettings, now: datetime) -> str:
    """Which review options apply now: "after" (right after), "open" (later), "closed"."""
    if settings.close_at is not None and now >= settings.close_at:
        return "closed"
    if attempt.finished_at is not None and now - attempt.finished_at <= RIGHT_AFTER:
        return "after"
    return "open"
