"""Quiz settings: creating a class's quiz from a bank, changing its slots or deleting it while
nobody has attempted it, checking settings, per-learner overrides, the dates, time and attempts in
force for one learner, and what a learner may see when reviewing an attempt. What a slot may hold
is `lms.quizzes.manage.slots`; its names stay importable from here.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import TrainingClass
from lms.courses.models import Module
from lms.quizzes.bank.categories import category_by_path as category_by_path

# The slot names stay reachable as `settings.X` for the views, tests and demo that use them.
from lms.quizzes.manage.slots import SlotSpec, leaf_categories, set_slots
from lms.quizzes.manage.slots import category_ids as category_ids
from lms.quizzes.manage.slots import check_slot as check_slot
from lms.quizzes.manage.slots import questions_in as questions_in
from lms.quizzes.manage.slots import slot_problems as slot_problems
from lms.quizzes.models import (
    Attempt,
    GradingMethod,
    OverdueRule,
    QuestionBank,
    Quiz,
    QuizOverride,
    QuizSlot,
)

#: Moments a learner may review an attempt (Moodle's): right after it, later while the quiz is
#: open, after the quiz has closed.
REVIEW_MOMENTS = ("after", "open", "closed")
REVIEW_ITEMS = ("answers", "marks", "right_answers", "feedback")
NAVIGATIONS = ("free", "sequential")

#: Settings a trainer may set on a quiz (everything else is the quiz's identity or its slots).
SETTING_NAMES = (
    "open_at",
    "close_at",
    "time_limit_minutes",
    "overdue_rule",
    "grace_minutes",
    "attempts_allowed",
    "grading_method",
    "pass_mark",
    "shuffle_questions",
    "shuffle_choices",
    "questions_per_page",
    "navigation",
    "review",
)


@dataclass(frozen=True)
class ReviewOptions:
    """What a learner sees when reviewing a finished attempt at one moment."""

    answers: bool = True
    marks: bool = True
    right_answers: bool = True
    feedback: bool = True

    @property
    def anything(self) -> bool:
        return any(getattr(self, item) for item in REVIEW_ITEMS)

    @classmethod
    def everything(cls) -> "ReviewOptions":
        return cls()


def review_options(quiz: Quiz, moment: str) -> ReviewOptions:
    """The quiz's review options at `moment`; anything it leaves unsaid is shown (as in Moodle)."""
    chosen = (quiz.review or {}).get(moment) or {}
    return ReviewOptions(**{item: bool(chosen.get(item, True)) for item in REVIEW_ITEMS})


@dataclass(frozen=True)
class EffectiveSettings:
    """Dates, time limit and attempts for one learner: the quiz's, with their override applied."""

    open_at: datetime | None
    close_at: datetime | None
    time_limit_minutes: int | None
    #: 0 means unlimited.
    attempts_allowed: int
    overridden: bool = False


def apply_override(quiz: Quiz, override: QuizOverride | None) -> EffectiveSettings:
    """Merge an override into the quiz's settings: what the override leaves empty stays as is."""
    base = EffectiveSettings(
        quiz.open_at, quiz.close_at, quiz.time_limit_minutes, quiz.attempts_allowed
    )
    if override is None:
        return base
    values = {
        field.name: getattr(override, field.name)
        if getattr(override, field.name) is not None
        else getattr(base, field.name)
        for field in fields(EffectiveSettings)
        if field.name != "overridden"
    }
    return EffectiveSettings(**values, overridden=True)


def find_override(quiz_id: int, user_id: str) -> QuizOverride | None:
    return db.session.scalar(
        select(QuizOverride).where(QuizOverride.quiz_id == quiz_id, QuizOverride.user_id == user_id)
    )


def effective_settings(quiz: Quiz, user_id: str) -> EffectiveSettings:
    """The settings in force for one learner (one query)."""
    return apply_override(quiz, find_override(quiz.id, user_id))


# --- checking ------------------------------------------------------------------------------------


def _check_review(review: Any) -> None:
    if not isinstance(review, dict) or not set(review) <= set(REVIEW_MOMENTS):
        raise ServiceError(_("The review options are not valid."))
    for options in review.values():
        if not isinstance(options, dict) or not set(options) <= set(REVIEW_ITEMS):
            raise ServiceError(_("The review options are not valid."))


