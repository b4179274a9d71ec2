"""Access rules of the attendance pages, and the factories the attendance tests share.

The world's class ATT-A (unit A) is taught by the world's trainer and has the world's learner
enrolled, with a session going on now. Organizer A, admin and the trainer run it; organizer B
may not; the learner checks in and reads their own sessions; the calendar link is public.
"""

from datetime import date, time, timedelta

from lms import db
from lms.attendance import ical, services
from lms.attendance.services import SessionData
from lms.classes import enrolment as enrolments
from lms.classes.models import ClassTrainer
from lms.db import utcnow
from tests.access import LOGIN
from tests.access.classes import open_class, small_version


def session_now(class_id: int, **fields):
    """A session that started a few minutes ago and ends in two hours (check-in open)."""
    start = services.local(utcnow() - timedelta(minutes=5))
    end = services.local(utcnow() + timedelta(hours=2))
    data = SessionData(
        day=start.date(),
        start=start.time().replace(second=0, microsecond=0),
        end=end.time().replace(second=0, microsecond=0)
        if end.date() == start.date()
        else time(23, 59),
        **fields,
    )
    session = services.create_session(class_id, data)
    db.session.commit()
    return session


def past_session(class_id: int, days: int = 2):
    day = date.today() - timedelta(days=days)
    session = services.create_session(class_id, SessionData(day, time(8), time(11)))
    db.session.commit()
    return session


def extend_world(world) -> None:
    training_class = open_class(world["unit_a"], "ATT-A", version=small_version("att-thu"))
    learner_id = str(world["people"]["learner"].id)
    enrolments.enrol(training_class, learner_id)
    db.session.add(
        ClassTrainer(class_id=training_class.id, user_id=str(world["people"]["trainer"].id))
    )
    db.session.commit()
    world["attendance_class"] = training_class
    world["attendance_session"] = session_now(training_class.id)


STAFF = {
    "organizer_a": 200,
    "admin": 200,
    "trainer": 200,
    "organizer_b": 403,
    "anonymous": LOGIN,
    "*": 403,
}


def staff_act(status: int) -> dict:
    return {**STAFF, "organizer_a": status, "admin": status, "trainer": status}


ORGANIZERS = {"organizer_a": 200, "admin": 200, "anonymous": LOGIN, "*": 403}
LEARNER = {"learner": 200, "anonymous": LOGIN, "*": 403}

ACCESS = {
    "lms.attendance.class_sessions": ("GET", STAFF),
    "lms.attendance.new_session": ("GET", STAFF),
    "lms.attendance.new_series": ("GET", STAFF),
    "lms.attendance.edit_session": ("GET", STAFF),
    "lms.attendance.cancel_session": ("POST", staff_act(303)),
    "lms.attendance.report": ("GET", STAFF),
    "lms.attendance.settings": ("GET", ORGANIZERS),
    "lms.attendance.send_notices": ("POST", {**ORGANIZERS, "organizer_a": 303, "admin": 303}),
    "lms.attendance.mark": ("GET", STAFF),
    "lms.attendance.save_marks": ("POST", staff_act(303)),
    "lms.attendance.mark_all_present": ("POST", staff_act(303)),
    # A form post instead of the script's JSON: refused as unreadable.
    "lms.attendance.save_marks_json": ("POST", staff_act(400)),
    "lms.attendance.history": ("GET", STAFF),
    "lms.attendance.export_class": ("GET", STAFF),
    "lms.attendance.export_session": ("GET", STAFF),
    "lms.attendance.class_sheet": ("GET", STAFF),
    "lms.attendance.session_sheet": ("GET", STAFF),
    "lms.attendance.import_list": ("GET", STAFF),
    # No file sent: the form answers with its error.
    "lms.attendance.import_sign_in": ("POST", staff_act(422)),
    "lms.attendance.import_report": ("POST", staff_act(422)),
    "lms.attendance.show_code": ("GET", STAFF),
    "lms.attendance.code_json": ("GET", STAFF),
    "lms.attendance.checkin_page": ("GET", LEARNER),
    # A wrong code: the learner is told so (422); nobody else may even try.
    "lms.attendance.check_in": ("POST", {**LEARNER, "learner": 422}),
    "lms.attendance.my_sessions": ("GET", LEARNER),
    "lms.attendance.calendar_feed": ("GET", {"*": 200}),
}


def url_args(world) -> dict[str, dict]:
    class_id = world["attendance_class"].id
    session_id = world["attendance_session"].id
    by_class = {"class_id": class_id}
    by_session = {"session_id": session_id}
    return {
        "lms.attendance.class_sessions": by_class,
        "lms.attendance.new_session": by_class,
        "lms.attendance.new_series": by_class,
        "lms.attendance.edit_session": by_session,
        "lms.attendance.cancel_session": by_session,
        "lms.attendance.report": by_class,
        "lms.attendance.settings": by_class,
        "lms.attendance.send_notices": by_class,
        "lms.attendance.mark": by_session,
        "lms.attendance.save_marks": by_session,
        "lms.attendance.mark_all_present": by_session,
        "lms.attendance.save_marks_json": by_session,
        "lms.attendance.history": by_session,
        "lms.attendance.export_class": {**by_class, "fmt": "csv"},
        "lms.attendance.export_session": {**by_session, "fmt": "xlsx"},
        "lms.attendance.class_sheet": by_class,
        "lms.attendance.session_sheet": by_session,
        "lms.attendance.import_list": by_session,
        "lms.attendance.import_sign_in": by_session,
        "lms.attendance.import_report": by_session,
        "lms.attendance.show_code": by_session,
        "lms.attendance.code_json": by_session,
        "lms.attendance.checkin_page": by_session,
        "lms.attendance.check_in": by_session,
        "lms.attendance.my_sessions": by_class,
        "lms.attendance.calendar_feed": {
            "token": ical.feed_token(class_id, str(world["people"]["learner"].id))
        },
    }


def form_data(world) -> dict[str, dict]:
    learner_id = str(world["people"]["learner"].id)
    return {
        "lms.attendance.cancel_session": {"reason": "Giảng viên bận công tác"},
        "lms.attendance.save_marks": {f"status-{learner_id}": "late"},
        "lms.attendance.check_in": {"code": "abcdef"},
    }
