"""Attempts: starting one (its questions drawn and fixed, see `drawing`), saving answers (page
posts and autosave), the deadline and the quiz's overdue rule (enforced here, on every access,
never by the browser's clock), and idempotent submit with instant grading (see `scoring`).

Writes that race (two tabs, a retry after a timeout, an autosave arriving during submit) all take
the attempt row's lock first: an autosave by the UPDATE of each answer, which locks the attempt
row on condition it still takes answers (see `autosave`), a page post through one conditional
UPDATE of the row (PostgreSQL makes the second writer wait for the rows and then re-check the
condition on their latest versions; SQLite serialises writers), finishing through `lock_attempt`,
which locks the attempt with its answers and reads them as they stand once it holds the locks.
So the loser sees the attempt as it was left, does nothing twice, and no saved answer goes
ungraded.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lms import db, signals
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import Enrolment
from lms.courses import progress
from lms.db import utcnow
from lms.i18n import format_datetime
from lms.quizzes.attempts import drawing, statements, tokens
from lms.quizzes.attempts.navigation import field_prefix
from lms.quizzes.attempts.rules import takes_answers
from lms.quizzes.bank.services import as_data
from lms.quizzes.grading import scoring
from lms.quizzes.manage.settings import EffectiveSettings, effective_settings
from lms.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    OverdueRule,
    Quiz,
    QuizOverride,
)
from lms.quizzes.types import FormData, get_question_type

#: A submit sent in the last second reaches the server a moment later; it still counts.
SUBMIT_SLACK = timedelta(seconds=10)


class AttemptError(ServiceError):
    """Something the learner cannot do with a quiz or an attempt now; `status` for the view."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


# --- reading ------------------------------------------------------------------------------------


def load_attempt_quiz(
    attempt_id: int, to_answer: bool = False
) -> tuple[Attempt, Quiz, QuizOverride | None] | None:
    """An attempt with its questions and their versions, its quiz and the override of the quiz's
    settings for the attempt's learner (one query): what every attempt page reads first.
    `to_answer`: for the page a learner answers on, without the columns only a review or the
    grading reads (`statements.attempt_to_answer`)."""
    statement = statements.attempt_to_answer() if to_answer else statements.attempt_page()
    result = db.session.execute(statement, {"attempt_id": attempt_id})
    # unique(): the questions come joined, one row each.
    row = result.unique().one_or_none()
    return None if row is None else (row[0], row[1], row[2])


def load_attempt(attempt_id: int) -> Attempt | None:
    """An attempt with its questions and their versions (one query; its quiz comes along, so
    `db.session.get(Quiz, …)` afterwards costs no query)."""
    found = load_attempt_quiz(attempt_id)
    return None if found is None else found[0]


def load_attempt_to_submit(attempt_id: int, user_id: str) -> tuple[Attempt, Quiz] | None:
    """An attempt of `user_id` with its quiz and its questions, read under the attempt's lock in
    one statement (as `lock_attempt` reads them), for submit: what it grades is what this reads,
    and `submit_attempt(…, locked=True)` does not lock and read them again.

    The lock is taken only on the learner's own attempt (the statement asks for it): another
    learner's is read without a lock, so the caller can refuse it (403) without having held it
    for a moment. None when there is no such attempt."""
    sqlite_write_lock()
    rows = db.session.execute(
        statements.locked_attempt_with_quiz(), {"attempt_id": attempt_id, "user_id": user_id}
    ).all()
    if rows:
        attempt, quiz = rows[0][0], rows[0][1]
        set_committed_value(attempt, "questions", [row[2] for row in rows])
        return attempt, quiz
    # Someone else's (refused by the caller), none, or one with no question drawn to lock it by.
    row = db.session.execute(
        statements.attempt_with_quiz(), {"attempt_id": attempt_id}
    ).one_or_none()
    if row is None:
        return None
    if row[0].user_id == user_id:
        lock_attempt(row[0])
    return row[0], row[1]


def is_answered(response: Any) -> bool:
    """Whether a saved response says anything, whatever its question type."""
    if response is None:
        return False
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list):
        return any(item is not None for item in response)
    return True


def asks_for_answer(question: AttemptQuestion) -> bool:
    """Whether a question of an attempt takes an answer (a description is only read)."""
    return get_question_type(question.question_version.qtype).takes_answer