#: Upper ends of the numbers a trainer types: a day for a time limit or grace period (a limit
#: of 10¹² minutes made every start fail), a hundred attempts, two hundred questions a page.
MAX_MINUTES = 24 * 60
MAX_ATTEMPTS = 100
MAX_PER_PAGE = 200


def check_settings(values: dict[str, Any]) -> None:
    """Raise ServiceError (translated) for the first setting a trainer got wrong."""
    unknown = set(values) - set(SETTING_NAMES)
    if unknown:
        raise ServiceError(_("Unknown quiz setting: %(name)s.", name=", ".join(sorted(unknown))))
    open_at, close_at = values.get("open_at"), values.get("close_at")
    if open_at and close_at and close_at <= open_at:
        raise ServiceError(_("The quiz must close after it opens."))
    limit = values.get("time_limit_minutes")
    if limit is not None and not 0 < limit <= MAX_MINUTES:
        raise ServiceError(_("The time limit must be from 1 to %(max)s minutes.", max=MAX_MINUTES))
    if "overdue_rule" in values and values["overdue_rule"] not in set(OverdueRule):
        raise ServiceError(_("Unknown rule for overdue attempts."))
    if not 0 <= values.get("grace_minutes", 0) <= MAX_MINUTES:
        raise ServiceError(
            _("The grace period must be from 0 to %(max)s minutes.", max=MAX_MINUTES)
        )
    if not 0 <= values.get("attempts_allowed", 0) <= MAX_ATTEMPTS:
        raise ServiceError(_("The number of attempts must be from 0 to %(max)s.", max=MAX_ATTEMPTS))
    if "grading_method" in values and values["grading_method"] not in set(GradingMethod):
        raise ServiceError(_("Unknown grading method."))
    if not 0 <= values.get("pass_mark", 0) <= 100:
        raise ServiceError(_("The pass mark must be between 0 and 100 percent."))
    if not 0 <= values.get("questions_per_page", 0) <= MAX_PER_PAGE:
        raise ServiceError(
            _("The number of questions per page must be from 0 to %(max)s.", max=MAX_PER_PAGE)
        )
    if "navigation" in values and values["navigation"] not in NAVIGATIONS:
        raise ServiceError(_("Unknown navigation method."))
    if "review" in values:
        _check_review(values["review"])


# --- slots ---------------------------------------------------------------------------------------


class QuizInUse(ServiceError):
    """A change only a quiz nobody has attempted may take (answered with 409 Conflict)."""


def has_attempts(quiz: Quiz) -> bool:
    return (
        db.session.scalar(select(Attempt.id).where(Attempt.quiz_id == quiz.id).limit(1)) is not None
    )


def _refuse_once_attempted(quiz: Quiz, message: str) -> None:
    # Attempts hold the questions they drew and grades follow from them: the quiz is fixed now.
    if has_attempts(quiz):
        raise QuizInUse(message)


def change_slots(quiz: Quiz, bank: QuestionBank, specs: list[SlotSpec]) -> None:
    """Replace the slots of a quiz nobody has attempted yet (audited)."""
    _refuse_once_attempted(
        quiz, _("Learners have attempted this quiz: its questions can no longer change.")
    )
    before = [_slot_record(slot) for slot in quiz.slots]
    set_slots(quiz, bank, specs)
    after = [_slot_record(slot) for slot in quiz.slots]
    record("quiz.slots", "quiz", quiz.id, before={"slots": before}, after={"slots": after})


def _slot_record(slot: QuizSlot) -> dict[str, Any]:
    return {
        "question_id": slot.question_id,
        "category_id": slot.category_id,
        "count": slot.draw_count,
        "include_subcategories": slot.include_subcategories,
        "mark": slot.mark,
    }


# --- quizzes -------------------------------------------------------------------------------------


