"""Grading by hand: the queue of essay answers waiting for a person in the classes a user manages,
the next answer to grade, and grading one answer (its mark, the grader's comment, the audit trail
and the attempt's grade through `scoring`).

An answer waits while its attempt is finished and its fraction is still None; an answer graded
by hand carries `graded_at`, which also keeps its grade through a regrade.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from lms import db, signals
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.permissions import in_scope_clause
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import ClassTrainer, TrainingClass
from lms.db import utcnow
from lms.quizzes.bank.services import as_data
from lms.quizzes.display import points
from lms.quizzes.grading import scoring
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, QuestionVersion, Quiz
from lms.quizzes.types import get_question_type

#: Most answers one queue page lists; the group headers still count them all.
QUEUE_LIMIT = 200

WAITING = "waiting"
GRADED = "graded"


def managed_classes_clause(user_id: str):
    """SQL condition on TrainingClass: classes the user teaches or whose unit they organize."""
    taught = select(ClassTrainer.class_id).where(ClassTrainer.user_id == user_id)
    return or_(TrainingClass.id.in_(taught), in_scope_clause(TrainingClass.unit_id, Role.ORGANIZER))


def _state_clause(show: str):
    if show == GRADED:
        return AttemptQuestion.graded_at.isnot(None)
    return AttemptQuestion.fraction.is_(None)


def _queue_base(user_id: str, quiz_id: int | None = None):
    """The joins every queue query shares: finished attempts of quizzes of managed classes."""
    query = (
        select()
        .select_from(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(TrainingClass, TrainingClass.id == Quiz.class_id)
        .where(Attempt.state == AttemptState.FINISHED, managed_classes_clause(user_id))
    )
    if quiz_id is not None:
        query = query.where(Quiz.id == quiz_id)
    return query


@dataclass
class QueueRow:
    """One answer in the queue."""

    id: int
    position: int
    max_mark: float
    fraction: float | None
    graded_at: datetime | None
    attempt_id: int
    attempt_number: int
    submitted_at: datetime | None
    question_name: str
    learner_name: str
    #: The question's text (Markdown), whose start names the question on the page.
    question_stem: str = ""


@dataclass
class QueueGroup:
    """The answers of one quiz of one class, oldest submitted first."""

    class_id: int
    class_code: str
    class_name: str
    quiz_id: int
    quiz_title: str
    count: int
    rows: list[QueueRow] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Answers of this group beyond the page's limit."""
        return self.count - len(self.rows)


@dataclass
class Queue:
    show: str
    groups: list[QueueGroup]
    #: Answers waiting and answers graded by hand, over all the user's classes (the tab counts).
    waiting: int
    graded: int

    @property
    def total(self) -> int:
        return self.graded if self.show == GRADED else self.waiting


