"""The learner's side: a class's sessions with their own marks and the private calendar link,
and the calendar feed itself (public, behind the link's signature)."""

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms import db
from lms.attendance import checkin, ical, services
from lms.attendance.blueprint import bp
from lms.attendance.models import AttendanceMark
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.db import utcnow
from lms.security import LOGIN, PUBLIC, access


def _enrolled(class_id: int, user_id: str) -> bool:
    return (
        db.session.scalar(
            select(Enrolment.id).where(
                Enrolment.class_id == class_id,
                Enrolment.user_id == user_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
        is not None
    )


@bp.route("/classes/<lms_id:class_id>/my")
@access(LOGIN)
def my_sessions(class_id: int):
    """The class's sessions for a learner of it: when, where, cancelled or not, their mark."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    user_id = str(current_user.get_id())
    if not _enrolled(class_id, user_id):
        abort(403)
    sessions = services.class_sessions(class_id)
    marks = (
        {
            mark.session_id: mark
            for mark in db.session.scalars(
                select(AttendanceMark).where(
                    AttendanceMark.user_id == user_id,
                    AttendanceMark.session_id.in_([s.id for s in sessions]),
                )
            )
        }
        if sessions
        else {}
    )
    now = utcnow()
    return render_template(
        "lms/attendance/my_sessions.html",
        training_class=training_class,
        sessions=sessions,
        marks=marks,
        labels={s.code: s.label for s in services.statuses(class_id)},
        rate=services.attendance_rates(class_id).get(user_id),
        open_ids={
            s.id
            for s in sessions
            if checkin.window(s)[0] <= now <= checkin.window(s)[1] and s.cancelled_at is None
        },
        now=now,
        feed_url=url_for(
            ".calendar_feed", token=ical.feed_token(class_id, user_id), _external=True
        ),
    )


@bp.route("/calendar/<token>.ics")
@access(PUBLIC)
def calendar_feed(token: str):
    """The class's sessions as iCalendar, for the learner whose private link this is."""
    found = ical.read_token(token[:512])
    if found is None:
        abort(404)
    class_id, user_id = found
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None or not _enrolled(class_id, user_id):
        abort(404)
    body = ical.calendar(training_class, services.class_sessions(class_id), request.host)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f"inline; filename=lop-{class_id}.ics"
    return response
