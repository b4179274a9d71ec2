"""Courses, their immutable published versions, modules and attachments."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow


class Topic(StrEnum):
    ONE_STOP = "one-stop"
    IT_SKILLS = "it-skills"
    COMMUNICATION = "communication"
    TTHC_SIMPLIFICATION = "tthc-simplification"
    OTHER = "other"


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    #: Replaced by a newer published version; classes that use it keep it.
    ARCHIVED = "archived"


class Course(Base):
    """A course as trainers know it (by slug); its content lives in versions."""

    __tablename__ = "lms_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: Unit whose trainers maintain the course; shipped courses have none (any trainer).
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course", order_by="CourseVersion.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseVersion(Base):
    """One version of a course's content. Published versions never change: a class keeps the
    version it opened with, and its learners keep their progress when the course moves on.
    """

    __tablename__ = "lms_course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(32), default=Topic.OTHER)
    #: Training periods (số tiết, 45 minutes each).
    hours: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    #: Numbers of the legal documents the course relies on ("118/2025/NĐ-CP", …).
    sources: Mapped[list] = mapped_column(JSON, default=list)
    quiz_slug: Mapped[str | None] = mapped_column(String(64))
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    #: Hash of the content (version number excluded): loading unchanged files adds nothing.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: Title and summary without diacritics, for the catalog search ("mot cua" → "một cửa").
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()

    course: Mapped[Course] = relationship(back_populates="versions")
    modules: Mapped[list["Module"]] = relationship(
        back_populates="version", order_by="Module.position", cascade="all, delete-orphan"
    )

    @property
    def minutes(self) -> int:
        return sum(module.minutes for module in self.modules)

    def __repr__(self) -> str:
        return f"<CourseVersion {self.course_id} v{self.number} {self.status}>"


class Module(Base):
    """One module (a Markdown page) of a course version."""

    __tablename__ = "lms_modules"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: File name stem in the content folder, e.g. "02-tiep-nhan-ho-so".
    slug: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(255))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    quiz_slug: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, default="")
    #: When the text was last checked against the law (learners see "up to date as of MM/YYYY").
    reviewed: Mapped[date | None] = mapped_column()

    version: Mapped[CourseVersion] = relationship(back_populates="modules")

    def __repr__(self) -> str:
        return f"<Module {self.version_id}#{self.position} {self.slug}>"


class Attachment(Base):
    """A file (image, PDF) a course's modules link to as `assets/<name>`; shared by versions."""

    __tablename__ = "lms_attachments"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id"), index=True)
    #: The name modules link to (`assets/<name>`).
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    #: Content address in the attachment store (the file is stored under its SHA-256).
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Attachment {self.course_id}:{self.name}>"
