"""The types of completion rule an organizer combines per class (`RULE_TYPES`): required modules
completed, a named quiz passed at its pass mark, attendance of at least X percent, a trainer's
sign-off.

Each type evaluates a batch of learners at once (a fixed number of queries however many), and
explains an outcome in words. A new type is a class here and a line in the registry.
"""

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms import db
from lms.certificates.models import CompletionRule, SignOff
from lms.classes.models import Enrolment, ModuleCompletion, TrainingClass
from lms.courses.models import Module
from lms.i18n import format_number
from lms.quizzes.grading.scoring import passed, quiz_grade
from lms.quizzes.models import Attempt, Quiz


@dataclass(frozen=True)
class Outcome:
    """Whether one learner meets one rule, and the figures behind it (plain JSON data)."""

    met: bool
    detail: dict = field(default_factory=dict)


class RuleType(ABC):
    """A kind of completion rule (each kind implements the three methods)."""

    kind: str = ""
    label = _l("Rule")
    #: A class may hold this kind once (quiz rules name a quiz each, so there may be several).
    single: bool = True

    @abstractmethod
    def describe(self, rule: CompletionRule, quizzes: dict[int, Quiz]) -> str:
        """The rule in words, as the organizer and the learner read it."""

    @abstractmethod
    def evaluate(
        self, training_class: TrainingClass, rule: CompletionRule, user_ids: list[str]
    ) -> dict[str, Outcome]:
        """Each learner's outcome (every id in `user_ids` gets one). `training_class` may be a
        `completion.ClassKey`: read only its `id` and `course_version_id`."""

    @abstractmethod
    def explain(self, detail: dict) -> str:
        """An outcome's figures in words ("3 of 4 modules")."""


class ModulesRule(RuleType):
    """Every required module of the class's course version completed."""

    kind = "modules"
    label = _l("Required modules completed")

    def describe(self, rule, quizzes) -> str:
        return _("Complete every required module of the course")

    def evaluate(self, training_class, rule, user_ids):
        required = {
            module_id
            for module_id in db.session.scalars(
                select(Module.id).where(
                    Module.version_id == training_class.course_version_id,
                    Module.required.is_(True),
                )
            )
        }
        done: dict[str, int] = defaultdict(int)
        rows = db.session.execute(
            select(Enrolment.user_id, func.count(ModuleCompletion.id))
            .join(ModuleCompletion, ModuleCompletion.enrolment_id == Enrolment.id)
            .where(
                Enrolment.class_id == training_class.id,
                Enrolment.user_id.in_(user_ids),
                ModuleCompletion.module_id.in_(required),
            )
            .group_by(Enrolment.user_id)
        )
        for user_id, count in rows:
            done[user_id] = count
        return {
            user_id: Outcome(
                done[user_id] >= len(required), {"done": done[user_id], "total": len(required)}
            )
            for user_id in user_ids
        }

    def explain(self, detail: dict) -> str:
        return _("%(done)s of %(total)s modules", done=detail["done"], total=detail["total"])


class QuizRule(RuleType):
    """A named quiz of the class passed at its pass mark, by its grading method."""

    kind = "quiz"
    label = _l("Quiz passed")
    single = False

    def describe(self, rule, quizzes) -> str:
        quiz = quizzes.get(rule.quiz_id)
        if quiz is None:
            return _("Pass a quiz that no longer exists")
        return _("Pass the quiz “%(t)s” (pass mark %(m)s%%)", t=quiz.title, m=quiz.pass_mark)

    def evaluate(self, training_class, rule, user_ids):
        quiz = db.session.get(Quiz, rule.quiz_id) if rule.quiz_id else None
        if quiz is None or quiz.class_id != training_class.id:
            return {user_id: Outcome(False, {"grade": None}) for user_id in user_ids}
        attempts: dict[str, list] = defaultdict(list)
        rows = db.session.execute(
            select(Attempt.user_id, Attempt.number, Attempt.state, Attempt.fraction)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id.in_(user_ids))
            .order_by(Attempt.user_id, Attempt.number)
        )
        for row in rows:
            attempts[row.user_id].append(row)
        outcomes = {}
        for user_id in user_ids:
            grade = quiz_grade(attempts[user_id], quiz.grading_method)
            outcomes[user_id] = Outcome(
                passed(grade, quiz.pass_mark),
                {"grade": None if grade is None else round(grade * 100, 2), "quiz": quiz.title},
            )
        return outcomes

    def explain(self, detail: dict) -> str:
        if detail.get("grade") is None:
            return _("no grade yet")
        return _("grade %(g)s%%", g=format_number(detail["grade"], 1))


def real_attendance_rates(class_id: int) -> dict:
    """The attendance area's rates of a class: user id → rate with a `percent` (None before any
    session was held)."""
    from lms.attendance.services import attendance_rates

    return attendance_rates(class_id)


class AttendanceRule(RuleType):
    """Attendance of at least `min_percent` of the class's sessions."""

    kind = "attendance"
    label = _l("Attendance")

    def __init__(self, rates: Callable[[int], dict] = real_attendance_rates) -> None:
        self.rates = rates

    def describe(self, rule, quizzes) -> str:
        return _("Attend at least %(p)s%% of the sessions", p=rule.min_percent or 0)

    def evaluate(self, training_class, rule, user_ids):
        rates = self.rates(training_class.id)
        outcomes = {}
        for user_id in user_ids:
            rate = rates.get(user_id)
            percent = None if rate is None else rate.percent
            met = percent is not None and percent >= (rule.min_percent or 0) - 1e-9
            outcomes[user_id] = Outcome(met, {"percent": percent, "min": rule.min_percent})
        return outcomes

    def explain(self, detail: dict) -> str:
        if detail.get("percent") is None:
            return _("no session held yet")
        return _("%(p)s%% attended", p=format_number(detail["percent"], 1))


class SignOffRule(RuleType):
    """A trainer of the class (or an organizer) confirmed the learner completed it."""

    kind = "signoff"
    label = _l("Trainer's sign-off")

    def describe(self, rule, quizzes) -> str:
        return _("Signed off by a trainer of the class")

    def evaluate(self, training_class, rule, user_ids):
        signed = set(
            db.session.scalars(
                select(SignOff.user_id).where(
                    SignOff.class_id == training_class.id, SignOff.user_id.in_(user_ids)
                )
            )
        )
        return {user_id: Outcome(user_id in signed, {}) for user_id in user_ids}

    def explain(self, detail: dict) -> str:
        return ""


#: Every kind of completion rule, by the `kind` stored on `CompletionRule`.
RULE_TYPES: dict[str, RuleType] = {
    rule_type.kind: rule_type
    for rule_type in (ModulesRule(), QuizRule(), AttendanceRule(), SignOffRule())
}


def rule_type(kind: str) -> RuleType:
    return RULE_TYPES[kind]
