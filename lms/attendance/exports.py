"""The attendance list of a class (every session × learner, totals and rate) or of one session,
as CSV or XLSX through `lms.tabular.writing`. Learners are read `CHUNK` at a time with their
marks, so memory stays flat for 2.000 learners × 20 sessions; rows load everything by id where
they are written (a CSV streams after the request's session has ended).
"""

from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import db
from lms.attendance import reports, services
from lms.attendance.models import AttendanceSession
from lms.classes.models import TrainingClass
from lms.i18n import format_date
from lms.tabular.writing import Column, Table

CHUNK = 500

PEOPLE_COLUMNS = (
    Column("number", _l("No."), "number", 6),
    Column("full_name", _l("Full name"), width=28),
    Column("official_code", _l("Official code")),
    Column("unit", _l("Unit"), width=32),
    Column("position", _l("Position"), width=24),
)


def _learner_chunks(class_id: int) -> Iterator[list]:
    query = reports.roster_query(class_id)
    # Pages of the name order (not a server-side cursor): the marks query of each page runs on
    # the same connection, which SQLite's driver cannot share with an open cursor.
    offset = 0
    while True:
        rows = list(db.session.execute(query.limit(CHUNK).offset(offset)))
        if not rows:
            return
        yield rows
        offset += CHUNK


def session_title(number: int, session: AttendanceSession) -> str:
    return _("Session %(n)d (%(d)s)", n=number, d=format_date(session.starts_at))


def attendance_table(class_id: int, session_id: int | None = None) -> Table:
    """The class's list (every session), or one session's list when `session_id` is given."""
    sessions = [s for s in services.class_sessions(class_id) if s.cancelled_at is None]
    numbered = list(enumerate(sessions, start=1))
    if session_id is not None:
        numbered = [(n, s) for n, s in numbered if s.id == session_id]
    defs = services.statuses(class_id)
    labels = {d.code: d.label for d in defs}
    columns = list(PEOPLE_COLUMNS)
    columns += [Column(f"s{s.id}", session_title(n, s), width=16) for n, s in numbered]
    if session_id is None:
        columns += [Column(f"total_{d.code}", d.label, "number", 10) for d in defs]
        columns.append(Column("percent", _l("Attendance (%)"), "number", 12))
    else:
        columns.append(Column("remark", _l("Remark"), width=30))
    # Plain ids only: a CSV's rows are read after the request (and its ORM session) ended.
    session_ids = [s.id for _n, s in numbered]
    held = set(services.held_session_ids(class_id))

    def rows() -> Iterator[dict]:
        from lms.attendance.models import AttendanceMark

        score = services.scoring(class_id, session_ids=session_ids)
        number = 0
        for chunk in _learner_chunks(class_id):
            user_ids = [row.user_id for row in chunk]
            marks = services.marks_of(session_ids, user_ids)
            remarks = {}
            if session_id is not None:
                remarks = dict(
                    db.session.execute(
                        select(AttendanceMark.user_id, AttendanceMark.remark).where(
                            AttendanceMark.session_id == session_id,
                            AttendanceMark.user_id.in_(user_ids),
                        )
                    ).all()
                )
            for row in chunk:
                number += 1
                mine = marks.get(row.user_id, {})
                values = {
                    "number": number,
                    "full_name": row.full_name,
                    "official_code": row.official_code or "",
                    "unit": row.unit_name or "",
                    "position": row.position or "",
                }
                for sid in session_ids:
                    code = mine.get(sid)
                    if code is None and sid in held and score.automark:
                        code = services.ABSENT
                    values[f"s{sid}"] = labels.get(code, code or "")
                if session_id is None:
                    rate = score.rate(mine)
                    for d in defs:
                        values[f"total_{d.code}"] = rate.counts[d.code]
                    values["percent"] = rate.percent
                else:
                    values["remark"] = remarks.get(row.user_id, "")
                yield values

    return Table(_("Attendance"), tuple(columns), rows)


def file_name(training_class: TrainingClass, fmt: str, number: int | None = None) -> str:
    stem = f"diem-danh-{training_class.code}"
    return f"{stem}-buoi-{number}.{fmt}" if number else f"{stem}.{fmt}"
