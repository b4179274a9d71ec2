"""Result rows of a class's quizzes: per quiz, one row per enrolled learner (attempts made, the quiz
grade by the quiz's grading method, passed or not, "waiting for grading"); per class, a grid of
quiz grades; and one learner's attempt history.

Each reads the learners in one query and the attempts in one more, whatever the class size, and
works the grades out here with `scoring.quiz_grade`. Overdue attempts are settled first, so a
results page never shows an attempt past its deadline as still running.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from statistics import fmean

from flask_babel import gettext as _
from sqlalchemy import Row, Select, exists, select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.db import utcnow
from lms.quizzes.attempts import services as attempt_service
from lms.quizzes.grading import scoring
from lms.quizzes.manage.settings import apply_override, review_options
from lms.quizzes.models import Attempt, AttemptState, Quiz, QuizOverride
from lms.text import vi_sort_key

#: Rows fetched from the database at a time while an export streams.
YIELD_PER = 500


class ResultState(StrEnum):
    """Where a learner stands on a quiz (the state filter of the results page)."""

    PASSED = "passed"
    #: A submitted attempt waits for an essay's grade: not yet passed, but not failed either.
    PENDING = "pending"
    NOT_PASSED = "not_passed"
    NOT_ATTEMPTED = "not_attempted"


@dataclass(frozen=True)
class LearnerGrade:
    """One learner's standing on one quiz."""

    attempts: int
    #: Quiz grade as a fraction (by the quiz's grading method); None when there is none yet.
    grade: float | None
    passed: bool
    #: A finished attempt waits for a person to grade an essay.
    waiting: bool
    last_finished_at: datetime | None

    @property
    def state(self) -> ResultState:
        """The one verdict the page, the exports and the figures all use."""
        if self.passed:
            return ResultState.PASSED
        if self.waiting:
            return ResultState.PENDING
        return ResultState.NOT_PASSED if self.attempts else ResultState.NOT_ATTEMPTED


def result_label(state: str) -> str:
    """A result as the page and the files write it."""
    return {
        ResultState.PASSED: _("Passed"),
        ResultState.PENDING: _("Waiting for grading"),
        ResultState.NOT_PASSED: _("Not passed"),
        ResultState.NOT_ATTEMPTED: _("Not attempted"),
    }[state]


def learner_grade(attempts: list, quiz: Quiz) -> LearnerGrade:
    """A learner's standing from their attempts (models or rows with the same fields)."""
    finished = [a.finished_at for a in attempts if a.finished_at is not None]
    grade = scoring.quiz_grade(attempts, quiz.grading_method)
    return LearnerGrade(
        attempts=len(attempts),
        grade=grade,
        passed=scoring.passed(grade, quiz.pass_mark),
        waiting=any(a.state == AttemptState.FINISHED and a.fraction is None for a in attempts),
        last_finished_at=max(finished) if finished else None,
    )


# --- learners and their units ---------------------------------------------------------------------


