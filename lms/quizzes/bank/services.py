"""Question banks in the database: importing parsed questions (new versions for changed ones)
and reading a bank back as plain `Question` objects for export. What trainers do in the browser
(a new bank, its list of questions, writing, editing, deleting one) is `lms.quizzes.bank.editing`.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from lms import db
from lms.audit.services import record
from lms.quizzes.models import (
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
)
from lms.quizzes.types import Question as QuestionData


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_type: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def find_bank(slug: str) -> QuestionBank | None:
    return db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))


def get_or_create_bank(slug: str, title: str | None = None) -> QuestionBank:
    bank = find_bank(slug)
    if bank is None:
        bank = QuestionBank(slug=slug, title=title or slug)
        db.session.add(bank)
        db.session.flush()
    return bank


def content_hash(question: QuestionData) -> str:
    payload = question.to_dict()
    payload.pop("line", None)
    payload.pop("category", None)
    return hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()


def question_key(question: QuestionData) -> str:
    """A question keeps its identity across imports by its title, or else by its text."""
    if question.name:
        return question.name[:255]
    return "sha256:" + hashlib.sha256(question.stem.encode("utf-8")).hexdigest()


def _category(bank: QuestionBank, path: str, cache: dict[str, QuestionCategory]):
    path = path.strip("/") or bank.slug
    if path not in cache:
        category = db.session.scalar(
            select(QuestionCategory).where(
                QuestionCategory.bank_id == bank.id, QuestionCategory.path == path
            )
        )
        if category is None:
            category = QuestionCategory(bank_id=bank.id, path=path)
            db.session.add(category)
            db.session.flush()
        cache[path] = category
    return cache[path]


def current_version_join():
    """Join condition of a question with its current version."""
    return and_(
        QuestionVersion.question_id == Question.id,
        QuestionVersion.number == Question.current_number,
    )


def preview_import(bank: QuestionBank, questions: list[QuestionData]) -> ImportSummary:
    """What `import_questions` would do, counted the same way, writing nothing."""
    summary = ImportSummary()
    known = dict(
        db.session.execute(
            select(Question.key, QuestionVersion.content_hash)
            .join(QuestionVersion, current_version_join())
            .where(Question.bank_id == bank.id)
        ).all()
    )
    for data in questions:
        key, digest = question_key(data), content_hash(data)
        summary.by_type[data.qtype] += 1
        if key not in known:
            summary.created += 1
        elif known[key] == digest:
            summary.unchanged += 1
        else:
            summary.updated += 1
        known[key] = digest
    return summary


def import_questions(bank: QuestionBank, questions: list[QuestionData]) -> ImportSummary:
    """Add questions to a bank; a question whose content changed gets a new version."""
    summary = ImportSummary()
    existing = {
        q.key: q
        for q in db.session.scalars(
            select(Question)
            .where(Question.bank_id == bank.id)
            .options(selectinload(Question.versions))
        )
    }
    categories: dict[str, QuestionCategory] = {}
    for data in questions:
        key = question_key(data)
        digest = content_hash(data)
        category = _category(bank, data.category, categories)
        summary.by_type[data.qtype] += 1
        question = existing.get(key)
        if question is None:
            question = Question(bank_id=bank.id, category_id=category.id, key=key, current_number=1)
            db.session.add(question)
            db.session.flush()
            existing[key] = question
            add_version(question, 1, data, digest)
            summary.created += 1
            continue
        current = next(v for v in question.versions if v.number == question.current_number)
        question.category_id = category.id
        if current.content_hash == digest:
            summary.unchanged += 1
            continue
        number = max(v.number for v in question.versions) + 1
        add_version(question, number, data, digest)
        question.current_number = number
        summary.updated += 1
    db.session.flush()
    record(
        "bank.import",
        "question_bank",
        bank.id,
        after={"created": summary.created, "updated": summary.updated},
    )
    return summary


def add_version(question: Question, number: int, data: QuestionData, digest: str) -> None:
    version = QuestionVersion(
        number=number,
        qtype=data.qtype,
        name=data.name,
        stem=data.stem,
        general_feedback=data.general_feedback,
        default_mark=data.default_mark,
        data=data.data,
        content_hash=digest,
    )
    question.versions.append(version)


def as_data(version: QuestionVersion, category: str) -> QuestionData:
    return QuestionData(
        qtype=version.qtype,
        name=version.name,
        stem=version.stem,
        general_feedback=version.general_feedback,
        default_mark=version.default_mark,
        category=category,
        data=dict(version.data),
    )


def bank_questions(bank: QuestionBank) -> list[QuestionData]:
    """The current version of every question, grouped by category, in import order."""
    questions = db.session.scalars(
        select(Question)
        .where(Question.bank_id == bank.id)
        .options(selectinload(Question.versions))
        .order_by(Question.category_id, Question.id)
    )
    result = []
    for question in questions:
        version = next(v for v in question.versions if v.number == question.current_number)
        result.append(as_data(version, question.category.path))
    return result
