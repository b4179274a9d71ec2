"""What the organizer and trainer pages show: each session with its marked count, and each
learner's rate with the low-attendance list. A bounded number of queries whatever the size."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.attendance import services
from lms.attendance.models import AttendanceMark, AttendanceSession
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.db import utcnow


@dataclass
class SessionRow:
    session: AttendanceSession
    number: int
    marked: int
    flagged: int
    trainer_name: str
    #: "cancelled", "held", "now" or "upcoming".
    state: str


def state_of(session: AttendanceSession, now: datetime) -> str:
    if session.cancelled_at is not None:
        return "cancelled"
    if session.ends_at <= now:
        return "held"
    if session.starts_at <= now:
        return "now"
    return "upcoming"


def session_rows(training_class: TrainingClass, now: datetime | None = None) -> list[SessionRow]:
    """Every session of the class, numbered in date order: three queries."""
    now = now or utcnow()
    sessions = services.class_sessions(training_class.id)
    counts = {
        session_id: (marked, flagged or 0)
        for session_id, marked, flagged in db.session.execute(
            select(
                AttendanceMark.session_id,
                func.count(),
                func.sum(case((AttendanceMark.flags != "", 1), else_=0)),
            )
            .join(AttendanceSession, AttendanceSession.id == AttendanceMark.session_id)
            .where(AttendanceSession.class_id == training_class.id)
            .group_by(AttendanceMark.session_id)
        )
    }
    trainer_ids = {s.trainer_id for s in sessions if s.trainer_id}
    names = (
        dict(
            db.session.execute(
                select(LearnerProfile.user_id, LearnerProfile.full_name).where(
                    LearnerProfile.user_id.in_(trainer_ids)
                )
            ).all()
        )
        if trainer_ids
        else {}
    )
    return [
        SessionRow(
            session,
            number,
            counts.get(session.id, (0, 0))[0],
            int(counts.get(session.id, (0, 0))[1]),
            names.get(session.trainer_id, ""),
            state_of(session, now),
        )
        for number, session in enumerate(sessions, start=1)
    ]


def session_number(session: AttendanceSession) -> int:
    """The session's place in its class's date order (1 = first)."""
    return (
        db.session.scalar(
            select(func.count(AttendanceSession.id)).where(
                AttendanceSession.class_id == session.class_id,
                (AttendanceSession.starts_at < session.starts_at)
                | (
                    (AttendanceSession.starts_at == session.starts_at)
                    & (AttendanceSession.id <= session.id)
                ),
            )
        )
        or 1
    )


@dataclass
class LearnerRate:
    user_id: str
    full_name: str
    official_code: str
    unit_name: str
    rate: services.Rate
    low: bool


@dataclass
class ClassReport:
    rows: list[LearnerRate]
    low: list[LearnerRate]
    held: int
    low_percent: int
    #: The class's average over learners with a percent; None before any session was held.
    average: float | None


def learners(class_id: int):
    """Enrolled learners in Vietnamese name order with their unit and position: one query."""
    return db.session.execute(roster_query(class_id))


def roster_query(class_id: int):
    """The statement behind `learners` (exports page through it)."""
    return (
        select(
            Enrolment.user_id,
            LearnerProfile.full_name,
            LearnerProfile.official_code,
            LearnerProfile.position,
            Unit.name.label("unit_name"),
        )
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .where(Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )


def class_report(training_class: TrainingClass) -> ClassReport:
    rates = services.attendance_rates(training_class.id)
    low_percent = services.settings(training_class.id).low_percent
    rows = []
    for row in learners(training_class.id):
        rate = rates.get(row.user_id, services.Rate())
        low = rate.percent is not None and rate.percent < low_percent
        rows.append(
            LearnerRate(
                row.user_id, row.full_name, row.official_code or "", row.unit_name or "", rate, low
            )
        )
    known = [r.rate.percent for r in rows if r.rate.percent is not None]
    return ClassReport(
        rows=rows,
        low=[r for r in rows if r.low],
        held=len(services.held_session_ids(training_class.id)),
        low_percent=low_percent,
        average=round(sum(known) / len(known), 1) if known else None,
    )
