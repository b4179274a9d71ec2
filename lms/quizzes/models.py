"""Question banks: nested categories and versioned questions.

A question's content lives in versions: editing (or re-importing) a question that changed adds a
version, so attempts that used an older version keep exactly what the learner saw.
"""

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow


class QuestionBank(Base):
    """A named set of questions (e.g. the bank of one course), imported or written by trainers."""

    __tablename__ = "lms_question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    #: Unit whose trainers maintain the bank; shipped banks have none.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<QuestionBank {self.slug}>"


class QuestionCategory(Base):
    """A category of a bank; nesting is the slash-separated path ("mot-cua/01-co-che")."""

    __tablename__ = "lms_question_categories"
    __table_args__ = (UniqueConstraint("bank_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("lms_question_banks.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Question(Base):
    """A question as trainers know it; what it says is in its versions."""

    __tablename__ = "lms_questions"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("lms_question_banks.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("lms_question_categories.id"), index=True)
    #: Identity within the bank across imports: the question's title, or a hash of its text.
    key: Mapped[str] = mapped_column(String(255))
    #: Number of the version new attempts use.
    current_number: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[QuestionCategory] = relationship(lazy="joined")
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(Base):
    """One immutable version of a question (the payload of `lms.quizzes.types.Question`)."""

    __tablename__ = "lms_question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("lms_questions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    qtype: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255), default="")
    stem: Mapped[str] = mapped_column(Text)
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    default_mark: Mapped[float] = mapped_column(Float, default=1.0)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")