def grading_queue(
    user_id: str, show: str = WAITING, quiz_id: int | None = None, limit: int = QUEUE_LIMIT
) -> Queue:
    """The user's queue, grouped by class and quiz (three queries, however long it is)."""
    show = GRADED if show == GRADED else WAITING
    tallies = db.session.execute(
        _queue_base(user_id).add_columns(
            func.coalesce(func.sum(case((AttemptQuestion.fraction.is_(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((AttemptQuestion.graded_at.isnot(None), 1), else_=0)), 0),
        )
    ).one()
    groups = {
        quiz: QueueGroup(class_id, code, name, quiz, title, count)
        for class_id, code, name, quiz, title, count in db.session.execute(
            _queue_base(user_id, quiz_id)
            .add_columns(
                TrainingClass.id,
                TrainingClass.code,
                TrainingClass.name,
                Quiz.id,
                Quiz.title,
                func.count(AttemptQuestion.id),
            )
            .where(_state_clause(show))
            .group_by(TrainingClass.id, TrainingClass.code, TrainingClass.name, Quiz.id, Quiz.title)
            .order_by(TrainingClass.code, Quiz.id)
        )
    }
    rows = db.session.execute(
        _queue_base(user_id, quiz_id)
        .add_columns(
            Quiz.id,
            AttemptQuestion.id,
            AttemptQuestion.position,
            AttemptQuestion.max_mark,
            AttemptQuestion.fraction,
            AttemptQuestion.graded_at,
            Attempt.id,
            Attempt.number,
            Attempt.finished_at,
            QuestionVersion.name,
            func.coalesce(LearnerProfile.full_name, Attempt.user_id),
            QuestionVersion.stem,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == Attempt.user_id)
        .where(_state_clause(show))
        .order_by(
            TrainingClass.code,
            Quiz.id,
            # Graded answers: the latest first, to revisit what was just done.
            AttemptQuestion.graded_at.desc() if show == GRADED else Attempt.finished_at,
            Attempt.id,
            AttemptQuestion.position,
        )
        .limit(limit)
    )
    for quiz, *values in rows:
        groups[quiz].rows.append(QueueRow(*values))
    return Queue(show, list(groups.values()), int(tallies[0]), int(tallies[1]))


def next_waiting(user_id: str, quiz_id: int) -> int | None:
    """The oldest answer still waiting: in the same quiz first, then anywhere in the queue."""
    for scope in (quiz_id, None):
        found = db.session.scalar(
            _queue_base(user_id, scope)
            .add_columns(AttemptQuestion.id)
            .where(AttemptQuestion.fraction.is_(None))
            .order_by(
                TrainingClass.code,
                Quiz.id,
                Attempt.finished_at,
                Attempt.id,
                AttemptQuestion.position,
            )
            .limit(1)
        )
        if found is not None:
            return found
    return None


# --- grading one answer --------------------------------------------------------------------------


def load_answer(question_id: int) -> tuple[AttemptQuestion, Attempt] | None:
    """An answer with its attempt (and the attempt's other questions, for its grade)."""
    question = db.session.get(AttemptQuestion, question_id)
    if question is None:
        return None
    attempt = db.session.scalar(
        select(Attempt)
        .where(Attempt.id == question.attempt_id)
        .options(selectinload(Attempt.questions))
    )
    return question, attempt


def needs_a_person(question: AttemptQuestion) -> bool:
    """Whether the question's type leaves grading to a person (an essay)."""
    version = question.question_version
    kind = get_question_type(version.qtype)
    return kind.grade(as_data(version, ""), question.response).needs_manual_grading


def rubric(question: AttemptQuestion) -> str:
    """The notes for graders: an essay's `grader_info`, else its general feedback, where GIFT
    banks (which have no grader info) keep the model answer.
    """
    version = question.question_version
    return str((version.data or {}).get("grader_info") or version.general_feedback or "")


def mark_of(question: AttemptQuestion) -> float | None:
    return None if question.fraction is None else question.fraction * question.max_mark


def grade_answer(
    question: AttemptQuestion,
    attempt: Attempt,
    quiz: Quiz,
    mark: float,
    comment: str,
    grader_id: str,
    now: datetime | None = None,
) -> None:
    """Give an answer its mark (0..max) and comment, audit it, and update the attempt's grade.

    Grading again an answer already graded is allowed; both events stay in the audit trail.
    """
    if attempt.state != AttemptState.FINISHED:
        raise ServiceError(_("Only answers of submitted attempts can be graded."))
    if not 0 <= mark <= question.max_mark:
        raise ServiceError(
            _("The mark must be between 0 and %(max)s.", max=points(question.max_mark))
        )
    comment = comment.strip()
    before = {"mark": mark_of(question), "comment": question.grader_comment or ""}
    # A question worth nothing has no fraction to earn; it counts as graded.
    question.fraction = mark / question.max_mark if question.max_mark > 0 else 0.0
    question.grader_comment = comment
    question.graded_by = grader_id
    question.graded_at = now or utcnow()
    db.session.flush()
    record(
        "attempt_question.grade",
        "attempt_question",
        question.id,
        before=before,
        after={"mark": mark, "comment": comment, "attempt_id": attempt.id},
    )
    scoring.update_attempt_grade(attempt, quiz, "manual")
    signals.quiz_graded.send(
        current_app._get_current_object(),
        class_id=quiz.class_id,
        quiz_id=quiz.id,
        user_ids=[attempt.user_id],
    )
