"""Who may manage what in the quiz area, in one place (load, then authorise).

- A class's quizzes (settings, overrides, grading, results) are managed by the class's trainers and
  by organizers of the class's unit (admins everywhere).
- A question bank owned by a unit is edited by trainers of that unit's subtree; shipped banks (no
  owner) by trainers who hold the role on a whole tree, as with shipped courses. Every trainer may
  read every bank (to build a quiz from it).
"""

from flask import abort
from flask_login import current_user

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import can, has_any_role, in_scope_clause
from lms.classes.models import TrainingClass
from lms.courses import progress
from lms.quizzes.models import QuestionBank, Quiz


def may_manage_class(training_class: TrainingClass) -> bool:
    """Whether the user teaches the class or organizes its unit (admins always)."""
    return can(Role.ORGANIZER, training_class.unit) or progress.teaches(
        training_class.id, str(current_user.get_id())
    )


def get_managed_class_or_404(class_id: int) -> TrainingClass:
    """A class whose quizzes the user manages: 404 when missing, 403 when not theirs."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    if not may_manage_class(training_class):
        abort(403)
    return training_class


def get_managed_quiz_or_404(quiz_id: int) -> tuple[Quiz, TrainingClass]:
    """A class's quiz the user manages, with its class."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or quiz.class_id is None:
        abort(404)
    return quiz, get_managed_class_or_404(quiz.class_id)


def may_edit_bank(bank: QuestionBank) -> bool:
    if bank.owner_unit_id is None:
        return can(Role.TRAINER, None)
    return can(Role.TRAINER, db.session.get(Unit, bank.owner_unit_id))


def get_bank_or_404(bank_id: int, edit: bool = False) -> QuestionBank:
    """A bank any trainer may read; with `edit`, one the user may change (403 otherwise)."""
    bank = db.session.get(QuestionBank, bank_id)
    if bank is None:
        abort(404)
    if not has_any_role(Role.TRAINER) or (edit and not may_edit_bank(bank)):
        abort(403)
    return bank


def editable_banks_clause():
    """SQL condition on QuestionBank: banks the user may edit (shipped ones with a whole tree)."""
    return in_scope_clause(QuestionBank.owner_unit_id, Role.TRAINER)
