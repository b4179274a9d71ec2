"""Question banks as trainers change them in the browser: a new bank, the list of banks and of a
bank's questions, writing a question, editing it (a new version) and deleting one nobody used.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.quizzes.bank.categories import category_by_path
from lms.quizzes.bank.services import (
    add_version,
    content_hash,
    current_version_join,
    find_bank,
    question_key,
)
from lms.quizzes.models import AttemptQuestion, Question, QuestionBank, QuestionVersion, QuizSlot
from lms.quizzes.types import Question as QuestionData


def create_bank(slug: str, title: str, owner: Unit) -> QuestionBank:
    """A new, empty bank maintained by the trainers of `owner`."""
    require_free_slug(slug)
    bank = add_bank(slug, title, owner)
    record("bank.create", "question_bank", bank.id, after={"slug": slug, "unit_id": owner.id})
    return bank


def add_bank(slug: str, title: str, owner: Unit) -> QuestionBank:
    """Write a new bank row under `slug`, already checked free by `require_free_slug`; a bank
    made under the same name in between loses to the unique constraint in a savepoint and is
    told so, not shown a 500."""
    bank = QuestionBank(slug=slug, title=title.strip(), owner_unit_id=owner.id)
    try:
        with db.session.begin_nested():
            db.session.add(bank)
    except IntegrityError:
        raise ServiceError(
            _("A question bank with the short name %(s)s already exists.", s=slug)
        ) from None
    return bank


def require_free_slug(slug: str) -> None:
    """Imports and exports name a bank by its short name, so no two banks share one."""
    if find_bank(slug) is not None:
        raise ServiceError(_("A question bank with the short name %(s)s already exists.", s=slug))


@dataclass
class BankOverview:
    """A bank as the list of banks shows it."""

    bank: QuestionBank
    owner: Unit | None
    questions: int = 0
    by_type: Counter = field(default_factory=Counter)


def bank_overviews() -> list[BankOverview]:
    """Every bank with its owner and question counts per type (three queries in all)."""
    banks = list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)))
    owner_ids = {b.owner_unit_id for b in banks if b.owner_unit_id is not None}
    owners = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(owner_ids)))}
    result = {
        b.id: BankOverview(b, owners.get(b.owner_unit_id) if b.owner_unit_id else None)
        for b in banks
    }
    counts = db.session.execute(
        select(Question.bank_id, QuestionVersion.qtype, func.count(Question.id))
        .join(QuestionVersion, current_version_join())
        .group_by(Question.bank_id, QuestionVersion.qtype)
    )
    for bank_id, qtype, count in counts:
        result[bank_id].by_type[qtype] = count
        result[bank_id].questions += count
    return list(result.values())


@dataclass
class QuestionRow:
    """A question as a bank's list shows it: its current version and how many attempts used it."""

    question: Question
    version: QuestionVersion
    attempts: int


def _attempt_counts():
    return (
        select(
            QuestionVersion.question_id,
            func.count(func.distinct(AttemptQuestion.attempt_id)).label("attempts"),
        )
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .group_by(QuestionVersion.question_id)
        .subquery()
    )


