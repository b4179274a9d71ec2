"""Sessions of a class (one, or a weekly series), the class's statuses and settings, and the
attendance rates the completion rules read.

Services flush and send `attendance_changed`; the request commits. A session is *held* once it
has ended and was not cancelled; only held sessions count in a rate. Learners without a mark for
a held session count as absent when the class's `automark_absent` is on (the default) — decided
here, when the data is read, so the list is complete without any scheduled job.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import db, signals
from lms.attendance.models import (
    AttendanceMark,
    AttendanceSession,
    AttendanceSettings,
    AttendanceStatus,
    SessionMode,
)
from lms.audit import services as audit
from lms.classes.models import Enrolment, EnrolmentStatus
from lms.db import utcnow
from lms.request_cache import request_cache

#: Most sessions one series may create (e.g. 3 weekdays × 52 weeks fits).
MAX_SERIES = 200
ABSENT = "absent"


@dataclass(frozen=True)
class StatusDef:
    code: str
    label: str
    #: None: left out of the rate (an excused absence).
    points: int | None


DEFAULT_STATUSES = (
    ("present", _l("Present"), 2),
    ("late", _l("Late"), 1),
    ("excused", _l("Excused absence"), None),
    (ABSENT, _l("Absent"), 0),
)


def statuses(class_id: int) -> list[StatusDef]:
    """The class's statuses in their order: its own, or the defaults (read once a request)."""
    cache = request_cache()
    key = ("attendance-statuses", class_id)
    if key not in cache:
        cache[key] = _load_statuses(class_id)
    return cache[key]


def _load_statuses(class_id: int) -> list[StatusDef]:
    rows = db.session.scalars(
        select(AttendanceStatus)
        .where(AttendanceStatus.class_id == class_id)
        .order_by(AttendanceStatus.position, AttendanceStatus.id)
    ).all()
    if rows:
        return [StatusDef(r.code, r.label, r.points) for r in rows]
    return [StatusDef(code, str(label), points) for code, label, points in DEFAULT_STATUSES]


def save_statuses(class_id: int, wanted: list[StatusDef], actor_id: str = "") -> None:
    """Replace the class's statuses (codes stay, so marks keep their meaning)."""
    before = [vars_of(s) for s in statuses(class_id)]
    request_cache().pop(("attendance-statuses", class_id), None)
    for row in db.session.scalars(
        select(AttendanceStatus).where(AttendanceStatus.class_id == class_id)
    ):
        db.session.delete(row)
    db.session.flush()
    for position, status in enumerate(wanted):
        db.session.add(
            AttendanceStatus(
                class_id=class_id,
                code=status.code,
                label=status.label,
                points=status.points,
                position=position,
            )
        )
    db.session.flush()
    audit.record(
        "attendance.statuses",
        "class",
        class_id,
        {"statuses": before},
        {"statuses": [vars_of(s) for s in wanted]},
        actor_id=actor_id or None,
    )
    changed(class_id, None)


def vars_of(status: StatusDef) -> dict:
    return {"code": status.code, "label": status.label, "points": status.points}


def settings(class_id: int) -> AttendanceSettings:
    """The class's settings (an unsaved row of defaults when it has none)."""
    row = db.session.get(AttendanceSettings, class_id)
    return row or AttendanceSettings(class_id=class_id, automark_absent=True, low_percent=80)


def save_settings(class_id: int, automark_absent: bool, low_percent: int, actor_id: str = ""):
    row = db.session.get(AttendanceSettings, class_id)
    before = None
    if row is None:
        row = AttendanceSettings(class_id=class_id)
        db.session.add(row)
    else:
        before = {"automark_absent": row.automark_absent, "low_percent": row.low_percent}
    row.automark_absent = automark_absent
    row.low_percent = low_percent
    db.session.flush()
    after = {"automark_absent": automark_absent, "low_percent": low_percent}
    audit.record("attendance.settings", "class", class_id, before, after, actor_id or None)
    changed(class_id, None)


def changed(class_id: int, user_ids: Iterable[str] | None) -> None:
    """Tell the other areas (completion and certificates) that these learners' attendance may
    have changed; None: every learner of the class."""
    signals.attendance_changed.send(
        current_app._get_current_object(),
        class_id=class_id,
        user_ids=None if user_ids is None else sorted(set(user_ids)),
    )


# --- sessions ------------------------------------------------------------------------------------


