"""Queries behind the quiz management pages: a class's quizzes with their counts, what a slot may
draw from a bank (`Sources`), the class's learners and a quiz's overrides, each in a fixed number
of queries.
"""

import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from lms import db
from lms.accounts.models import LearnerProfile
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.courses.models import Module
from lms.quizzes.bank.categories import category_by_path
from lms.quizzes.bank.services import find_bank
from lms.quizzes.manage.forms import SlotsForm
from lms.quizzes.models import (
    Attempt,
    AttemptState,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizOverride,
)

#: Longest question text shown in a slot's list of sources (cut at a word boundary).
QUESTION_LABEL_CHARS = 90


# --- the class's quizzes -------------------------------------------------------------------------


@dataclass
class QuizRow:
    quiz: Quiz
    questions: int
    finished: int
    in_progress: int
    overrides: int
    module: Module | None


def quiz_rows(training_class: TrainingClass) -> list[QuizRow]:
    """The class's quizzes with their counts, in four queries whatever their number."""
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.class_id == training_class.id)
        .options(selectinload(Quiz.slots))
        .order_by(Quiz.id)
    ).all()
    ids = [quiz.id for quiz in quizzes]
    states: dict[int, Counter] = defaultdict(Counter)
    overrides: dict[int, int] = {}
    if ids:
        for quiz_id, state, count in db.session.execute(
            select(Attempt.quiz_id, Attempt.state, func.count())
            .where(Attempt.quiz_id.in_(ids))
            .group_by(Attempt.quiz_id, Attempt.state)
        ):
            states[quiz_id][state] = count
        overrides = dict(
            db.session.execute(
                select(QuizOverride.quiz_id, func.count())
                .where(QuizOverride.quiz_id.in_(ids))
                .group_by(QuizOverride.quiz_id)
            ).all()
        )
    modules = {module.id: module for module in course_modules(training_class)}
    return [
        QuizRow(
            quiz=quiz,
            questions=sum(slot.draw_count for slot in quiz.slots),
            finished=states[quiz.id][AttemptState.FINISHED]
            + states[quiz.id][AttemptState.ABANDONED],
            in_progress=states[quiz.id][AttemptState.IN_PROGRESS],
            overrides=overrides.get(quiz.id, 0),
            module=modules.get(quiz.module_id),
        )
        for quiz in quizzes
    ]


def course_modules(training_class: TrainingClass) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module)
            .where(Module.version_id == training_class.course_version_id)
            .order_by(Module.position)
        )
    )


def course_bank(training_class: TrainingClass) -> QuestionBank | None:
    """The bank the class's course names for its final quiz (course.yaml `quiz`), if loaded."""
    slug = training_class.course_version.quiz_slug
    return find_bank(slug) if slug else None


# --- slots: where the questions come from --------------------------------------------------------


class Sources:
    """What a slot may take from a bank: every category (and every parent path, which an import
    does not create) to draw from, and every question to fix.
    """

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        categories = db.session.scalars(
            select(QuestionCategory).where(QuestionCategory.bank_id == bank.id)
        ).all()
        own = dict(
            db.session.execute(
                select(Question.category_id, func.count())
                .where(Question.bank_id == bank.id)
                .group_by(Question.category_id)
            ).all()
        )
        by_path = {category.path: own.get(category.id, 0) for category in categories}
        self.ids = {category.path: category.id for category in categories}
        paths = {
            "/".join(path.split("/")[:n])
            for path in by_path
            for n in range(1, 1 + len(path.split("/")))
        }
        self.paths = sorted(paths)
        self.totals = {
            path: sum(
                n for other, n in by_path.items() if other == path or other.startswith(path + "/")
            )
            for path in self.paths
        }

    def value(self, path: str) -> str:
        return f"c{self.ids[path]}" if path in self.ids else f"p{path}"

    def choices(self) -> list[SelectChoice]:
        group = _("Draw at random from a category")
        result = [
            SelectChoice(
                self.value(path),
                _(
                    "%(indent)s%(name)s (%(n)s questions)",
                    indent="— " * path.count("/"),
                    name=path.rsplit("/", 1)[-1],
                    n=self.totals[path],
                ),
                optgroup=group,
            )
            for path in self.paths
        ]
        fixed = _("One fixed question")
        rows = db.session.execute(
            select(Question.id, QuestionVersion.name, QuestionVersion.stem)
            .join(
                QuestionVersion,
                and_(
                    QuestionVersion.question_id == Question.id,
                    QuestionVersion.number == Question.current_number,
                ),
            )
            .join(QuestionCategory, QuestionCategory.id == Question.category_id)
            .where(Question.bank_id == self.bank.id)
            .order_by(QuestionCategory.path, Question.id)
        )
        result += [
            SelectChoice(f"q{qid}", _question_label(name, stem), optgroup=fixed)
            for qid, name, stem in rows
        ]
        return result

    def resolve(self, form: SlotsForm) -> None:
        """Turn a parent path picked in a row into a category (made now, as `make_quiz` does)."""
        for row in form.slots:
            source = row.form.source.data or ""
            if source.startswith("p") and source[1:] in self.totals:
                category = category_by_path(self.bank, source[1:])
                row.form.source.data = f"c{category.id}"


def _question_label(name: str, stem: str) -> str:
    text = " ".join(f"{name}: {stem}".split()) if name else " ".join(stem.split())
    return textwrap.shorten(text, QUESTION_LABEL_CHARS, placeholder=" …")


# --- overrides -----------------------------------------------------------------------------------


def class_learners(training_class: TrainingClass) -> list[tuple[str, str]]:
    """(user id, name with official code) of the class's enrolled learners, in Vietnamese order."""
    rows = db.session.execute(
        select(LearnerProfile.user_id, LearnerProfile.full_name, LearnerProfile.official_code)
        .join(Enrolment, Enrolment.user_id == LearnerProfile.user_id)
        .where(
            Enrolment.class_id == training_class.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )
    return [(user_id, f"{name} ({code})" if code else name) for user_id, name, code in rows]


def override_rows(quiz: Quiz) -> list[tuple[QuizOverride, str]]:
    rows = db.session.execute(
        select(QuizOverride, LearnerProfile.full_name)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == QuizOverride.user_id)
        .where(QuizOverride.quiz_id == quiz.id)
        .order_by(LearnerProfile.sort_name, QuizOverride.user_id)
    )
    return [(override, name or override.user_id) for override, name in rows]
