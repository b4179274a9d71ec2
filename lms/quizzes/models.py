"""Question banks (nested categories, versioned questions), quizzes and attempts.

A question's content lives in versions: editing (or re-importing) a question that changed adds a
version, so attempts that used an older version keep exactly what the learner saw.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
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


class OverdueRule(StrEnum):
    #: The attempt is submitted as it stands when time runs out.
    AUTOSUBMIT = "autosubmit"
    #: A grace period lets the learner submit (but not change answers) after the deadline.
    GRACE = "grace"
    #: An attempt not submitted in time counts for nothing.
    NOTHING = "nothing"


class GradingMethod(StrEnum):
    HIGHEST = "highest"
    AVERAGE = "average"
    FIRST = "first"
    LAST = "last"


class AttemptState(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    #: Not submitted in time under the "nothing" overdue rule.
    ABANDONED = "abandoned"


class Quiz(Base):
    """A quiz of a class (or a course's final quiz), drawing its questions from one bank."""

    __tablename__ = "lms_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    bank_id: Mapped[int] = mapped_column(ForeignKey("lms_question_banks.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    #: A module the quiz completes when passed (module quizzes), else None (final quiz).
    module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_modules.id"))
    open_at: Mapped[datetime | None] = mapped_column()
    close_at: Mapped[datetime | None] = mapped_column()
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    overdue_rule: Mapped[str] = mapped_column(String(16), default=OverdueRule.AUTOSUBMIT)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: 0 means unlimited.
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)
    grading_method: Mapped[str] = mapped_column(String(16), default=GradingMethod.HIGHEST)
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_choices: Mapped[bool] = mapped_column(Boolean, default=True)
    #: 0 puts every question on one page.
    questions_per_page: Mapped[int] = mapped_column(Integer, default=1)
    #: "free" or "sequential" (no going back).
    navigation: Mapped[str] = mapped_column(String(16), default="free")
    #: What learners see at each moment: {"after"|"open"|"closed": {"answers", "marks",
    #: "right_answers", "feedback"}: bool}.
    review: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    slots: Mapped[list["QuizSlot"]] = relationship(
        order_by="QuizSlot.position", cascade="all, delete-orphan"
    )


class QuizSlot(Base):
    """One place in a quiz: a fixed question, or N questions drawn from a category."""

    __tablename__ = "lms_quiz_slots"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("lms_questions.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("lms_question_categories.id"))
    #: How many questions to draw at random from the category.
    draw_count: Mapped[int] = mapped_column(Integer, default=1)
    include_subcategories: Mapped[bool] = mapped_column(Boolean, default=True)
    mark: Mapped[float] = mapped_column(Float, default=1.0)


class QuizOverride(Base):
    """Different dates, time or attempts for one learner (disability, a missed session)."""

    __tablename__ = "lms_quiz_overrides"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    open_at: Mapped[datetime | None] = mapped_column()
    close_at: Mapped[datetime | None] = mapped_column()
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)


class Attempt(Base):
    """One learner's attempt at a quiz; its questions are fixed when it starts."""

    __tablename__ = "lms_attempts"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("lms_quizzes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Server-side deadline (time limit, close date or override); None when untimed.
    deadline_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    #: Score as a fraction of the maximum; None while an essay waits for its grader.
    fraction: Mapped[float | None] = mapped_column(Float)
    current_page: Mapped[int] = mapped_column(Integer, default=0)

    questions: Mapped[list["AttemptQuestion"]] = relationship(
        order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )


class AttemptQuestion(Base):
    """A question as it appeared in an attempt, and the learner's saved response to it."""

    __tablename__ = "lms_attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("lms_attempts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("lms_question_versions.id"), index=True
    )
    #: Display order of choices/items (indexes into the question's own lists).
    choice_order: Mapped[list] = mapped_column(JSON, default=list)
    max_mark: Mapped[float] = mapped_column(Float, default=1.0)
    response: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None] = mapped_column()
    #: Fraction of max_mark earned; None until graded (essays wait for a trainer).
    fraction: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[list] = mapped_column(JSON, default=list)
    grader_comment: Mapped[str] = mapped_column(Text, default="")
    graded_by: Mapped[str] = mapped_column(String(64), default="")
    graded_at: Mapped[datetime | None] = mapped_column()

    question_version: Mapped[QuestionVersion] = relationship(lazy="joined")