def create_quiz(
    training_class: TrainingClass,
    bank: QuestionBank,
    title: str,
    slots: list[SlotSpec],
    module: Module | None = None,
    **settings: Any,
) -> Quiz:
    """A quiz of a class, drawing from `bank`; `module` makes it the quiz that completes it."""
    title = title.strip()
    if not title:
        raise ServiceError(_("The quiz needs a title."))
    if module is not None and module.version_id != training_class.course_version_id:
        raise ServiceError(_("The module is not part of this class's course."))
    check_settings(settings)
    quiz = Quiz(
        title=title,
        bank_id=bank.id,
        class_id=training_class.id,
        module_id=module.id if module is not None else None,
        **settings,
    )
    db.session.add(quiz)
    db.session.flush()
    set_slots(quiz, bank, slots)
    record("quiz.create", "quiz", quiz.id, after={"title": title, "class_id": training_class.id})
    return quiz


def update_settings(quiz: Quiz, **settings: Any) -> Quiz:
    """Change settings; each change is audited since dates and attempts decide grades.

    Values equal to the quiz's are left out, so a whole settings form saved records only what
    the trainer changed (and nothing at all when nothing changed).
    """
    check_settings(settings)
    merged = {name: getattr(quiz, name) for name in ("open_at", "close_at")} | settings
    check_settings({name: merged[name] for name in ("open_at", "close_at")})
    settings = {name: value for name, value in settings.items() if getattr(quiz, name) != value}
    if not settings:
        return quiz
    before = {name: _plain(getattr(quiz, name)) for name in settings}
    for name, value in settings.items():
        setattr(quiz, name, value)
    db.session.flush()
    record(
        "quiz.settings",
        "quiz",
        quiz.id,
        before=before,
        after={name: _plain(value) for name, value in settings.items()},
    )
    return quiz


def delete_quiz(quiz: Quiz) -> None:
    """Delete a quiz nobody has attempted, with its slots and overrides (audited)."""
    _refuse_once_attempted(
        quiz, _("Learners have attempted this quiz: it can no longer be deleted.")
    )
    for override in db.session.scalars(select(QuizOverride).where(QuizOverride.quiz_id == quiz.id)):
        db.session.delete(override)
    record("quiz.delete", "quiz", quiz.id, before={"title": quiz.title, "class_id": quiz.class_id})
    db.session.delete(quiz)
    db.session.flush()


def final_quiz(
    training_class: TrainingClass,
    bank: QuestionBank,
    per_category: int = 2,
    title: str | None = None,
    **settings: Any,
) -> Quiz:
    """A course's final quiz: `per_category` questions drawn from each category of its bank."""
    slots = [
        SlotSpec(category_id=category.id, count=per_category, include_subcategories=False)
        for category in leaf_categories(bank)
    ]
    return create_quiz(training_class, bank, title or bank.title, slots, **settings)


# --- overrides -----------------------------------------------------------------------------------


def set_override(
    quiz: Quiz,
    user_id: str,
    *,
    open_at: datetime | None = None,
    close_at: datetime | None = None,
    time_limit_minutes: int | None = None,
    attempts_allowed: int | None = None,
) -> QuizOverride:
    """Give one learner other dates, more time or more attempts (empty values keep the quiz's)."""
    values = {
        "open_at": open_at,
        "close_at": close_at,
        "time_limit_minutes": time_limit_minutes,
        "attempts_allowed": attempts_allowed,
    }
    given = {name: value for name, value in values.items() if value is not None}
    if not given:
        raise ServiceError(_("The override changes nothing."))
    check_settings(given)
    effective = {"open_at": open_at or quiz.open_at, "close_at": close_at or quiz.close_at}
    check_settings(effective)
    override = find_override(quiz.id, user_id)
    before = None
    if override is None:
        override = QuizOverride(quiz_id=quiz.id, user_id=user_id)
        db.session.add(override)
    else:
        before = {name: _plain(getattr(override, name)) for name in values}
    for name, value in values.items():
        setattr(override, name, value)
    db.session.flush()
    after = {"user_id": user_id, **{name: _plain(value) for name, value in values.items()}}
    record("quiz.override", "quiz", quiz.id, before=before, after=after)
    return override


def remove_override(quiz: Quiz, user_id: str) -> bool:
    override = find_override(quiz.id, user_id)
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    record("quiz.override.remove", "quiz", quiz.id, before={"user_id": user_id})
    return True


def _plain(value: Any) -> Any:
    """A value as an audit event stores it (JSON)."""
    return value.isoformat() if isinstance(value, datetime) else value
