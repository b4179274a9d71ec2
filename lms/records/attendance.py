"""Attendance rates in reports: every participant-turn's rate, for all classes of a report, in
one SQL aggregate.

A turn's rate is the attendance area's `Rate.percent` (lms/attendance/services.py), rebuilt in
SQL: over the class's held sessions (ended, not cancelled) each session earns its status's points
out of the class's best (the most any of its statuses earns; 1 when none earns any); a session
without a mark counts as absent when the class automarks (the default) and is left out when it
does not; a status without points (an excused absence) is left out; a code the class no longer
has earns what absent earns. A class without statuses of its own uses the defaults. A turn with
nothing possible has no rate and is left out of the mean, as on the class's rates page.

The database sums each turn's points and points possible, then counts the turns per (learner's
unit, topic, points, possible); Python turns each pair into a percent rounded as `Rate` rounds it,
maps each unit to the report's bucket and level, and averages per group (sums and counts add up
across units, unlike distinct counts), so a one-class report shows the class page's average to
the digit.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, case, func, literal, null, select
from sqlalchemy.orm import aliased

from lms import db
from lms.attendance.models import (
    AttendanceMark,
    AttendanceSession,
    AttendanceSettings,
    AttendanceStatus,
)
from lms.attendance.services import ABSENT, DEFAULT_STATUSES
from lms.db import utcnow

#: The defaults' points by code, the most a session earns with them, and what absent earns.
DEFAULT_POINTS = {code: points for code, _label, points in DEFAULT_STATUSES}
DEFAULT_BEST = max((p for p in DEFAULT_POINTS.values() if p is not None), default=0) or 1
DEFAULT_ABSENT = DEFAULT_POINTS.get(ABSENT, 0)


def _own_statuses():
    """Per class with statuses of its own: the most a status earns, and what absent earns
    (whether it has an absent status at all: without one, unknown codes earn 0)."""
    is_absent = AttendanceStatus.code == ABSENT
    return (
        select(
            AttendanceStatus.class_id.label("class_id"),
            func.max(AttendanceStatus.points).label("top"),
            func.max(case((is_absent, 1), else_=0)).label("has_absent"),
            func.max(case((is_absent, AttendanceStatus.points))).label("absent_points"),
        )
        .group_by(AttendanceStatus.class_id)
        .subquery("own_statuses")
    )


def _session_statuses(base, now: datetime | None):
    """One row per participant-turn and held session of its class: the status the session
    counts with (the mark's; absent when unmarked and the class automarks; else NULL)."""
    automark = func.coalesce(AttendanceSettings.automark_absent, True)
    return (
        select(
            base.c.class_id,
            base.c.user_id,
            base.c.unit_id,
            base.c.topic,
            func.coalesce(AttendanceMark.status, case((automark, literal(ABSENT)))).label("status"),
        )
        .select_from(base)
        .join(
            AttendanceSession,
            and_(
                AttendanceSession.class_id == base.c.class_id,
                AttendanceSession.cancelled_at.is_(None),
                AttendanceSession.ends_at <= (now or utcnow()),
            ),
        )
        .outerjoin(
            AttendanceMark,
            and_(
                AttendanceMark.session_id == AttendanceSession.id,
                AttendanceMark.user_id == base.c.user_id,
            ),
        )
        .outerjoin(AttendanceSettings, AttendanceSettings.class_id == base.c.class_id)
        .subquery("session_statuses")
    )


def turn_points(base, now: datetime | None = None):
    """One row per participant-turn with a held session: the learner's unit, the topic, and the
    points earned and possible (NULL when every session was left out)."""
    sessions = _session_statuses(base, now)
    own = _own_statuses()
    status_row = aliased(AttendanceStatus, name="status_row")
    status = sessions.c.status
    default_value = case(
        *(
            (status == code, null() if points is None else literal(points))
            for code, points in DEFAULT_POINTS.items()
        ),
        else_=literal(DEFAULT_ABSENT),
    )
    value = case(
        (status.is_(None), null()),
        (own.c.class_id.is_(None), default_value),
        (status_row.id.is_not(None), status_row.points),
        (own.c.has_absent == 1, own.c.absent_points),
        else_=literal(0),
    )
    best = case(
        (own.c.class_id.is_(None), literal(DEFAULT_BEST)),
        (func.coalesce(own.c.top, 0) == 0, literal(1)),
        else_=own.c.top,
    )
    return (
        select(
            # One value per turn: MIN only names it for PostgreSQL, and grouping by the turn
            # alone follows the enrolments' (class, learner) index on SQLite, with no sort.
            func.min(sessions.c.unit_id).label("unit_id"),
            func.min(sessions.c.topic).label("topic"),
            func.sum(value).label("points"),
            func.sum(case((value.is_not(None), best))).label("possible"),
        )
        .select_from(sessions)
        .outerjoin(own, own.c.class_id == sessions.c.class_id)
        .outerjoin(
            status_row,
            and_(status_row.class_id == sessions.c.class_id, status_row.code == status),
        )
        .group_by(sessions.c.class_id, sessions.c.user_id)
        .subquery("turn_points")
    )


def add_rates(report, units, base, now: datetime | None = None) -> bool:
    """Set each group's mean attendance (percent) over its participant-turns with a rate, from
    one query over `base` (reports.turns); True: the figures are measured."""
    scored = turn_points(base, now)
    keys = (scored.c.unit_id, scored.c.topic, scored.c.points, scored.c.possible)
    pairs = select(*keys, func.count().label("turns")).where(scored.c.possible > 0).group_by(*keys)
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [0.0, 0])
    for unit_id, topic, points, possible, turns in db.session.execute(pairs):
        percent = round(100 * int(points) / int(possible), 2)
        for key in (
            ("total", ""),
            ("unit", str(units.bucket_of.get(unit_id))),
            ("level", str(units.level_of.get(unit_id))),
            ("topic", str(topic)),
        ):
            sums[key][0] += percent * turns
            sums[key][1] += turns

    def mean(key) -> float | None:
        total, count = sums.get(key, (0.0, 0))
        return round(total / count, 1) if count else None

    report.total.attendance = mean(("total", ""))
    for dimension, figures_list in report.rows.items():
        for figures in figures_list:
            figures.attendance = mean((dimension, figures.key))
    return True
