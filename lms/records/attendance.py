"""Attendance rates in reports: the attendance area's `attendance_rates(class_id)`, read per
class held as {user id: Rate}, each Rate's `percent` None before a session of the class was held
(such learners are left out of the mean rather than counted as absent).
"""

from collections import defaultdict

from sqlalchemy import select

from lms import db
from lms.attendance.services import attendance_rates


def add_rates(report, base) -> bool:
    """Set each group's mean attendance (percent) over its participant-turns (one rates query
    per class held); True: the figures are measured."""
    rows = db.session.execute(
        select(base.c.class_id, base.c.user_id, base.c.unit, base.c.level, base.c.topic)
    ).all()
    by_class: dict[int, object] = {}
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        if row.class_id not in by_class:
            by_class[row.class_id] = attendance_rates(row.class_id)
        learner = by_class[row.class_id].get(row.user_id)
        rate = None if learner is None else learner.percent
        if rate is None:
            continue
        for key in (
            ("total", ""),
            ("unit", str(row.unit)),
            ("level", row.level),
            ("topic", row.topic),
        ):
            sums[key].append(rate)

    def mean(key) -> float | None:
        values = sums.get(key)
        return round(sum(values) / len(values), 1) if values else None

    report.total.attendance = mean(("total", ""))
    for dimension, figures_list in report.rows.items():
        for figures in figures_list:
            figures.attendance = mean((dimension, figures.key))
    return True