@dataclass
class SessionData:
    day: date
    start: time
    end: time
    mode: str = SessionMode.IN_PERSON
    room: str = ""
    meeting_url: str = ""
    trainer_id: str = ""
    topic: str = ""


class SessionInvalid(ValueError):
    """The session cannot be saved; `problems` maps form fields to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def moment(day: date, clock: time) -> datetime:
    """A day and time on the LMS's clock as a UTC moment."""
    return datetime.combine(day, clock, tzinfo=zone()).astimezone(UTC)


def local(value: datetime) -> datetime:
    return value.astimezone(zone())


def _check(data: SessionData) -> dict[str, str]:
    from flask_babel import gettext as _

    problems = {}
    if data.end <= data.start:
        problems["end"] = _("The session must end after it starts.")
    if data.mode not in (SessionMode.IN_PERSON, SessionMode.ONLINE):
        problems["mode"] = _("Choose in person or online.")
    if data.mode == SessionMode.ONLINE and not data.meeting_url.startswith(("https://", "http://")):
        problems["meeting_url"] = _("An online session needs its meeting link (https://…).")
    return problems


def _apply(session: AttendanceSession, data: SessionData) -> None:
    session.starts_at = moment(data.day, data.start)
    session.ends_at = moment(data.day, data.end)
    session.mode = data.mode
    session.room = data.room.strip() if data.mode == SessionMode.IN_PERSON else ""
    session.meeting_url = data.meeting_url.strip() if data.mode == SessionMode.ONLINE else ""
    session.trainer_id = data.trainer_id
    session.topic = data.topic.strip()


def snapshot(session: AttendanceSession) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "mode": session.mode,
        "room": session.room,
        "meeting_url": session.meeting_url,
        "trainer_id": session.trainer_id,
        "topic": session.topic,
        "cancelled": session.cancelled_at is not None,
    }


def create_session(class_id: int, data: SessionData, actor_id: str = "") -> AttendanceSession:
    problems = _check(data)
    if problems:
        raise SessionInvalid(problems)
    session = AttendanceSession(class_id=class_id)
    _apply(session, data)
    db.session.add(session)
    db.session.flush()
    audit.record(
        "attendance.session",
        "attendance_session",
        session.id,
        None,
        snapshot(session),
        actor_id or None,
    )
    return session


def series_days(first: date, weekdays: set[int], weeks: int, skip: set[date]) -> list[date]:
    """The days of a weekly series: each of `weekdays` (0 = Monday) for `weeks` weeks from
    `first`'s week on (never before `first`), without the `skip` days."""
    monday = first - timedelta(days=first.weekday())
    days = []
    for week in range(weeks):
        for weekday in sorted(weekdays):
            day = monday + timedelta(weeks=week, days=weekday)
            if day >= first and day not in skip:
                days.append(day)
    return days


def create_series(
    class_id: int,
    data: SessionData,
    weekdays: set[int],
    weeks: int,
    skip: set[date],
    actor_id: str = "",
) -> list[AttendanceSession]:
    """A session on each day of the series, the same hours, place and trainer."""
    from flask_babel import gettext as _

    days = series_days(data.day, weekdays, weeks, skip)
    if not days:
        raise SessionInvalid({"weekdays": _("These choices give no session.")})
    if len(days) > MAX_SERIES:
        raise SessionInvalid({"weeks": _("At most %(n)d sessions at once.", n=MAX_SERIES)})
    return [
        create_session(class_id, SessionData(**{**vars(data), "day": day}), actor_id)
        for day in days
    ]


def update_session(session: AttendanceSession, data: SessionData, actor_id: str = "") -> None:
    """Move or edit a session; a move can make it held or not, so rates are re-read."""
    problems = _check(data)
    if problems:
        raise SessionInvalid(problems)
    before = snapshot(session)
    _apply(session, data)
    after = snapshot(session)
    if before != after:
        db.session.flush()
        audit.record(
            "attendance.session", "attendance_session", session.id, before, after, actor_id or None
        )
        changed(session.class_id, None)


def cancel_session(session: AttendanceSession, reason: str, actor_id: str = "") -> None:
    if session.cancelled_at is not None:
        return
    before = snapshot(session)
    session.cancelled_at = utcnow()
    session.cancel_reason = reason.strip()[:255]
    db.session.flush()
    after = snapshot(session) | {"reason": session.cancel_reason}
    audit.record(
        "attendance.session", "attendance_session", session.id, before, after, actor_id or None
    )
    changed(session.class_id, None)