def remaining_seconds(attempt: Attempt, now: datetime) -> int | None:
    """Whole seconds left before the deadline (0 when past it); None when untimed."""
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - now).total_seconds()))


def submit_limit(attempt: Attempt, quiz: Quiz) -> datetime | None:
    """The last moment the attempt may be submitted (deadline, grace period, network slack)."""
    if attempt.deadline_at is None:
        return None
    grace = quiz.grace_minutes if quiz.overdue_rule == OverdueRule.GRACE else 0
    return attempt.deadline_at + timedelta(minutes=grace) + SUBMIT_SLACK


def in_grace(attempt: Attempt, quiz: Quiz, now: datetime) -> bool:
    """In the quiz's grace period: past the deadline, submit allowed, no more changes."""
    limit = submit_limit(attempt, quiz)
    return (
        quiz.overdue_rule == OverdueRule.GRACE
        and attempt.state == AttemptState.IN_PROGRESS
        and attempt.deadline_at is not None
        and attempt.deadline_at < now <= limit
    )


# --- starting -----------------------------------------------------------------------------------


@dataclass
class StartCheck:
    """Whether a learner may start (or resume) an attempt now, and why not."""

    settings: EffectiveSettings
    attempts: list[Attempt]
    enrolment: Enrolment | None
    #: The attempt in progress, which "start" resumes.
    current: Attempt | None = None
    #: Translated reason a new attempt cannot start ("" when it can).
    reason: str = ""
    status: int = 409

    @property
    def allowed(self) -> bool:
        return self.current is not None or not self.reason


def start_check(quiz: Quiz, user_id: str, now: datetime) -> StartCheck:
    """Enrolment, dates, attempts left; attempts found past their deadline are settled first."""
    enrolment = progress.find_enrolment(quiz.class_id, user_id) if quiz.class_id else None
    return check_start(quiz, user_id, enrolment, effective_settings(quiz, user_id), now)


def check_start(
    quiz: Quiz,
    user_id: str,
    enrolment: Enrolment | None,
    settings: EffectiveSettings,
    now: datetime,
) -> StartCheck:
    """`start_check` with the learner's enrolment and settings loaded by the caller (the quiz
    page reads them with the class and the quiz): one query, for the attempts."""
    attempts = scoring.learner_attempts(quiz.id, user_id)
    for attempt in attempts:
        settle_overdue(attempt, quiz, now)
    check = StartCheck(settings, attempts, enrolment)
    check.current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    if enrolment is None:
        check.reason, check.status = _("Only learners of the class can take this quiz."), 403
    elif check.current is None:
        check.reason = _refusal(quiz, check.settings, len(attempts), now)
    return check


def _refusal(quiz: Quiz, settings: EffectiveSettings, used: int, now: datetime) -> str:
    if not quiz.slots:
        return _("This quiz has no questions yet.")
    if settings.open_at is not None and now < settings.open_at:
        return _("The quiz opens at %(time)s.", time=format_datetime(settings.open_at))
    if settings.close_at is not None and now >= settings.close_at:
        return _("The quiz closed at %(time)s.", time=format_datetime(settings.close_at))
    if settings.attempts_allowed and used >= settings.attempts_allowed:
        return _("You have used all your attempts at this quiz.")
    return ""


def start_attempt(quiz: Quiz, user_id: str, now: datetime | None = None) -> Attempt:
    """Start a new attempt, or return the one in progress; AttemptError when not allowed."""
    now = now or utcnow()
    check = start_check(quiz, user_id, now)
    if check.current is not None:
        return check.current
    if check.reason:
        raise AttemptError(check.reason, check.status)
    # Writing the enrolment takes its row lock (a whole-database lock on SQLite), so a second tab
    # starting at the same moment waits here and then finds this attempt instead of adding one.
    check.enrolment.last_activity_at = now
    db.session.flush()
    running = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user_id,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
    )
    if running is not None:
        return running
    used = db.session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.quiz_id == quiz.id, Attempt.user_id == user_id
        )
    )
    reason = _refusal(quiz, check.settings, used, now)
    if reason:
        raise AttemptError(reason)
    number = used + 1
    rng = random.Random(drawing.attempt_seed(quiz.id, user_id, number))
    try:
        questions = drawing.lay_out(quiz, rng)
    except drawing.DrawError as error:
        raise AttemptError(str(error)) from error
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=user_id,
        number=number,
        state=AttemptState.IN_PROGRESS,
        started_at=now,
        deadline_at=deadline_for(now, check.settings),
        current_page=0,
        questions=questions,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def deadline_for(started: datetime, settings: EffectiveSettings) -> datetime | None:
    """The earlier of the time limit and the close date; None when neither applies."""
    ends = []
    if settings.time_limit_minutes:
        ends.append(started + timedelta(minutes=settings.time_limit_minutes))
    if settings.close_at is not None:
        ends.append(settings.close_at)
    return min(ends) if ends else None