def learners_query(training_class: TrainingClass, unit: Unit | None = None) -> Select:
    """Enrolled learners of the class in Vietnamese name order, optionally of one unit's subtree."""
    query = (
        select(
            Enrolment.user_id,
            LearnerProfile.full_name,
            LearnerProfile.official_code,
            Unit.name.label("unit_name"),
        )
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .where(
            Enrolment.class_id == training_class.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    return query


def class_units(training_class: TrainingClass) -> list[Unit]:
    """Units of the class's learners and the units above them, in tree order (one query)."""
    seen = (
        select(Unit.path)
        .join(LearnerProfile, LearnerProfile.unit_id == Unit.id)
        .join(Enrolment, Enrolment.user_id == LearnerProfile.user_id)
        .where(
            Enrolment.class_id == training_class.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        .subquery()
    )
    above_a_learner = exists().where(seen.c.path.startswith(Unit.path))
    units = list(db.session.scalars(select(Unit).where(above_a_learner)))
    by_id = {str(unit.id): unit for unit in units}

    def tree_key(unit: Unit):
        # Every ancestor of a learner's unit is in the list, so the chain of names is complete.
        ids = [part for part in unit.path.split("/") if part in by_id]
        return tuple(vi_sort_key(by_id[part].name) for part in ids)

    return sorted(units, key=tree_key)


def unit_options(units: list[Unit]) -> list[tuple[Unit, int]]:
    """(unit, depth below the topmost unit listed) for an indented filter list."""
    top = min((unit.depth for unit in units), default=0)
    return [(unit, unit.depth - top) for unit in units]


def chosen_unit(units: list[Unit], unit_id: int | None) -> Unit | None:
    """The unit a filter names, if it is one of the class's; anything else means all units."""
    return next((unit for unit in units if unit.id == unit_id), None)


def _attempts_by_learner(quiz_ids: list[int], user_id: str | None = None) -> dict:
    """{(quiz_id, user_id): [attempt rows, first to last]} in one query, without questions."""
    query = (
        select(
            Attempt.id,
            Attempt.quiz_id,
            Attempt.user_id,
            Attempt.number,
            Attempt.state,
            Attempt.fraction,
            Attempt.started_at,
            Attempt.finished_at,
        )
        .where(Attempt.quiz_id.in_(quiz_ids))
        .order_by(Attempt.quiz_id, Attempt.user_id, Attempt.number)
    )
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    grouped: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in db.session.execute(query):
        grouped[(row.quiz_id, row.user_id)].append(row)
    return grouped


# --- results of one quiz ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    user_id: str
    full_name: str
    official_code: str
    unit_name: str
    result: LearnerGrade


@dataclass
class Summary:
    enrolled: int = 0
    attempted: int = 0
    passed: int = 0
    #: Learners whose verdict waits for an essay's grade (counted neither passed nor failed).
    pending: int = 0
    #: Mean of the quiz grades learners have (a fraction); None when nobody has one.
    average: float | None = None


@dataclass
class QuizResults:
    rows: list[ResultRow]
    #: Figures for every learner the unit filter keeps, whatever the state filter.
    summary: Summary


def iter_quiz_results(
    quiz: Quiz, training_class: TrainingClass, unit: Unit | None = None
) -> Iterator[ResultRow]:
    """Every enrolled learner's row (name order); learners stream from the database."""
    attempts = _attempts_by_learner([quiz.id])
    query = learners_query(training_class, unit).execution_options(yield_per=YIELD_PER)
    for learner in db.session.execute(query):
        yield ResultRow(
            user_id=learner.user_id,
            full_name=learner.full_name,
            official_code=learner.official_code or "",
            unit_name=learner.unit_name or "",
            result=learner_grade(attempts.get((quiz.id, learner.user_id), []), quiz),
        )


def quiz_results(
    quiz: Quiz,
    training_class: TrainingClass,
    unit: Unit | None = None,
    state: str | None = None,
) -> QuizResults:
    """The results page: rows kept by the filters, and the summary of the unit's learners."""
    attempt_service.settle_quiz(quiz)
    rows = list(iter_quiz_results(quiz, training_class, unit))
    grades = [row.result.grade for row in rows if row.result.grade is not None]
    summary = Summary(
        enrolled=len(rows),
        attempted=sum(1 for row in rows if row.result.attempts),
        passed=sum(1 for row in rows if row.result.passed),
        pending=sum(1 for row in rows if row.result.state == ResultState.PENDING),
        average=fmean(grades) if grades else None,
    )
    if state:
        rows = [row for row in rows if row.result.state == state]
    return QuizResults(rows, summary)


# --- results of a class ---------------------------------------------------------------------------


def class_quizzes(training_class: TrainingClass) -> list[Quiz]:
    return list(
        db.session.scalars(select(Quiz).where(Quiz.class_id == training_class.id).order_by(Quiz.id))
    )


@dataclass(frozen=True)
class GridRow:
    user_id: str
    full_name: str
    official_code: str
    unit_name: str
    #: quiz id → the learner's standing on it.
    grades: dict[int, LearnerGrade]


def iter_class_results(
    training_class: TrainingClass, quizzes: list[Quiz], unit: Unit | None = None
) -> Iterator[GridRow]:
    """One row per enrolled learner with a grade per quiz (three queries in all)."""
    now = utcnow()
    for quiz in quizzes:
        attempt_service.settle_quiz(quiz, now)
    attempts = _attempts_by_learner([quiz.id for quiz in quizzes]) if quizzes else {}
    query = learners_query(training_class, unit).execution_options(yield_per=YIELD_PER)
    for learner in db.session.execute(query):
        yield GridRow(
            user_id=learner.user_id,
            full_name=learner.full_name,
            official_code=learner.official_code or "",
            unit_name=learner.unit_name or "",
            grades={
                quiz.id: learner_grade(attempts.get((quiz.id, learner.user_id), []), quiz)
                for quiz in quizzes
            },
        )


# --- a learner's attempt history ------------------------------------------------------------------


@dataclass
class HistoryAttempt:
    id: int
    number: int
    state: str
    started_at: datetime
    finished_at: datetime | None
    fraction: float | None
    #: Whether the person looking may see the mark (always for managers; review options for
    #: the learner).
    marks_shown: bool = True

    @property
    def duration_seconds(self) -> int | None:
        if self.finished_at is None:
            return None
        return max(0, int((self.finished_at - self.started_at).total_seconds()))

    @property
    def waiting(self) -> bool:
        return self.state == AttemptState.FINISHED and self.fraction is None


@dataclass
class QuizHistory:
    quiz: Quiz
    attempts: list[HistoryAttempt]
    standing: LearnerGrade
    #: Whether the quiz grade may be shown (some attempt's marks are).
    grade_shown: bool = True


@dataclass
class LearnerHistory:
    quizzes: list[QuizHistory] = field(default_factory=list)


def find_enrolment(training_class: TrainingClass, user_id: str) -> Enrolment | None:
    """The learner's enrolment in the class, enrolled or withdrawn (history stays readable)."""
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.class_id == training_class.id, Enrolment.user_id == user_id
        )
    )


def learner_history(
    training_class: TrainingClass, user_id: str, as_learner: bool = False
) -> LearnerHistory:
    """Every attempt of the learner at every quiz of the class, first to last.

    `as_learner` shows a mark only where the quiz's review options show marks at this moment
    (the learner's own page); managers see every mark.
    """
    now = utcnow()
    quizzes = class_quizzes(training_class)
    if not quizzes:
        return LearnerHistory()
    _settle_learner(quizzes, user_id, now)
    attempts = _attempts_by_learner([quiz.id for quiz in quizzes], user_id)
    overrides = _overrides(quizzes, user_id) if as_learner else {}
    history = LearnerHistory()
    for quiz in quizzes:
        rows = attempts.get((quiz.id, user_id), [])
        settings = apply_override(quiz, overrides.get(quiz.id))
        shown = []
        for row in rows:
            item = HistoryAttempt(
                row.id, row.number, row.state, row.started_at, row.finished_at, row.fraction
            )
            if as_learner:
                item.marks_shown = row.state != AttemptState.IN_PROGRESS and (
                    review_options(quiz, scoring.review_moment(row, settings, now)).marks
                )
            shown.append(item)
        history.quizzes.append(
            QuizHistory(
                quiz,
                shown,
                learner_grade(rows, quiz),
                grade_shown=any(item.marks_shown for item in shown),
            )
        )
    return history


def _settle_learner(quizzes: list[Quiz], user_id: str, now: datetime) -> None:
    """Settle the learner's attempts found past their deadline (one query when there are none)."""
    by_id = {quiz.id: quiz for quiz in quizzes}
    overdue = db.session.scalars(
        select(Attempt).where(
            Attempt.quiz_id.in_(by_id),
            Attempt.user_id == user_id,
            Attempt.state == AttemptState.IN_PROGRESS,
            Attempt.deadline_at < now - attempt_service.SUBMIT_SLACK,
        )
    )
    for attempt in list(overdue):
        attempt_service.settle_overdue(attempt, by_id[attempt.quiz_id], now)


def _overrides(quizzes: list[Quiz], user_id: str) -> dict[int, QuizOverride]:
    return {
        override.quiz_id: override
        for override in db.session.scalars(
            select(QuizOverride).where(
                QuizOverride.quiz_id.in_([quiz.id for quiz in quizzes]),
                QuizOverride.user_id == user_id,
            )
        )
    }
