"""Attendance files: the class's list (or one session's) as CSV/XLSX, the sign-in sheet PDF of
a session or of the whole class, and the imports of a session (sign-in list, meeting report)."""

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from lms.attendance import exports, importing, reports, sheets
from lms.attendance.blueprint import (
    STAFF,
    actor_id,
    bp,
    get_class_for_staff_or_404,
    get_session_or_404,
)
from lms.attendance.forms import ImportForm, ReportForm
from lms.attendance.marking import MarkRefused
from lms.security import access
from lms.tabular import writing

PDF = "application/pdf"


@bp.route("/classes/<lms_id:class_id>/export.<fmt>")
@access("role", *STAFF)
def export_class(class_id: int, fmt: str):
    training_class, _organizes = get_class_for_staff_or_404(class_id)
    if fmt not in writing.FORMATS:
        abort(404)
    table = exports.attendance_table(class_id)
    return writing.download(table, exports.file_name(training_class, fmt), fmt)


@bp.route("/sessions/<lms_id:session_id>/export.<fmt>")
@access("role", *STAFF)
def export_session(session_id: int, fmt: str):
    session, _organizes = get_session_or_404(session_id)
    if fmt not in writing.FORMATS:
        abort(404)
    number = reports.session_number(session)
    table = exports.attendance_table(session.class_id, session.id)
    return writing.download(table, exports.file_name(session.training_class, fmt, number), fmt)


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=PDF, as_attachment=True, download_name=name)


@bp.route("/classes/<lms_id:class_id>/sign-in.pdf")
@access("role", *STAFF)
def class_sheet(class_id: int):
    training_class, _organizes = get_class_for_staff_or_404(class_id)
    return _pdf(sheets.sign_in_sheet(training_class), f"ky-ten-{training_class.code}.pdf")


@bp.route("/sessions/<lms_id:session_id>/sign-in.pdf")
@access("role", *STAFF)
def session_sheet(session_id: int):
    session, _organizes = get_session_or_404(session_id)
    number = reports.session_number(session)
    data = sheets.sign_in_sheet(session.training_class, session.id)
    return _pdf(data, f"ky-ten-{session.training_class.code}-buoi-{number}.pdf")


def _import_page(session, form, report_form, problems=(), status: int = 200):
    return render_template(
        "lms/attendance/import.html",
        session=session,
        training_class=session.training_class,
        number=reports.session_number(session),
        form=form,
        report_form=report_form,
        problems=list(problems),
    ), status


@bp.route("/sessions/<lms_id:session_id>/import")
@access("role", *STAFF)
def import_list(session_id: int):
    session, _organizes = get_session_or_404(session_id)
    return _import_page(session, ImportForm(formdata=None), ReportForm(formdata=None))


def _finish(session, outcome, form, report_form):
    if outcome.problems:
        return _import_page(session, form, report_form, outcome.problems, 422)
    flash(_("%(r)d rows read, %(n)d marks changed.", r=outcome.rows, n=outcome.changed), "success")
    return redirect(url_for(".mark", session_id=session.id), 303)


@bp.route("/sessions/<lms_id:session_id>/import", methods=["POST"])
@access("role", *STAFF)
def import_sign_in(session_id: int):
    """A sign-in list: every row checked, then all written or none."""
    session, _organizes = get_session_or_404(session_id)
    form, report_form = ImportForm(), ReportForm(formdata=None)
    if not form.validate_on_submit():
        return _import_page(session, form, report_form, status=422)
    upload = form.file.data
    try:
        outcome = importing.import_sign_in(
            session, upload.stream, upload.filename or "", actor_id()
        )
    except (importing.ImportRefused, MarkRefused) as error:
        return _import_page(session, form, report_form, [str(error)], 422)
    return _finish(session, outcome, form, report_form)


@bp.route("/sessions/<lms_id:session_id>/report", methods=["POST"])
@access("role", *STAFF)
def import_report(session_id: int):
    """An online meeting's participant report, minutes turned into present or absent."""
    session, _organizes = get_session_or_404(session_id)
    form, report_form = ImportForm(formdata=None), ReportForm()
    if not report_form.validate_on_submit():
        return _import_page(session, form, report_form, status=422)
    upload = report_form.file.data
    try:
        outcome = importing.import_report(
            session, upload.stream, upload.filename or "", report_form.min_minutes.data, actor_id()
        )
    except (importing.ImportRefused, MarkRefused) as error:
        return _import_page(session, form, report_form, [str(error)], 422)
    return _finish(session, outcome, form, report_form)
