"""Classes, their trainers, enrolments (with history) and module completions."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Unit
from lms.courses.models import CourseVersion, Module
from lms.db import Base, utcnow


class ClassMode(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in-person"
    BLENDED = "blended"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"


class EnrolmentSource(StrEnum):
    SELF = "self"
    ORGANIZER = "organizer"
    UNIT = "unit"
    IMPORT = "import"


class TrainingClass(Base):
    """A class (lớp bồi dưỡng) offering one course version, opened by an organizer unit."""

    __tablename__ = "lms_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    course_version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_versions.id"), index=True)
    #: The organizer unit: its organizers (and those above it) run the class.
    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16), default=ClassMode.BLENDED)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(255), default="")
    #: Most learners enrolled at once; None means no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    enrol_opens_on: Mapped[date | None] = mapped_column(Date)
    enrol_closes_on: Mapped[date | None] = mapped_column(Date)
    #: Opening decision (quyết định mở lớp): number with code, date, issuer.
    decision_number: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_issuer: Mapped[str] = mapped_column(String(255), default="")
    self_enrol: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Who may enrol themselves: people of this unit's subtree.
    self_enrol_unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course_version: Mapped[CourseVersion] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    self_enrol_unit: Mapped[Unit | None] = relationship(foreign_keys=[self_enrol_unit_id])

    def __repr__(self) -> str:
        return f"<TrainingClass {self.code}>"


class ClassTrainer(Base):
    """A trainer (giảng viên) teaching a class."""

    __tablename__ = "lms_class_trainers"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)


class Enrolment(Base):
    """A learner's place in a class; withdrawing keeps the row (and its history)."""

    __tablename__ = "lms_enrolments"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=EnrolmentStatus.ENROLLED)
    source: Mapped[str] = mapped_column(String(16), default=EnrolmentSource.ORGANIZER)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    #: Where "resume" takes the learner.
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_modules.id"))
    last_activity_at: Mapped[datetime | None] = mapped_column()

    training_class: Mapped[TrainingClass] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Enrolment {self.class_id}:{self.user_id} {self.status}>"


class EnrolmentEvent(Base):
    """History of an enrolment: enrolled, withdrawn, re-enrolled — who did it and when."""

    __tablename__ = "lms_enrolment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrolments.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="")
    actor_id: Mapped[str] = mapped_column(String(64), default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModuleCompletion(Base):
    """A module finished by an enrolled learner; recorded once (unique), however often sent."""

    __tablename__ = "lms_module_completions"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("lms_enrolments.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("lms_modules.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()