def class_sessions(class_id: int) -> list[AttendanceSession]:
    return list(
        db.session.scalars(
            select(AttendanceSession)
            .where(AttendanceSession.class_id == class_id)
            .order_by(AttendanceSession.starts_at, AttendanceSession.id)
        )
    )


def is_held(session: AttendanceSession, now: datetime | None = None) -> bool:
    return session.cancelled_at is None and session.ends_at <= (now or utcnow())


# --- rates ---------------------------------------------------------------------------------------


@dataclass
class Rate:
    """A learner's attendance over a class's held sessions."""

    #: Percent of the points possible; None before any session counted.
    percent: float | None = None
    points: int = 0
    possible: int = 0
    #: Sessions per status code (unmarked ones counted as absent when automark is on).
    counts: Counter = field(default_factory=Counter)
    #: Held sessions without a mark (only when automark is off).
    unmarked: int = 0


def enrolled_ids(class_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.ENROLLED
            )
        )
    )


def enrolled_among(class_id: int, user_ids) -> set[str]:
    """Those of `user_ids` enrolled in the class: one query, however big the class (a
    check-in or a single mark need not read the whole roster)."""
    user_ids = list(set(user_ids))
    if not user_ids:
        return set()
    found: set[str] = set()
    for start in range(0, len(user_ids), 500):
        found.update(
            db.session.scalars(
                select(Enrolment.user_id).where(
                    Enrolment.class_id == class_id,
                    Enrolment.status == EnrolmentStatus.ENROLLED,
                    Enrolment.user_id.in_(user_ids[start : start + 500]),
                )
            )
        )
    return found


def held_session_ids(class_id: int, now: datetime | None = None) -> list[int]:
    return list(
        db.session.scalars(
            select(AttendanceSession.id).where(
                AttendanceSession.class_id == class_id,
                AttendanceSession.cancelled_at.is_(None),
                AttendanceSession.ends_at <= (now or utcnow()),
            )
        )
    )


@dataclass(frozen=True)
class Scoring:
    """How a class turns marks into a rate: points per status code, the most a session can
    earn, whether unmarked held sessions count as absent, and the held sessions."""

    points: dict
    best: int
    automark: bool
    sessions: tuple

    def rate(self, marks: dict[int, str]) -> Rate:
        """The rate of one learner from their marks (session id → status code)."""
        rate = Rate()
        absent_points = self.points.get(ABSENT, 0)
        for session_id in self.sessions:
            status = marks.get(session_id)
            if status is None:
                if not self.automark:
                    rate.unmarked += 1
                    continue
                status = ABSENT
            rate.counts[status] += 1
            value = self.points.get(status, absent_points)
            if value is None:
                continue
            rate.points += value
            rate.possible += self.best
        if rate.possible:
            rate.percent = round(100 * rate.points / rate.possible, 2)
        return rate


def scoring(class_id: int, now: datetime | None = None, session_ids=None) -> Scoring:
    points = {s.code: s.points for s in statuses(class_id)}
    best = max((p for p in points.values() if p is not None), default=0) or 1
    held = held_session_ids(class_id, now)
    if session_ids is not None:
        held = [s for s in held if s in set(session_ids)]
    return Scoring(points, best, settings(class_id).automark_absent, tuple(held))


def marks_of(session_ids, user_ids=None) -> dict[str, dict[int, str]]:
    """user id → {session id → status code} for these sessions (and learners): one query."""
    marks: dict[str, dict[int, str]] = {}
    if not session_ids:
        return marks
    query = select(AttendanceMark.user_id, AttendanceMark.session_id, AttendanceMark.status).where(
        AttendanceMark.session_id.in_(list(session_ids))
    )
    if user_ids is not None:
        query = query.where(AttendanceMark.user_id.in_(list(user_ids)))
    for user_id, session_id, status in db.session.execute(query):
        marks.setdefault(user_id, {})[session_id] = status
    return marks


def attendance_rates(class_id: int, now: datetime | None = None) -> dict[str, Rate]:
    """user id → `Rate` for every enrolled learner: a few queries whatever the class's size."""
    score = scoring(class_id, now)
    marks = marks_of(score.sessions)
    return {user_id: score.rate(marks.get(user_id, {})) for user_id in enrolled_ids(class_id)}
