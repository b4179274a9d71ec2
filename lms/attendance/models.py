"""Sessions of a class, the class's attendance settings and statuses, and the marks.

Times are UTC moments (`starts_at`, `ends_at`); pages show them on the LMS's clock. A mark stores
the status *code*, so an organizer may rename a status or change its points without touching
a single mark: rates are always computed from the current configuration.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.classes.models import TrainingClass
from lms.db import Base, utcnow


class SessionMode:
    IN_PERSON = "in-person"
    ONLINE = "online"


class AttendanceSession(Base):
    """One session (buổi học) of a class: when, where (a room or a meeting link), who, what."""

    __tablename__ = "lms_attendance_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    mode: Mapped[str] = mapped_column(String(16), default=SessionMode.IN_PERSON)
    room: Mapped[str] = mapped_column(String(255), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    trainer_id: Mapped[str] = mapped_column(String(64), default="")
    topic: Mapped[str] = mapped_column(String(255), default="")
    #: A cancelled session stays listed (learners see it was cancelled) but counts for nobody.
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str] = mapped_column(String(255), default="")
    #: Self check-in: opens this many minutes before the start, closes this many after it;
    #: a check-in later than `late_after_minutes` after the start is marked late.
    checkin_before_minutes: Mapped[int] = mapped_column(Integer, default=15)
    checkin_after_minutes: Mapped[int] = mapped_column(Integer, default=30)
    late_after_minutes: Mapped[int] = mapped_column(Integer, default=10)
    #: Seconds a shown check-in code lives before the next one replaces it.
    code_seconds: Mapped[int] = mapped_column(Integer, default=15)
    #: Networks (CIDR, comma separated) check-ins are expected from; empty: anywhere.
    allowed_networks: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    training_class: Mapped[TrainingClass] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<AttendanceSession {self.class_id}@{self.starts_at:%Y-%m-%d %H:%M}>"


class AttendanceSettings(Base):
    """A class's attendance settings; a class without a row uses the defaults."""

    __tablename__ = "lms_attendance_settings"

    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), primary_key=True)
    #: Learners with no mark for a session that has ended count as absent.
    automark_absent: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Learners under this percent appear on the low-attendance list.
    low_percent: Mapped[int] = mapped_column(Integer, default=80)


class AttendanceStatus(Base):
    """One status a class marks with; a class without rows uses `DEFAULT_STATUSES`."""

    __tablename__ = "lms_attendance_statuses"
    __table_args__ = (UniqueConstraint("class_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(64))
    #: Points a session with this status earns; None: the session is left out of the rate
    #: (an excused absence that should neither help nor hurt).
    points: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AttendanceMark(Base):
    """A learner's status for one session, with the remark and who marked it when.

    Self check-ins also keep the device and address they came from and any reason to doubt them
    (`flags`, comma separated), which the trainer sees beside the mark.
    """

    __tablename__ = "lms_attendance_marks"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lms_attendance_sessions.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    remark: Mapped[str] = mapped_column(String(255), default="")
    #: "manual", "import", "checkin" or "report" (an online meeting's participant report).
    source: Mapped[str] = mapped_column(String(16), default="manual")
    marked_by: Mapped[str] = mapped_column(String(64), default="")
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    device: Mapped[str] = mapped_column(String(64), default="", index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    flags: Mapped[str] = mapped_column(String(255), default="")


class AttendanceNotice(Base):
    """A notice an organizer sent a learner whose attendance fell under the class's low percent;
    the learner reads it on the class page, with the rate it was sent at."""

    __tablename__ = "lms_attendance_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    percent: Mapped[float] = mapped_column()
    low_percent: Mapped[int] = mapped_column(Integer)
    sent_by: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
