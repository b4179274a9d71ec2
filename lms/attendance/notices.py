"""Notices to learners under a class's low-attendance percent: the organizer sends them from the
rates page, each learner reads theirs on the class page. A learner noticed in the last
`NOTICE_GAP` is not noticed again, so a double click or a replayed form sends nothing twice.
"""

import functools
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, select

from lms import db
from lms.attendance import reports
from lms.attendance.models import AttendanceNotice
from lms.audit import services as audit
from lms.classes.models import TrainingClass
from lms.db import utcnow

#: The least time between two notices to one learner of one class.
NOTICE_GAP = timedelta(days=1)


def send_low_attendance_notices(
    training_class: TrainingClass, actor_id: str, now: datetime | None = None
) -> int:
    """Notice every learner now under the class's low percent (unless noticed within the gap);
    returns how many were noticed. One audit event per notice."""
    now = now or utcnow()
    report = reports.class_report(training_class)
    recent = set(
        db.session.scalars(
            select(AttendanceNotice.user_id).where(
                AttendanceNotice.class_id == training_class.id,
                AttendanceNotice.sent_at > now - NOTICE_GAP,
            )
        )
    )
    sent = 0
    for row in report.low:
        if row.user_id in recent:
            continue
        notice = AttendanceNotice(
            class_id=training_class.id,
            user_id=row.user_id,
            percent=row.rate.percent,
            low_percent=report.low_percent,
            sent_by=actor_id,
            sent_at=now,
        )
        db.session.add(notice)
        audit.record(
            "attendance.notice",
            "class",
            training_class.id,
            None,
            {"user_id": row.user_id, "percent": row.rate.percent, "below": report.low_percent},
            actor_id,
        )
        sent += 1
    db.session.flush()
    return sent


@functools.cache
def _notices_statement() -> Select:
    """`notices_for`'s statement, built once: every class page a learner opens runs it."""
    return (
        select(AttendanceNotice)
        .where(
            AttendanceNotice.class_id == bindparam("class_id"),
            AttendanceNotice.user_id == bindparam("user_id"),
        )
        .order_by(AttendanceNotice.sent_at.desc(), AttendanceNotice.id.desc())
        .limit(bindparam("limit"))
    )


def notices_for(class_id: int, user_id: str, limit: int = 3) -> list[AttendanceNotice]:
    """The learner's latest notices in the class, newest first; one query."""
    parameters = {"class_id": class_id, "user_id": user_id, "limit": limit}
    return list(db.session.scalars(_notices_statement(), parameters))
