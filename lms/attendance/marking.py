"""Marks: the roster of a session with each learner's mark, and writing marks (one, a batch, a
whole import) with an audit event per change and one `attendance_changed` per batch.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.attendance import services
from lms.attendance.models import AttendanceMark, AttendanceSession
from lms.audit import services as audit
from lms.audit.models import AuditEvent
from lms.classes.models import Enrolment, EnrolmentStatus
from lms.db import utcnow

MAX_REMARK = 255


class MarkRefused(ValueError):
    """A mark that cannot be written: a status the class does not use, or not a learner of it."""


@dataclass
class Change:
    user_id: str
    status: str
    remark: str = ""


@dataclass
class RosterRow:
    user_id: str
    full_name: str
    official_code: str
    unit_name: str
    position: str
    mark: AttendanceMark | None


def roster(session: AttendanceSession) -> list[RosterRow]:
    """Every enrolled learner in Vietnamese name order with their mark: one query."""
    rows = db.session.execute(
        select(
            Enrolment.user_id,
            LearnerProfile.full_name,
            LearnerProfile.official_code,
            LearnerProfile.position,
            Unit.name,
            AttendanceMark,
        )
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .outerjoin(
            AttendanceMark,
            (AttendanceMark.session_id == session.id)
            & (AttendanceMark.user_id == Enrolment.user_id),
        )
        .where(Enrolment.class_id == session.class_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )
    return [
        RosterRow(user_id, name, code or "", unit or "", position or "", mark)
        for user_id, name, code, position, unit, mark in rows
    ]


def _snapshot(mark: AttendanceMark | None) -> dict | None:
    if mark is None:
        return None
    return {"status": mark.status, "remark": mark.remark, "source": mark.source}


def write_marks(
    session: AttendanceSession,
    changes: list[Change],
    actor_id: str = "",
    source: str = "manual",
    now: datetime | None = None,
    extra: dict | None = None,
) -> list[str]:
    """Write the changes (all or none: every one is checked first); returns the user ids whose
    mark changed. `extra` sets device/address/flags (self check-in)."""
    if session.cancelled_at is not None:
        raise MarkRefused(_("The session was cancelled."))
    codes = {s.code for s in services.statuses(session.class_id)}
    enrolled = services.enrolled_among(session.class_id, [c.user_id for c in changes])
    for change in changes:
        if change.status not in codes:
            raise MarkRefused(_("Unknown status: %(s)s", s=change.status))
        if change.user_id not in enrolled:
            raise MarkRefused(_("Not a learner of this class."))
        if len(change.remark) > MAX_REMARK:
            raise MarkRefused(_("A remark has at most %(n)d characters.", n=MAX_REMARK))
    existing = {
        mark.user_id: mark
        for mark in db.session.scalars(
            select(AttendanceMark).where(
                AttendanceMark.session_id == session.id,
                AttendanceMark.user_id.in_([c.user_id for c in changes]),
            )
        )
    }
    changed = []
    for change in changes:
        mark = existing.get(change.user_id)
        before = _snapshot(mark)
        remark = change.remark.strip()
        if mark is not None and mark.status == change.status and mark.remark == remark:
            continue
        if mark is None:
            mark = AttendanceMark(session_id=session.id, user_id=change.user_id)
            db.session.add(mark)
            existing[change.user_id] = mark
        mark.status = change.status
        mark.remark = remark
        mark.source = source
        mark.marked_by = actor_id
        mark.marked_at = now or utcnow()
        for key, value in (extra or {}).items():
            setattr(mark, key, value)
        after = _snapshot(mark) | {"user_id": change.user_id, "session_id": session.id}
        audit.record(
            "attendance.mark", "attendance_session", session.id, before, after, actor_id or None
        )
        changed.append(change.user_id)
    if changed:
        db.session.flush()
        services.changed(session.class_id, changed)
    return changed


def mark_all_present(session: AttendanceSession, actor_id: str = "") -> list[str]:
    """ "Mark all present" marks only learners with no mark yet: it never overwrites a mark a
    trainer already fixed."""
    present = services.statuses(session.class_id)[0].code
    missing = [row.user_id for row in roster(session) if row.mark is None]
    return write_marks(session, [Change(u, present) for u in missing], actor_id)


def history(session: AttendanceSession, limit: int = 500) -> list[AuditEvent]:
    """The session's audit events, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "attendance_session",
                AuditEvent.object_id == str(session.id),
            )
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def names_of(user_ids: set[str]) -> dict[str, str]:
    """user id → full name for the given ids: one query."""
    user_ids = {u for u in user_ids if u}
    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            select(LearnerProfile.user_id, LearnerProfile.full_name).where(
                LearnerProfile.user_id.in_(user_ids)
            )
        ).all()
    )
