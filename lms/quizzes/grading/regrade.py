"""Regrading a quiz's finished attempts, as a dry run or for real.

After a trainer fixes a question (a new `QuestionVersion`), each attempt question on an older
version moves to the current one when it is compatible (same type, same number of choices,
items and pairs: saved responses and the display order index into those lists) and is graded
again by its type; incompatible ones are listed and left alone. "Regrade everything" grades every
question again on the version it has (Moodle's "Regrade all"). Answers graded by a person keep
their grade. Applying audits each changed question and updates the attempts' grades through
`scoring` (which completes modules); a second run finds nothing to change.
"""

import random
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from lms import db, signals
from lms.accounts.models import LearnerProfile
from lms.audit.services import record
from lms.classes.enrolment import lock_learners
from lms.quizzes.bank.services import as_data
from lms.quizzes.grading import scoring
from lms.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
)
from lms.quizzes.types import get_question_type
from lms.text import name_sort_key

#: Regrade onto the current versions of fixed questions, or everything on the versions it has.
VERSIONS = "versions"
EVERYTHING = "everything"


@dataclass
class QuestionChange:
    """One attempt question whose version, grade or feedback a regrade changes."""

    question: AttemptQuestion
    old_version: QuestionVersion
    new_version: QuestionVersion
    old_fraction: float | None
    new_fraction: float | None
    new_feedback: list[str]

    @property
    def moves(self) -> bool:
        return self.new_version.id != self.old_version.id


@dataclass
class Incompatible:
    """An attempt question left on its old version: the fix changed what its response means."""

    question: AttemptQuestion
    current: QuestionVersion


@dataclass
class AttemptRegrade:
    attempt: Attempt
    learner_name: str
    old_fraction: float | None
    new_fraction: float | None
    changes: list[QuestionChange] = field(default_factory=list)
    incompatible: list[Incompatible] = field(default_factory=list)

    @property
    def grade_changes(self) -> bool:
        return self.old_fraction != self.new_fraction


@dataclass
class RegradePlan:
    quiz: Quiz
    mode: str
    #: Attempts with something to change or to report, by learner name then attempt number.
    attempts: list[AttemptRegrade]
    #: Finished attempts looked at.
    checked: int

    @property
    def changes(self) -> list[QuestionChange]:
        return [change for item in self.attempts for change in item.changes]

    @property
    def incompatible(self) -> list[Incompatible]:
        return [entry for item in self.attempts for entry in item.incompatible]


class _Scored(NamedTuple):
    """The two fields `scoring.attempt_fraction` reads, for grades not yet written."""

    fraction: float | None
    max_mark: float


def shape(version: QuestionVersion) -> tuple:
    """What a saved response points into: the type, and the size of each list it indexes."""
    data = version.data or {}
    kind, question = get_question_type(version.qtype), as_data(version, "")
    # The display order a type shuffles covers the lists its responses index (choices, options).
    shown = kind.shuffle(question, random.Random(0))
    sizes = (len(data.get(key) or []) for key in ("choices", "items", "pairs"))
    # A response of parts (one per gap of a fill-the-gaps text) needs as many parts as before.
    blank = kind.response_from_form(question, {})
    parts = len(blank) if isinstance(blank, list) else 0
    return (version.qtype, len(shown), parts, *sizes)


def compatible(old: QuestionVersion, new: QuestionVersion) -> bool:
    return shape(old) == shape(new)


def _finished_attempts(quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.FINISHED)
            .options(selectinload(Attempt.questions).joinedload(AttemptQuestion.question_version))
            .order_by(Attempt.id)
        )
    )


def _current_versions(question_ids: set[int]) -> dict[int, QuestionVersion]:
    """Each question's current version, by question id (one query)."""
    if not question_ids:
        return {}
    versions = db.session.scalars(
        select(QuestionVersion)
        .join(
            Question,
            and_(
                Question.id == QuestionVersion.question_id,
                Question.current_number == QuestionVersion.number,
            ),
        )
        .where(Question.id.in_(question_ids))
    )
    return {version.question_id: version for version in versions}


def _learner_names(user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            select(LearnerProfile.user_id, LearnerProfile.full_name).where(
                LearnerProfile.user_id.in_(user_ids)
            )
        ).all()
    )


def _regraded(question: AttemptQuestion, version: QuestionVersion) -> tuple[float | None, list]:
    """The fraction and feedback `question` earns on `version`; a person's grade stays."""
    grade = get_question_type(version.qtype).grade(as_data(version, ""), question.response)
    if grade.needs_manual_grading and question.graded_at is not None:
        return question.fraction, list(question.feedback or [])
    return grade.fraction, list(grade.feedback)


def plan_regrade(quiz: Quiz, mode: str = VERSIONS) -> RegradePlan:
    """What a regrade would change, without changing anything (a fixed number of queries)."""
    attempts = _finished_attempts(quiz)
    currents = (
        _current_versions({q.question_version.question_id for a in attempts for q in a.questions})
        if mode == VERSIONS
        else {}
    )
    names = _learner_names({attempt.user_id for attempt in attempts})
    items = []
    for attempt in attempts:
        item = AttemptRegrade(
            attempt, names.get(attempt.user_id, attempt.user_id), attempt.fraction, None
        )
        scored = []
        for question in attempt.questions:
            old = question.question_version
            target = old
            if mode == VERSIONS:
                current = currents.get(old.question_id, old)
                if current.id != old.id and compatible(old, current):
                    target = current
                elif current.id != old.id:
                    item.incompatible.append(Incompatible(question, current))
            fraction, feedback = (
                _regraded(question, target)
                if mode == EVERYTHING or target is not old
                else (question.fraction, question.feedback)
            )
            scored.append(_Scored(fraction, question.max_mark))
            if target is not old or fraction != question.fraction or feedback != question.feedback:
                item.changes.append(
                    QuestionChange(question, old, target, question.fraction, fraction, feedback)
                )
        item.new_fraction = scoring.attempt_fraction(scored)
        if item.changes or item.incompatible:
            items.append(item)
    items.sort(key=lambda item: (name_sort_key(item.learner_name), item.attempt.number))
    return RegradePlan(quiz, mode, items, len(attempts))


def apply_regrade(quiz: Quiz, mode: str = VERSIONS) -> RegradePlan:
    """Regrade for real: audit every changed question, then update each changed attempt's grade."""
    plan = plan_regrade(quiz, mode)
    # A passing grade completes the learner's module, a write to their enrolment: taken first
    # and in learner order, not in the plan's (by name), where they could cross a whole
    # class's re-evaluation of completion, which locks them in learner order.
    learners = sorted({item.attempt.user_id for item in plan.attempts if item.changes})
    if learners:
        lock_learners(quiz.class_id, learners)
    for item in plan.attempts:
        for change in item.changes:
            question = change.question
            question.question_version = change.new_version
            question.fraction = change.new_fraction
            question.feedback = change.new_feedback
            record(
                "attempt.regrade",
                "attempt_question",
                question.id,
                before={"version": change.old_version.number, "fraction": change.old_fraction},
                after={
                    "version": change.new_version.number,
                    "fraction": change.new_fraction,
                    "attempt_id": item.attempt.id,
                    "mode": mode,
                },
            )
        if item.changes:
            scoring.update_attempt_grade(item.attempt, quiz, "regrade")
    db.session.flush()
    if learners:
        signals.quiz_graded.send(
            current_app._get_current_object(),
            class_id=quiz.class_id,
            quiz_id=quiz.id,
            user_ids=learners,
        )
    return plan
