"""Autosave: the exam-day request, sent by attempt.js every few seconds per learner, so built as
one read and one write a question.

The read (`load`) takes the attempt, its quiz and only the questions posted, without a lock,
as plain values (Core rows, not the models' objects). The write (`statements.save_answer`) is
one statement per question that locks the attempt row and re-checks that it still takes answers
before writing, so what the read saw of the attempt never decides: a submit that got the lock
first leaves the attempt closed, and the write then changes nothing (409). Each write sends the
new response whatever the read saw stored, so of two saves of one question (two tabs, a retry)
the one written last is the one kept, and the saved time moves only when the stored answer
differs, compared inside the statement.

A save of one question (the usual case) is that single statement and no transaction around it
on PostgreSQL (see `lms.connections.ATOMIC_ALONE`): one round trip where BEGIN, a locked read,
the UPDATE and COMMIT took four. Several questions are written in one transaction, all or none.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lms import db
from lms.quizzes.attempts import statements
from lms.quizzes.attempts.rules import takes_answers
from lms.quizzes.attempts.services import (
    AttemptError,
    closed_message,
    posted_response,
    sqlite_write_lock,
)
from lms.quizzes.types import FormData

# What the read found, as plain values: the services an autosave calls (`takes_answers`,
# `closed_message`, `posted_response`, `navigation.may_change_page`) read these attributes by
# the models' names, so they take these snapshots as they take the models' objects.


@dataclass(frozen=True, slots=True)
class AttemptAsRead:
    id: int
    user_id: str
    state: str
    deadline_at: datetime | None
    current_page: int


@dataclass(frozen=True, slots=True)
class QuizAsRead:
    navigation: str
    questions_per_page: int
    overdue_rule: str
    grace_minutes: int


@dataclass(frozen=True, slots=True)
class VersionAsRead:
    qtype: str
    name: str
    stem: str
    general_feedback: str
    default_mark: float
    data: dict


@dataclass(frozen=True, slots=True)
class QuestionAsRead:
    id: int
    position: int
    response: Any
    question_version: VersionAsRead


class Refused(AttemptError):
    """The attempt takes no more answers; `attempt` is it as it now stands (submitted, or
    past its deadline), for the page the learner is sent to next."""

    def __init__(self, attempt: AttemptAsRead, quiz: QuizAsRead, now: datetime) -> None:
        super().__init__(closed_message(attempt, quiz, now))
        self.attempt = attempt


_QUIZ = len(statements.AUTOSAVE_ATTEMPT)
_QUESTION = _QUIZ + len(statements.AUTOSAVE_QUIZ)
_VERSION = _QUESTION + len(statements.AUTOSAVE_QUESTION)


def load(
    attempt_id: int, positions: list[int], rows: list | None = None
) -> tuple[AttemptAsRead, QuizAsRead, dict[int, QuestionAsRead]] | None:
    """The attempt, its quiz and its questions at `positions` (those that exist), in one query;
    None when there is no such attempt. `rows`: what `statements.attempt_to_autosave` already
    read with these values (with the log-in, `sessions.LoginRide`), so no query runs."""
    if rows is None:
        rows = db.session.execute(
            statements.attempt_to_autosave(), {"attempt_id": attempt_id, "positions": positions}
        ).all()
    if not rows:
        return None
    found = (
        QuestionAsRead(*row[_QUESTION:_VERSION], question_version=VersionAsRead(*row[_VERSION:]))
        for row in rows
        if row[_QUESTION] is not None  # the single row of an attempt without these positions
    )
    first = rows[0]
    return (
        AttemptAsRead(*first[:_QUIZ]),
        QuizAsRead(*first[_QUIZ:_QUESTION]),
        {question.position: question for question in found},
    )


def save(
    attempt: AttemptAsRead,
    quiz: QuizAsRead,
    questions: dict[int, QuestionAsRead],
    answers: dict[int, FormData],
    now: datetime,
) -> dict[int, datetime | None]:
    """Write the answers posted (fields from a learner's page: opaque values) to these questions;
    returns each position's saved time as stored. `Refused` when the attempt takes no more
    answers, found before writing or by the write itself; then nothing is written."""
    if not takes_answers(attempt, now):
        raise Refused(attempt, quiz, now)
    if not answers:
        return {}  # a ping for the time left: nothing to write
    statement = statements.save_answer_alone() if len(answers) == 1 else statements.save_answer()
    sqlite_write_lock()
    saved: dict[int, datetime | None] = {}
    for position, formdata in answers.items():
        question = questions[position]
        row = db.session.execute(
            statement,
            {
                "question_id": question.id,
                "open_attempt": attempt.id,
                "answer": posted_response(attempt, question, formdata, opaque=True),
                "now": now,
            },
        ).one_or_none()
        if row is None:
            # Closed meanwhile (submitted, or past its deadline): say which, as it now stands.
            state, deadline_at = db.session.execute(
                statements.attempt_state(), {"attempt_id": attempt.id}
            ).one()
            raise Refused(replace(attempt, state=state, deadline_at=deadline_at), quiz, now)
        saved[row.position] = row.saved_at
    return saved