def question_rows(
    bank: QuestionBank,
    category_ids: list[int],
    qtype: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[QuestionRow], int]:
    """One page of the questions in these categories (optionally of one type), and how many
    there are in all; two queries whatever the page size.
    """
    where = [Question.bank_id == bank.id, Question.category_id.in_(category_ids)]
    if qtype:
        where.append(QuestionVersion.qtype == qtype)
    total = db.session.scalar(
        select(func.count(Question.id)).join(QuestionVersion, current_version_join()).where(*where)
    )
    used = _attempt_counts()
    rows = db.session.execute(
        select(Question, QuestionVersion, func.coalesce(used.c.attempts, 0))
        .join(QuestionVersion, current_version_join())
        .outerjoin(used, used.c.question_id == Question.id)
        .where(*where)
        .order_by(Question.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [QuestionRow(q, v, n) for q, v, n in rows], total


def get_question(bank: QuestionBank, question_id: int) -> Question | None:
    question = db.session.get(Question, question_id)
    return question if question is not None and question.bank_id == bank.id else None


def current_version(question: Question) -> QuestionVersion:
    return next(v for v in question.versions if v.number == question.current_number)


def _check_key(bank: QuestionBank, key: str, question: Question | None) -> None:
    """Imports find a question again by its title, so two questions of a bank cannot share one."""
    clash = select(Question.id).where(Question.bank_id == bank.id, Question.key == key)
    if question is not None:
        clash = clash.where(Question.id != question.id)
    if db.session.scalar(clash.limit(1)) is not None:
        raise ServiceError(_("Another question of this bank already has this title."))


def create_question(bank: QuestionBank, category_path: str, data: QuestionData) -> Question:
    """A new question (version 1) in the category at `category_path`."""
    key = question_key(data)
    _check_key(bank, key, None)
    category = category_by_path(bank, category_path)
    question = Question(bank_id=bank.id, category_id=category.id, key=key, current_number=1)
    db.session.add(question)
    db.session.flush()
    add_version(question, 1, data, content_hash(data))
    db.session.flush()
    record(
        "question.create",
        "question",
        question.id,
        after={"bank_id": bank.id, "version": 1, "name": data.name, "category": category.path},
    )
    return question


def update_question(question: Question, category_path: str, data: QuestionData) -> bool:
    """Save an edit: changed content becomes a new version (attempts keep the one they used),
    a changed category just moves the question. Returns whether anything changed.
    """
    bank = db.session.get(QuestionBank, question.bank_id)
    current = current_version(question)
    digest = content_hash(data)
    category = category_by_path(bank, category_path)
    before = {"version": current.number, "category": question.category.path}
    if digest == current.content_hash and category.id == question.category_id:
        return False
    if digest != current.content_hash:
        key = question_key(data)
        if key != question.key:
            _check_key(bank, key, question)
            question.key = key
        number = max(v.number for v in question.versions) + 1
        add_version(question, number, data, digest)
        question.current_number = number
    question.category_id = category.id
    db.session.flush()
    db.session.refresh(question, ["category"])
    record(
        "question.edit",
        "question",
        question.id,
        before=before,
        after={"version": question.current_number, "category": category.path},
    )
    return True


def question_uses(question: Question) -> tuple[int, int]:
    """How many attempts used any version of the question, and how many quiz slots name it."""
    attempts = db.session.scalar(
        select(func.count(func.distinct(AttemptQuestion.attempt_id)))
        .join(QuestionVersion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .where(QuestionVersion.question_id == question.id)
    )
    slots = db.session.scalar(
        select(func.count(QuizSlot.id)).where(QuizSlot.question_id == question.id)
    )
    return attempts, slots


def delete_question(question: Question) -> None:
    """Delete a question nobody has seen: one used by an attempt or a quiz must stay."""
    attempts, slots = question_uses(question)
    if attempts:
        raise ServiceError(
            _(
                "This question was used in %(n)d attempt(s); it cannot be deleted. Move it to "
                "another category instead, or edit it (past attempts keep their version).",
                n=attempts,
            )
        )
    if slots:
        raise ServiceError(
            _("A quiz uses this question as a fixed question; remove it from the quiz first.")
        )
    name = current_version(question).name
    for version in question.versions:
        db.session.delete(version)
    db.session.flush()
    db.session.delete(question)
    db.session.flush()
    record(
        "question.delete",
        "question",
        question.id,
        before={"bank_id": question.bank_id, "name": name},
    )


def version_authors(question: Question) -> dict[int, str]:
    """Who wrote each version made in the browser (imported versions have no one), by number."""
    events = db.session.execute(
        select(AuditEvent.after, LearnerProfile.full_name)
        .join(LearnerProfile, LearnerProfile.user_id == AuditEvent.actor_id)
        .where(
            AuditEvent.object_type == "question",
            AuditEvent.object_id == str(question.id),
            AuditEvent.action.in_(("question.create", "question.edit")),
        )
    )
    return {after["version"]: name for after, name in events if after and "version" in after}