# --- saving -------------------------------------------------------------------------------------


def closed_message(attempt: Attempt, quiz: Quiz, now: datetime) -> str:
    if attempt.state != AttemptState.IN_PROGRESS:
        return _("This attempt has been submitted; answers can no longer be changed.")
    if in_grace(attempt, quiz, now):
        return _("Time is up: answers can no longer be changed, but you can still submit.")
    return _("Time is up: answers can no longer be changed.")


def _claim(attempt: Attempt, now: datetime) -> bool:
    """Lock the attempt row for a write, if it still takes answers (see the module docstring)."""
    result = db.session.execute(statements.claim(), {"attempt_id": attempt.id, "now": now})
    return result.rowcount == 1


def save_responses(
    attempt: Attempt,
    quiz: Quiz,
    answers: dict[int, FormData],
    now: datetime,
    *,
    opaque: bool = False,
) -> list[AttemptQuestion]:
    """Save the responses posted for some positions; AttemptError when it takes no more.

    Each question reads only its own fields (`q<position>-answer…`) through its type; `opaque`
    when they come from a learner's page, whose values are tokens (see `tokens`), not indexes.
    Returns the questions named in `answers`, saved or unchanged.
    """
    if not takes_answers(attempt, now):
        raise AttemptError(closed_message(attempt, quiz, now))
    if not answers:
        return []  # a ping for the time left: nothing to write
    by_position = _claim_questions(attempt, set(answers), now)
    if by_position is None:
        # Closed meanwhile (or, never from a page, no such question): say which.
        db.session.refresh(attempt)
        if not takes_answers(attempt, now):
            raise AttemptError(closed_message(attempt, quiz, now))
        by_position = {}
    touched = []
    for position, formdata in answers.items():
        question = by_position.get(position)
        if question is None:
            continue
        response = posted_response(attempt, question, formdata, opaque)
        if response != question.response:
            question.response = response
            question.saved_at = now
        touched.append(question)
    db.session.flush()
    return touched


def posted_response(
    attempt: Attempt, question: AttemptQuestion, formdata: FormData, opaque: bool
) -> Any:
    """The response a question's posted fields say, read by its type; `opaque` when the values
    are a learner's page's tokens. When it says nothing and neither did the stored one, the
    stored one as it is: clearing an unanswered question changes nothing."""
    version = question.question_version
    qtype, data = get_question_type(version.qtype), as_data(version, "")
    prefix = field_prefix(question.position)
    if opaque:
        formdata = tokens.decode(qtype, data, formdata, prefix, attempt.id, question.position)
    response = qtype.response_from_form(data, formdata, prefix)
    if not is_answered(response) and not is_answered(question.response):
        return question.response
    return response


def _claim_questions(
    attempt: Attempt, positions: set[int], now: datetime
) -> dict[int, AttemptQuestion] | None:
    """Lock the attempt for a write if it still takes answers (see the module docstring), and
    return its questions at these positions with their versions; None when it takes no more
    (for an autosave, also when none of them exists).

    A page post has loaded every question already: it claims the row with a no-op UPDATE. An
    autosave has not: one locked read takes the attempt row and only the questions posted (one
    answer reads one question, not thirty), read as they are once the lock is held.
    """
    if "questions" not in inspect(attempt).unloaded:
        if not _claim(attempt, now):
            return None
        return {q.position: q for q in attempt.questions if q.position in positions}
    sqlite_write_lock()
    questions = db.session.scalars(
        statements.claimed_questions(),
        {"attempt_id": attempt.id, "positions": sorted(positions), "now": now},
    )
    return {question.position: question for question in questions} or None


