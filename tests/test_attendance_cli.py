"""`lms attendance export` (CSV to standard output, XLSX and PDF to a file, one session or all)
and the demo's sessions and marks (past and upcoming, one cancelled, idempotent)."""

import io

from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from lms import db, demo
from lms.attendance import marking, services
from lms.attendance.marking import Change
from lms.attendance.models import AttendanceMark, AttendanceSession
from lms.classes import enrolment as enrolments
from lms.classes import services as classes
from lms.db import utcnow
from tests.access.attendance import past_session
from tests.access.classes import open_class


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["lms", "attendance", *args])


def test_export_command(app, tmp_path, unit, learner):
    training_class = open_class(unit, "DD-01", name="Lớp điểm danh")
    enrolments.enrol(training_class, str(learner.id))
    first = past_session(training_class.id, 3)
    past_session(training_class.id, 2)
    marking.write_marks(first, [Change(str(learner.id), "late", "Kẹt xe")])
    db.session.commit()
    result = invoke(app, "export", "DD-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("STT,Họ và tên") and "Trần Thị Mai" in lines[1]
    assert "Đi muộn,Vắng không phép" in lines[1] and lines[1].endswith(",25.0")
    target = tmp_path / "buoi1.xlsx"
    assert (
        invoke(
            app, "export", "DD-01", "--format", "xlsx", "--session", "1", "-o", str(target)
        ).exit_code
        == 0
    )
    rows = list(load_workbook(target).active.values)
    assert rows[1][-2:] == ("Đi muộn", "Kẹt xe")
    pdf = tmp_path / "ky-ten.pdf"
    assert invoke(app, "export", "DD-01", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    assert len(PdfReader(io.BytesIO(pdf.read_bytes())).pages) == 2
    refused = invoke(app, "export", "DD-01", "--format", "csv", "--session", "9")
    assert refused.exit_code != 0 and "2 buổi" in refused.output
    assert invoke(app, "export", "NOPE", "--format", "csv").exit_code != 0


def test_demo_has_past_and_upcoming_sessions_with_marks(app):
    with force_locale("vi"):
        demo.seed()
    db.session.commit()
    sessions = db.session.scalar(select(func.count(AttendanceSession.id)))
    marks = db.session.scalar(select(func.count(AttendanceMark.id)))
    with force_locale("vi"):
        demo.seed()
    db.session.commit()
    assert db.session.scalar(select(func.count(AttendanceSession.id))) == sessions
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == marks > 0
    training_class = classes.find_class("MC-2026-01")
    listed = services.class_sessions(training_class.id)
    assert any(s.cancelled_at for s in listed)
    assert all(
        training_class.starts_on <= services.local(s.starts_at).date() <= training_class.ends_on
        for s in listed
    )
    statuses = set(db.session.scalars(select(AttendanceMark.status)))
    assert {"present", "late", "excused", "absent"} <= statuses
    now = utcnow()
    if any(s.ends_at > now for s in listed):
        assert any(s.ends_at <= now for s in listed)
    rates = services.attendance_rates(training_class.id)
    assert any(rate.percent is not None and rate.percent < 100 for rate in rates.values())
    with force_locale("vi"):
        assert "Buổi học" in demo.summary()[-1]
