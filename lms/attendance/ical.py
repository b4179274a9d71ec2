"""The iCalendar feed of a class's sessions, behind a private link per learner.

The link carries a signature of (class, learner) made with the app's secret key: nothing is
stored, a calendar app can fetch it without logging in, and it stops working when the learner
leaves the class. Cancelled sessions stay in the feed as STATUS:CANCELLED, so calendars that
already hold them show the cancellation instead of a silent gap.
"""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from lms.attendance.models import AttendanceSession, SessionMode
from lms.classes.models import TrainingClass
from lms.db import utcnow


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="lms.attendance.calendar")


def feed_token(class_id: int, user_id: str) -> str:
    return _serializer().dumps([class_id, user_id])


def read_token(token: str) -> tuple[int, str] | None:
    try:
        class_id, user_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(class_id, int) or not isinstance(user_id, str):
        return None
    return class_id, user_id


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return out


def calendar(training_class: TrainingClass, sessions: list[AttendanceSession], host: str) -> str:
    now = _stamp(utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//LMS CCHC//Attendance//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(training_class.name)}",
    ]
    for session in sessions:
        where = session.meeting_url if session.mode == SessionMode.ONLINE else session.room
        summary = training_class.name + (f": {session.topic}" if session.topic else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:lms-session-{session.id}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(session.starts_at)}",
            f"DTEND:{_stamp(session.ends_at)}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(where or training_class.location)}",
            "STATUS:" + ("CANCELLED" if session.cancelled_at else "CONFIRMED"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