def sqlite_write_lock() -> None:
    """On SQLite, take the database's write lock before reading what this request will write:
    its FOR UPDATE is no lock, and a deferred transaction that has read cannot take the write
    lock once another writer committed. PostgreSQL locks rows instead (FOR UPDATE)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")


# --- finishing ----------------------------------------------------------------------------------


def settle_overdue(attempt: Attempt, quiz: Quiz, now: datetime, *, locked: bool = False) -> bool:
    """Apply the overdue rule to an attempt found past its last moment; True when it changed.

    Autosubmit finishes it with what was saved, as of the deadline; "grace" and "nothing" leave
    an attempt not submitted in time abandoned, counting nothing. `locked`: the attempt was
    read under its lock in this transaction (`load_attempt_to_submit`).
    """
    limit = submit_limit(attempt, quiz)
    if attempt.state != AttemptState.IN_PROGRESS or limit is None or now <= limit:
        return False
    if quiz.overdue_rule == OverdueRule.AUTOSUBMIT:
        return _finish(
            attempt, quiz, AttemptState.FINISHED, attempt.deadline_at, "autosubmit", locked
        )
    return _finish(attempt, quiz, AttemptState.ABANDONED, attempt.deadline_at, "overdue", locked)


def settle_quiz(quiz: Quiz, now: datetime | None = None) -> int:
    """Settle every overdue attempt of a quiz (before a results page reads them)."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.state == AttemptState.IN_PROGRESS,
            Attempt.deadline_at < now - SUBMIT_SLACK,
        )
        .options(selectinload(Attempt.questions))
    )
    return sum(1 for attempt in overdue if settle_overdue(attempt, quiz, now))


def submit_attempt(
    attempt: Attempt, quiz: Quiz, now: datetime | None = None, *, locked: bool = False
) -> bool:
    """Submit and grade; True when this call did it, False when it was already done (idempotent).
    `locked`: the attempt was read under its lock in this transaction (`load_attempt_to_submit`)."""
    now = now or utcnow()
    if settle_overdue(attempt, quiz, now, locked=locked):
        return False
    if attempt.state != AttemptState.IN_PROGRESS:
        return False
    return _finish(attempt, quiz, AttemptState.FINISHED, now, "submit", locked)


def lock_attempt(attempt: Attempt) -> None:
    """Take the attempt's row lock and read it and its answers again as stored (one statement
    locking the attempt row and its questions, see `statements.locked_questions`).

    Whatever finishes an attempt grades what this reads, never what the request loaded before:
    an autosave that committed while this request waited for the lock is graded, and one that
    arrives later waits for this transaction and then finds the attempt closed (refused, 409).
    FOR UPDATE on PostgreSQL; on SQLite an IMMEDIATE transaction (see `lms.db`) is the lock,
    taken before the read so no writer commits between the read and the grading.
    """
    sqlite_write_lock()
    rows = db.session.execute(statements.locked_questions(), {"attempt_id": attempt.id}).all()
    if not rows:  # no question to lock it through (none drawn): the attempt row alone
        db.session.scalars(statements.locked_attempt(), {"attempt_id": attempt.id}).one()
        return
    set_committed_value(attempt, "questions", [question for _attempt, question in rows])


def _finish(
    attempt: Attempt, quiz: Quiz, state: str, when: datetime, reason: str, locked: bool = False
) -> bool:
    if not locked:
        lock_attempt(attempt)
    if attempt.state != AttemptState.IN_PROGRESS:
        return False  # another request finished it first: it shows what that one recorded
    if state == AttemptState.FINISHED:
        # Closed and graded together: one UPDATE of the attempt row (see `grade_attempt`).
        scoring.grade_attempt(attempt, quiz, reason, when)
        signals.quiz_graded.send(
            current_app._get_current_object(),
            class_id=quiz.class_id,
            quiz_id=quiz.id,
            user_ids=[attempt.user_id],
        )
        return True
    return _abandon(attempt, state, when, reason)


def _abandon(attempt: Attempt, state: str, when: datetime, reason: str) -> bool:
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=state, finished_at=when)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # cannot happen under the lock; kept as the last guard
        db.session.refresh(attempt)
        return False
    set_committed_value(attempt, "state", state)
    set_committed_value(attempt, "finished_at", when)
    record("attempt.abandon", "attempt", attempt.id, after={"state": state, "reason": reason})
    return True
