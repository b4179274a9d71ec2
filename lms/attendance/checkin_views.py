"""Check-in pages: the trainer's screen with the rotating QR code and six digits, and the
learner's check-in page the QR code opens (log-in required, rate limited per learner)."""

import secrets

import segno
from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import db
from lms.attendance import checkin, reports, services
from lms.attendance.blueprint import STAFF, bp, get_session_or_404
from lms.attendance.forms import CheckinForm
from lms.attendance.models import AttendanceSession
from lms.classes.models import Enrolment, EnrolmentStatus
from lms.ratelimit import Limit, rate_limiter
from lms.security import LOGIN, access

#: Cookie naming this browser, so one device checking in several learners can be seen.
DEVICE_COOKIE = "lms_device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def _code_payload(session: AttendanceSession) -> dict:
    code, left = checkin.current_code(session)
    url = url_for(".checkin_page", session_id=session.id, c=code, _external=True)
    return {
        "code": code,
        "left": left,
        "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2),
        "url": url,
    }


@bp.route("/sessions/<lms_id:session_id>/code")
@access("role", *STAFF)
def show_code(session_id: int):
    """The screen the trainer projects: a QR code and six digits that change every N seconds."""
    session, _organizes = get_session_or_404(session_id)
    opens, closes = checkin.window(session)
    return render_template(
        "lms/attendance/code.html",
        session=session,
        training_class=session.training_class,
        number=reports.session_number(session),
        payload=_code_payload(session),
        opens=opens,
        closes=closes,
    )


@bp.route("/sessions/<lms_id:session_id>/code.json")
@access("role", *STAFF)
def code_json(session_id: int):
    session, _organizes = get_session_or_404(session_id)
    return jsonify(_code_payload(session))


def _learner_session_or_404(session_id: int) -> AttendanceSession:
    session = db.session.get(AttendanceSession, session_id)
    if session is None:
        abort(404)
    enrolled = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.class_id == session.class_id,
            Enrolment.user_id == str(current_user.get_id()),
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    if enrolled is None:
        abort(403)
    return session


def _page(session, form, message="", error="", status=200):
    response = current_app.make_response(
        (
            render_template(
                "lms/attendance/checkin.html",
                session=session,
                training_class=session.training_class,
                form=form,
                message=message,
                error=error,
            ),
            status,
        )
    )
    return response


@bp.route("/checkin/<lms_id:session_id>")
@access(LOGIN)
def checkin_page(session_id: int):
    session = _learner_session_or_404(session_id)
    form = CheckinForm(formdata=None)
    form.code.data = (request.args.get("c") or "")[:12]
    return _page(session, form)


@bp.route("/checkin/<lms_id:session_id>", methods=["POST"])
@access(LOGIN)
def check_in(session_id: int):
    session = _learner_session_or_404(session_id)
    form = CheckinForm()
    if not form.validate_on_submit():
        return _page(session, form, status=422)
    user_id = str(current_user.get_id())
    limit = Limit.parse(current_app.config["LMS_CHECKIN_LIMIT"])
    if not rate_limiter().hit(f"checkin:{session.id}:{user_id}", limit):
        return _page(session, form, error=_("Too many tries; wait a few minutes."), status=429)
    device = request.cookies.get(DEVICE_COOKIE, "")
    if not device or len(device) > 64:
        device = secrets.token_hex(16)
    try:
        result = checkin.check_in(
            session, user_id, form.code.data, device, request.remote_addr or ""
        )
    except checkin.CheckinRefused as error:
        return _page(session, form, error=str(error), status=422)
    labels = {s.code: s.label for s in services.statuses(session.class_id)}
    message = _("You are checked in: %(s)s.", s=labels.get(result.status, result.status))
    if result.flags:
        message += " " + _("The trainer will confirm this check-in.")
    response = _page(session, CheckinForm(formdata=None), message=message)
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
