"""Bench data for the attendance export: the 2,000-learner roster class with 20 held sessions
and a mark for every learner in each (40,000 marks), exported as XLSX and as streamed CSV."""

from collections.abc import Iterator

SESSIONS = 20


def seed_marks(app) -> int:
    """20 sessions of the bench roster class, every learner marked; returns the class id."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, select

    from bench.courses import seed_roster
    from lms import db
    from lms.attendance.models import AttendanceMark, AttendanceSession
    from lms.classes.models import Enrolment

    training_class = seed_roster(app)
    if db.session.scalar(
        select(AttendanceSession.id).where(AttendanceSession.class_id == training_class.id)
    ):
        return training_class.id
    first = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    first -= timedelta(days=2 * SESSIONS)
    for number in range(SESSIONS):
        starts = first + timedelta(days=2 * number)
        db.session.add(
            AttendanceSession(
                class_id=training_class.id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                room="Hội trường",
            )
        )
    db.session.flush()
    sessions = db.session.scalars(
        select(AttendanceSession.id).where(AttendanceSession.class_id == training_class.id)
    ).all()
    users = db.session.scalars(
        select(Enrolment.user_id).where(Enrolment.class_id == training_class.id)
    ).all()
    statuses = ["present"] * 8 + ["late", "excused", "present", "absent"]
    now = datetime.now(UTC)
    db.session.execute(
        insert(AttendanceMark),
        [
            {
                "session_id": sid,
                "user_id": uid,
                "status": statuses[(i + j) % len(statuses)],
                "remark": "",
                "source": "import",
                "marked_by": "",
                "marked_at": now,
                "device": "",
                "address": "",
                "flags": "",
            }
            for i, sid in enumerate(sessions)
            for j, uid in enumerate(users)
        ],
    )
    db.session.commit()
    return training_class.id


def attendance_xlsx(class_id: int) -> int:
    """Write the class's attendance list (2,000 × 20 sessions) as XLSX; return its size."""
    from flask import current_app

    from lms.attendance.exports import attendance_table
    from lms.tabular.writing import xlsx_file

    with current_app.test_request_context():
        handle = xlsx_file(attendance_table(class_id))
    size = handle.seek(0, 2)
    handle.close()
    return size


def attendance_csv(class_id: int) -> Iterator[bytes]:
    """Stream the class's attendance list as CSV chunks (drained inside the measurement)."""
    from flask import current_app

    from lms.attendance.exports import attendance_table
    from lms.tabular.writing import csv_chunks

    with current_app.test_request_context():
        yield from csv_chunks(attendance_table(class_id))
