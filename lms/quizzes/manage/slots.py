"""The slots of a quiz: where its questions come from in its bank (a fixed question, or N drawn
at random from a category), checking that a bank can fill them, and replacing them.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import db
from lms.accounts.services import ServiceError
from lms.quizzes.models import Question, QuestionBank, QuestionCategory, Quiz, QuizSlot


@dataclass(frozen=True)
class SlotSpec:
    """One place of a quiz: a fixed question, or `count` questions drawn from a category.

    `mark` is what each question of the slot is worth.
    """

    question_id: int | None = None
    category_id: int | None = None
    count: int = 1
    include_subcategories: bool = True
    mark: float = 1.0


def category_ids(bank_id: int, category: QuestionCategory, include_subcategories: bool) -> set[int]:
    """The category, and with `include_subcategories` every category below it (one query)."""
    if not include_subcategories:
        return {category.id}
    rows = db.session.scalars(
        select(QuestionCategory.id).where(
            QuestionCategory.bank_id == bank_id,
            (QuestionCategory.path == category.path)
            | QuestionCategory.path.startswith(category.path + "/", autoescape=True),
        )
    )
    return set(rows)


def questions_in(bank_id: int, ids: set[int]) -> int:
    return db.session.scalar(
        select(func.count(Question.id)).where(
            Question.bank_id == bank_id, Question.category_id.in_(ids)
        )
    )


#: Upper ends a slot's numbers may take: more questions than any attempt page holds, and a mark
#: far above any quiz's (a float typed as 1e400 is infinity).
MAX_DRAW = 500
MAX_MARK = 1000


def check_slot(bank: QuestionBank, spec: SlotSpec) -> None:
    """Raise ServiceError (translated) when the slot cannot be filled from `bank`."""
    if (spec.question_id is None) == (spec.category_id is None):
        raise ServiceError(_("A quiz slot holds either one question or a category to draw from."))
    if not 0 <= spec.mark <= MAX_MARK:
        raise ServiceError(_("A question's mark must be from 0 to %(max)s.", max=MAX_MARK))
    if spec.count > MAX_DRAW:
        raise ServiceError(_("A slot draws at most %(max)s questions.", max=MAX_DRAW))
    if spec.question_id is not None:
        question = db.session.get(Question, spec.question_id)
        if question is None or question.bank_id != bank.id:
            raise ServiceError(_("The question is not in this quiz's bank."))
        return
    category = db.session.get(QuestionCategory, spec.category_id)
    if category is None or category.bank_id != bank.id:
        raise ServiceError(_("The category is not in this quiz's bank."))
    if spec.count < 1:
        raise ServiceError(_("Draw at least one question from a category."))
    available = questions_in(bank.id, category_ids(bank.id, category, spec.include_subcategories))
    if available < spec.count:
        raise ServiceError(
            _(
                "The category %(path)s has %(n)d questions; the quiz asks for %(count)d.",
                path=category.path,
                n=available,
                count=spec.count,
            )
        )


def slot_problems(bank: QuestionBank, specs: list[SlotSpec]) -> dict[int, str]:
    """What is wrong with each slot, by its index in `specs` (empty when all can be filled)."""
    problems = {}
    for index, spec in enumerate(specs):
        try:
            check_slot(bank, spec)
        except ServiceError as error:
            problems[index] = str(error)
    return problems


def set_slots(quiz: Quiz, bank: QuestionBank, specs: list[SlotSpec]) -> None:
    """Replace the quiz's slots; attempts already started keep the questions they drew."""
    if not specs:
        raise ServiceError(_("A quiz needs at least one question."))
    for spec in specs:
        check_slot(bank, spec)
    quiz.slots.clear()
    db.session.flush()
    quiz.slots.extend(
        QuizSlot(
            position=position,
            question_id=spec.question_id,
            category_id=spec.category_id,
            draw_count=spec.count if spec.category_id is not None else 1,
            include_subcategories=spec.include_subcategories,
            mark=spec.mark,
        )
        for position, spec in enumerate(specs, start=1)
    )
    db.session.flush()


def leaf_categories(bank: QuestionBank) -> list[QuestionCategory]:
    """The bank's categories that hold questions, in path order (one module each, by custom)."""
    return list(
        db.session.scalars(
            select(QuestionCategory)
            .where(
                QuestionCategory.bank_id == bank.id,
                QuestionCategory.id.in_(select(Question.category_id).distinct()),
            )
            .order_by(QuestionCategory.path)
        )
    )
