"""Attendance rates in reports, when the attendance area is installed.

`lms.attendance.services.attendance_rates(class_id)` is built in parallel with this area; until
it exists the report leaves the attendance column out and says so. It is read per class held, as
{user id: rate} (or one rate for the class), a rate being a fraction (0–1) or a percent.
"""

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import select

from lms import db


def rates_function():
    try:
        from lms.attendance.services import attendance_rates  # type: ignore[import-not-found]
    except ImportError:
        return None
    return attendance_rates


def _percent(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value * 100 if value <= 1 else value


def add_rates(report, base) -> bool:
    """Set each group's mean attendance (percent) over its participant-turns; False when the
    attendance area is not installed."""
    attendance_rates = rates_function()
    if attendance_rates is None:
        return False
    rows = db.session.execute(
        select(base.c.class_id, base.c.user_id, base.c.unit, base.c.level, base.c.topic)
    ).all()
    by_class: dict[int, object] = {}
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        if row.class_id not in by_class:
            by_class[row.class_id] = attendance_rates(row.class_id)
        rates = by_class[row.class_id]
        rate = _percent(rates.get(row.user_id) if isinstance(rates, Mapping) else rates)
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
