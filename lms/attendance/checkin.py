"""Self check-in that resists proxies.

In the room the trainer shows a QR code (and the same code as six digits) that changes every
`code_seconds` (15 by default). Codes are not stored: each is an HMAC of the app's secret key,
the session and the time step, so every worker computes the same code. A code of the current or
the previous step is fresh (scanning takes a moment); an older code of the same session still
checks the learner in but is *flagged* for the trainer — someone sent a photo of the screen to a
friend outside — as are check-ins from outside the session's allowed networks and a device that
already checked in someone else (both marks get flagged). An online session has one code for
the whole session, read out in the call. Check-ins open `checkin_before_minutes` before the
start and close `checkin_after_minutes` after it; after `late_after_minutes` the status is late.
A learner checks in once: a second try, from any device, changes nothing.
"""

import functools
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import lazyload

from lms import db
from lms.attendance import marking, services
from lms.attendance.marking import Change
from lms.attendance.models import AttendanceMark, AttendanceSession, SessionMode
from lms.db import utcnow

#: Steps back a code stays fresh (the current one and the one before).
FRESH_STEPS = 1

FLAG_OLD_CODE = "old-code"
FLAG_NETWORK = "outside-network"
FLAG_DEVICE = "shared-device"


def flag_labels() -> dict[str, str]:
    """What each flag tells the trainer, in the user's language."""
    return {
        FLAG_OLD_CODE: _("a code that had already changed (shared from the screen?)"),
        FLAG_NETWORK: _("from outside the room's network"),
        FLAG_DEVICE: _("the same device checked in another learner"),
    }


class CheckinRefused(ValueError):
    """The check-in was not recorded; the message says why."""


@dataclass
class Checkin:
    status: str
    flags: list[str]


def _digits(message: str) -> str:
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"lms.attendance:{message}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def step(session: AttendanceSession, now: datetime) -> int:
    return int(now.timestamp()) // max(5, session.code_seconds)


def code_at(session: AttendanceSession, at_step: int) -> str:
    return _digits(f"{session.id}:{at_step}")


def online_code(session: AttendanceSession) -> str:
    return _digits(f"{session.id}:online")


def current_code(session: AttendanceSession, now: datetime | None = None) -> tuple[str, int]:
    """The code to show now and the seconds it has left."""
    now = now or utcnow()
    if session.mode == SessionMode.ONLINE:
        return online_code(session), 0
    seconds = max(5, session.code_seconds)
    left = seconds - int(now.timestamp()) % seconds
    return code_at(session, step(session, now)), left


def window(session: AttendanceSession) -> tuple[datetime, datetime]:
    opens = session.starts_at - timedelta(minutes=session.checkin_before_minutes)
    return opens, session.starts_at + timedelta(minutes=session.checkin_after_minutes)


def _code_age(session: AttendanceSession, code: str, now: datetime) -> int | None:
    """How many steps old the code is (0 = current); None when it is no code of this session."""
    code = code.strip()
    if session.mode == SessionMode.ONLINE:
        return 0 if hmac.compare_digest(code, online_code(session)) else None
    opens, _closes = window(session)
    current = step(session, now)
    first = step(session, min(opens, now))
    for age in range(0, current - first + 1):
        if hmac.compare_digest(code, code_at(session, current - age)):
            return age
    return None


def _outside(networks: str, address: str) -> bool:
    wanted = [n.strip() for n in networks.replace(";", ",").split(",") if n.strip()]
    if not wanted:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    for network in wanted:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return False
        except ValueError:
            continue
    return True


def check_networks(networks: str) -> str | None:
    """The first entry of a networks setting that is no network, or None when all are."""
    for network in networks.replace(";", ",").split(","):
        if network.strip():
            try:
                ipaddress.ip_network(network.strip(), strict=False)
            except ValueError:
                return network.strip()
    return None


