"""Yearly training targets, training done outside the LMS, and the successors of ceased units."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Unit
from lms.db import Base, utcnow


class ExternalKind(StrEnum):
    """Where training outside the LMS took place."""

    OTHER_PROVINCE = "other-province"
    POLITICAL_THEORY = "political-theory"
    UNIVERSITY = "university"
    OTHER = "other"


class YearlyTarget(Base):
    """Periods (tiết) an official should complete in a year, set by an organizer for a unit
    subtree and a rank or a position (or everyone: both empty). No national minimum has applied
    since 2021, so every target is the organizer's own."""

    __tablename__ = "lms_records_targets"
    __table_args__ = (UniqueConstraint("unit_id", "year", "rank", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    #: A key of `accounts.forms.RANK_CHOICES`; empty: any rank.
    rank: Mapped[str] = mapped_column(String(64), default="")
    #: A position (chức vụ) as profiles write it, compared without case; empty: any position.
    position: Mapped[str] = mapped_column(String(255), default="")
    periods: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<YearlyTarget {self.unit_id} {self.year} {self.rank}/{self.position}>"


class ExternalTraining(Base):
    """Training an official did elsewhere, added by an organizer with its evidence."""

    __tablename__ = "lms_records_external"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32), default=ExternalKind.OTHER)
    title: Mapped[str] = mapped_column(String(255))
    #: Who ran it (another province's Department of Home Affairs, a university…).
    provider: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date | None] = mapped_column(Date)
    #: The day it finished: the year it counts in.
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    periods: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(64), default="")
    #: The decision or certificate number that proves it.
    evidence_number: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the uploaded scan (kept in the instance folder); empty without a scan.
    scan_sha256: Mapped[str] = mapped_column(String(64), default="")
    scan_type: Mapped[str] = mapped_column(String(64), default="")
    scan_size: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ExternalTraining {self.id} {self.user_id} {self.title!r}>"


class UnitSuccessor(Base):
    """The unit that took over a ceased one (a district merged into communes on 1/7/2025, say),
    so a report can count history under today's units."""

    __tablename__ = "lms_records_successors"

    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), primary_key=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    set_by: Mapped[str] = mapped_column(String(64), default="")
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    successor: Mapped[Unit] = relationship(foreign_keys=[successor_id], lazy="joined")
