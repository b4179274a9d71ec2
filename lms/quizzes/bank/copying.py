"""Copying a question bank: a trainer starts from a shipped bank, or another unit's, with a bank of
their own holding its categories and the current version of every question. The copy shares no
row with the source, so editing either leaves the other as it was.
"""

import copy
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Unit
from lms.audit.services import record
from lms.copies import COPY_SUFFIX, copy_slug, copy_title
from lms.quizzes.bank.editing import add_bank, require_free_slug
from lms.quizzes.bank.services import current_version_join
from lms.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion

SLUG_LIMIT = QuestionBank.slug.type.length
TITLE_LIMIT = QuestionBank.title.type.length


@dataclass
class BankContents:
    """What a copy of a bank will hold, as its confirmation page lists it."""

    categories: int = 0
    by_type: Counter = field(default_factory=Counter)

    @property
    def questions(self) -> int:
        return sum(self.by_type.values())


def bank_contents(bank: QuestionBank) -> BankContents:
    """The bank's categories and its questions per type (two queries)."""
    contents = BankContents(
        categories=db.session.scalar(
            select(func.count(QuestionCategory.id)).where(QuestionCategory.bank_id == bank.id)
        )
        or 0
    )
    counts = db.session.execute(
        select(QuestionVersion.qtype, func.count(Question.id))
        .join(QuestionVersion, current_version_join())
        .where(Question.bank_id == bank.id)
        .group_by(QuestionVersion.qtype)
    )
    contents.by_type.update(dict(counts.all()))
    return contents


def suggested_names(bank: QuestionBank) -> tuple[str, str]:
    """The short name and title a copy of `bank` is offered: free, and within bounds."""
    taken = db.session.scalars(
        select(QuestionBank.slug).where(QuestionBank.slug.contains(COPY_SUFFIX, autoescape=True))
    )
    return (
        copy_slug(bank.slug, set(taken), SLUG_LIMIT),
        copy_title(bank.title, TITLE_LIMIT),
    )


def copy_bank(source: QuestionBank, slug: str, title: str, owner: Unit) -> QuestionBank:
    """A new bank maintained by `owner`'s trainers with the source's categories (same paths)
    and, for every question, its current version as version 1 (attempts stay with the source).

    The name is checked before anything is written, so a refusal leaves nothing behind.
    """
    require_free_slug(slug)
    bank = add_bank(slug, title, owner)
    categories = {
        category.id: QuestionCategory(bank_id=bank.id, path=category.path)
        for category in db.session.scalars(
            select(QuestionCategory)
            .where(QuestionCategory.bank_id == source.id)
            .order_by(QuestionCategory.path)
        )
    }
    db.session.add_all(categories.values())
    rows = db.session.execute(
        select(Question, QuestionVersion)
        .join(QuestionVersion, current_version_join())
        .where(Question.bank_id == source.id)
        .order_by(Question.id)
    ).all()
    for question, version in rows:
        db.session.add(
            Question(
                bank_id=bank.id,
                category=categories[question.category_id],
                key=question.key,
                current_number=1,
                versions=[_version_copy(version)],
            )
        )
    db.session.flush()
    record(
        "bank.copy",
        "question_bank",
        bank.id,
        before={"bank": source.slug},
        after={
            "slug": slug,
            "unit_id": owner.id,
            "categories": len(categories),
            "questions": len(rows),
        },
    )
    return bank


def _version_copy(version: QuestionVersion) -> QuestionVersion:
    return QuestionVersion(
        number=1,
        qtype=version.qtype,
        name=version.name,
        stem=version.stem,
        general_feedback=version.general_feedback,
        default_mark=version.default_mark,
        # Choices, answers and feedback live in nested JSON: the copy must not share one list.
        data=copy.deepcopy(version.data),
        content_hash=version.content_hash,
    )