def check_in(
    session: AttendanceSession,
    user_id: str,
    code: str,
    device: str,
    address: str,
    now: datetime | None = None,
) -> Checkin:
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise CheckinRefused(_("The session was cancelled."))
    if not services.enrolled_among(session.class_id, [user_id]):
        raise CheckinRefused(_("You are not a learner of this class."))
    opens, closes = window(session)
    if now < opens:
        raise CheckinRefused(_("Check-in has not opened yet."))
    if now > closes:
        raise CheckinRefused(_("Check-in has closed; ask the trainer to mark you."))
    existing = db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.session_id == session.id, AttendanceMark.user_id == user_id
        )
    )
    if existing is not None:
        raise CheckinRefused(_("You are already marked for this session."))
    age = _code_age(session, code, now)
    if age is None:
        raise CheckinRefused(
            _("This code is not right. Scan the code again or type the six digits shown now.")
        )
    flags = []
    if age > FRESH_STEPS:
        flags.append(FLAG_OLD_CODE)
    if _outside(session.allowed_networks, address):
        flags.append(FLAG_NETWORK)
    if device and db.session.scalar(
        select(AttendanceMark.id)
        .where(
            AttendanceMark.session_id == session.id,
            AttendanceMark.device == device,
            AttendanceMark.user_id != user_id,
        )
        .limit(1)
    ):
        flags.append(FLAG_DEVICE)
        # The learners checked in before from this device are flagged too (once each).
        for other in db.session.scalars(
            select(AttendanceMark).where(
                AttendanceMark.session_id == session.id,
                AttendanceMark.device == device,
                AttendanceMark.user_id != user_id,
                AttendanceMark.flags.notlike(f"%{FLAG_DEVICE}%"),
            )
        ):
            other.flags = ",".join(f for f in (*other.flags.split(","), FLAG_DEVICE) if f)
    statuses = [s.code for s in services.statuses(session.class_id)]
    late = now > session.starts_at + timedelta(minutes=session.late_after_minutes)
    status = "late" if late and "late" in statuses else statuses[0]
    marking.write_marks(
        session,
        [Change(user_id, status)],
        actor_id=user_id,
        source="checkin",
        now=now,
        extra={"device": device[:64], "address": address[:64], "flags": ",".join(flags)},
    )
    return Checkin(status, flags)


def open_for_checkin(user_id: str, now: datetime | None = None) -> list[AttendanceSession]:
    """Sessions of the learner's classes whose check-in window is open now."""
    from lms.classes.models import Enrolment, EnrolmentStatus

    now = now or utcnow()
    candidates = db.session.scalars(
        select(AttendanceSession)
        .join(Enrolment, Enrolment.class_id == AttendanceSession.class_id)
        .where(
            Enrolment.user_id == user_id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            AttendanceSession.cancelled_at.is_(None),
            AttendanceSession.starts_at <= now + timedelta(hours=4),
            AttendanceSession.starts_at >= now - timedelta(hours=12),
        )
    )
    return [s for s in candidates if window(s)[0] <= now <= window(s)[1]]


def open_now(session: AttendanceSession, now: datetime | None = None) -> bool:
    """True while the session takes check-ins."""
    opens, closes = window(session)
    return session.cancelled_at is None and opens <= (now or utcnow()) <= closes


@dataclass
class Upcoming:
    """The next sessions of a learner's classes, and which of them take check-ins now."""

    sessions: list
    open_ids: set


@functools.cache
def _upcoming_statement() -> Select:
    """`upcoming_for`'s statement, built once: the home and
    class pages run it on every request. The session's class is not joined in: the pages that
    show it (home) have it in the identity map already, from the learner's enrolments, so
    reading it costs no query, while joining it repeated the class, version and unit columns."""
    return (
        select(AttendanceSession)
        .where(
            AttendanceSession.class_id.in_(bindparam("class_ids", expanding=True)),
            AttendanceSession.ends_at > bindparam("now"),
        )
        .order_by(AttendanceSession.starts_at, AttendanceSession.id)
        .limit(bindparam("limit"))
        .options(lazyload(AttendanceSession.training_class))
    )


def upcoming_for(class_ids: list[int], limit: int = 5) -> Upcoming:
    """The next sessions (cancelled ones too, so learners see the cancellation) of these
    classes, soonest first, and which take check-ins now; one query (none without classes)."""
    if not class_ids:
        return Upcoming([], set())
    now = utcnow()
    sessions = list(
        db.session.scalars(
            _upcoming_statement(), {"class_ids": class_ids, "now": now, "limit": limit}
        )
    )
    return Upcoming(sessions, {s.id for s in sessions if open_now(s, now)})
