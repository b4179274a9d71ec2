"""The organizer's report for a unit subtree and a period: classes held, participant-turns
(lượt), distinct learners, completion, pass and attendance rates, in total and by unit, level
and topic.

Who counts, by `basis`: everyone enrolled (not withdrawn) in the classes the subtree's units
organised (CLASSES, the default: what a Department of Home Affairs reports of its classes), or the
officials whose unit lies in the subtree, wherever they trained (PEOPLE, as the API counts). A
class counts in the period in which it ends (or starts, when it has no end date), so the reports
of consecutive periods add up; classes without dates count in none. Completed: the standing meets
every rule (as the record and the API count). Passed: a current certificate that is not revoked.

Each breakdown is one GROUP BY over the same participant rows; distinct counts (learners,
classes) come from SQL per group, never summed in Python; attendance is one more aggregate over
all the classes (lms/records/attendance.py). With `merged`, officials of a ceased
unit count under its successor (followed to today's unit), so history lines up with the units
that exist now.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select, tuple_

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.certificates.models import Certificate, Completion
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.courses.models import CourseVersion
from lms.records import attendance
from lms.records.models import UnitSuccessor
from lms.text import vi_sort_key

DIMENSIONS = ("unit", "level", "topic")
#: Who a report counts: the officials of the subtree (wherever they trained), or everyone in the
#: classes the subtree's units organised (wherever they work).
PEOPLE, CLASSES = "people", "classes"


@dataclass
class Figures:
    key: str
    label: str = ""
    classes: int = 0
    turns: int = 0
    learners: int = 0
    completed: int = 0
    passed: int = 0
    #: Mean attendance in percent over the participant-turns with a rate; None: not measured.
    attendance: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.turns, 1) if self.turns else None

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.passed / self.turns, 1) if self.turns else None


@dataclass
class Report:
    unit: Unit
    starts_on: date
    ends_on: date
    merged: bool
    basis: str = PEOPLE
    total: Figures = field(default_factory=lambda: Figures("total"))
    rows: dict[str, list[Figures]] = field(default_factory=dict)
    #: Whether the attendance area answered (lms.attendance is optional).
    attendance_measured: bool = False


@dataclass(frozen=True)
class UnitMap:
    """Which units the report covers, and the bucket (a child of the report's unit, or the
    unit itself) and level each counts under."""

    bucket_of: dict[int, int]
    level_of: dict[int, str]
    names: dict[int, str]
    retired: set[int]
    #: The report unit's subtree (the organising units, when counting by classes).
    subtree: list[int] = field(default_factory=list)


def today_unit(unit_id: int, successors: dict[int, int]) -> int:
    """The unit that carries `unit_id`'s history today (itself, or its successors' last)."""
    seen = {unit_id}
    while unit_id in successors and successors[unit_id] not in seen:
        unit_id = successors[unit_id]
        seen.add(unit_id)
    return unit_id


def unit_map(unit: Unit, merged: bool, basis: str = PEOPLE) -> UnitMap:
    """Two queries: every unit (id, path, kind, name), and the successors. Counting by classes,
    learners come from anywhere: each counts under the top unit of their tree's level below
    the root (a province's departments and communes)."""
    rows = db.session.execute(select(Unit.id, Unit.path, Unit.kind, Unit.name, Unit.retired)).all()
    path_of = {row.id: row.path for row in rows}
    kind_of = {row.id: row.kind for row in rows}
    successors = (
        dict(db.session.execute(select(UnitSuccessor.unit_id, UnitSuccessor.successor_id)).all())
        if merged
        else {}
    )
    top = unit
    if basis == CLASSES:
        root_id = int(unit.path.strip("/").split("/")[0])
        top = next(row for row in rows if row.id == root_id)
    depth = top.path.count("/")
    bucket_of, level_of = {}, {}
    for row in rows:
        counted = today_unit(row.id, successors)
        path = path_of[counted]
        if not path.startswith(top.path):
            continue
        parts = path.strip("/").split("/")
        # The path's part just below the report's unit names the bucket; the unit itself has none.
        bucket_of[row.id] = int(parts[depth - 1]) if len(parts) >= depth else top.id
        level_of[row.id] = kind_of[counted]
    return UnitMap(
        bucket_of,
        level_of,
        {row.id: row.name for row in rows},
        {row.id for row in rows if row.retired},
        [row.id for row in rows if row.path.startswith(unit.path)],
    )


def held_in(starts_on: date, ends_on: date):
    """The class ends (or, without an end date, starts) in the period. Written on the columns,
    not on COALESCE(ends_on, starts_on): PostgreSQL then estimates from their statistics (an
    expression gets a fixed guess of 0.5% of the classes, and nested loops over every turn)."""
    return or_(
        TrainingClass.ends_on.between(starts_on, ends_on),
        and_(TrainingClass.ends_on.is_(None), TrainingClass.starts_on.between(starts_on, ends_on)),
    )


def _enrolled(units: UnitMap, starts_on: date, ends_on: date, basis: str, *columns):
    """Participant-turns counted in the report (class, learner, and `columns`): enrolled, not
    withdrawn, in a class held in the period, of the subtree's officials or organising units."""
    return (
        select(Enrolment.class_id.label("class_id"), Enrolment.user_id.label("user_id"), *columns)
        .join(TrainingClass, TrainingClass.id == Enrolment.class_id)
        .join(CourseVersion, CourseVersion.id == TrainingClass.course_version_id)
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .where(
            Enrolment.status == EnrolmentStatus.ENROLLED,
            (
                LearnerProfile.unit_id.in_(list(units.bucket_of))
                if basis == PEOPLE
                else TrainingClass.unit_id.in_(units.subtree)
            ),
            held_in(starts_on, ends_on),
        )
    )


def turns(units: UnitMap, starts_on: date, ends_on: date, basis: str = PEOPLE):
    """One row per participant-turn: class, learner, the learner's own unit and the topic (what
    sums, such as attendance, need: they are grouped by unit and mapped to buckets after)."""
    return _enrolled(
        units,
        starts_on,
        ends_on,
        basis,
        LearnerProfile.unit_id.label("unit_id"),
        CourseVersion.topic.label("topic"),
    ).subquery("turns")


def participants(units: UnitMap, starts_on: date, ends_on: date, basis: str = PEOPLE):
    """One row per participant-turn: class, learner, bucket, level, topic, completed, passed."""
    completed = case((Completion.completed_at.is_not(None), 1), else_=0)
    passed = case((Certificate.id.is_not(None), 1), else_=0)
    unit_ids = list(units.bucket_of)
    bucket = case(units.bucket_of, value=LearnerProfile.unit_id) if unit_ids else literal(0)
    level = case(units.level_of, value=LearnerProfile.unit_id) if unit_ids else literal("")
    return (
        _enrolled(
            units,
            starts_on,
            ends_on,
            basis,
            bucket.label("unit"),
            level.label("level"),
            CourseVersion.topic.label("topic"),
            completed.label("completed"),
            passed.label("passed"),
        )
        .outerjoin(
            Completion,
            and_(
                Completion.class_id == Enrolment.class_id, Completion.user_id == Enrolment.user_id
            ),
        )
        .outerjoin(
            Certificate,
            and_(
                Certificate.class_id == Enrolment.class_id,
                Certificate.user_id == Enrolment.user_id,
                Certificate.is_current.is_(True),
                Certificate.revoked_at.is_(None),
            ),
        )
        .subquery()
    )


def _figures_query(base, dimension=None):
    columns = [
        func.count(func.distinct(base.c.class_id)),
        func.count(),
        func.count(func.distinct(base.c.user_id)),
        func.coalesce(func.sum(base.c.completed), 0),
        func.coalesce(func.sum(base.c.passed), 0),
    ]
    if dimension is None:
        return select(*columns)
    key = base.c[dimension]
    return select(key, *columns).group_by(key)


def _fill_in_one_pass(report: Report, base) -> None:
    """PostgreSQL: the total and the three breakdowns in one pass over the participant rows
    (GROUPING SETS), each set with its own exact distinct counts."""
    keys = [base.c[dimension] for dimension in DIMENSIONS]
    query = select(
        *(func.grouping(key) for key in keys), *keys, *_figures_query(base).selected_columns
    ).group_by(func.grouping_sets(tuple_(), *(tuple_(key) for key in keys)))
    report.rows = {dimension: [] for dimension in DIMENSIONS}
    for row in db.session.execute(query):
        flags, values, figures = row[:3], row[3:6], row[6:]
        if all(flags):
            _fill(report.total, figures)
            continue
        index = flags.index(0)
        report.rows[DIMENSIONS[index]].append(_fill(Figures(str(values[index])), figures))


def _fill(figures: Figures, values) -> Figures:
    figures.classes, figures.turns, figures.learners, completed, passed = values
    figures.completed, figures.passed = int(completed), int(passed)
    return figures


def build(
    unit: Unit, starts_on: date, ends_on: date, merged: bool = False, basis: str = PEOPLE
) -> Report:
    """The report: units and successors, then the total and one query per breakdown (SQLite),
    or all four in one pass (PostgreSQL); then one attendance aggregate for every class."""
    units = unit_map(unit, merged, basis)
    base = participants(units, starts_on, ends_on, basis)
    report = Report(unit, starts_on, ends_on, merged, basis)
    if db.session.get_bind().dialect.name == "postgresql":
        _fill_in_one_pass(report, base)
    else:
        _fill(report.total, db.session.execute(_figures_query(base)).one())
        for dimension in DIMENSIONS:
            rows = []
            for key, *values in db.session.execute(_figures_query(base, dimension)):
                rows.append(_fill(Figures(str(key)), values))
            report.rows[dimension] = rows
    labels(report, units)
    report.attendance_measured = attendance.add_rates(
        report, units, turns(units, starts_on, ends_on, basis)
    )
    return report


def labels(report: Report, units: UnitMap) -> None:
    """Readable labels, and each breakdown in a stable order (units by name, others by key)."""
    from lms.records.labels import level_label, topic_label, unit_label

    for figures in report.rows.get("unit", []):
        figures.label = unit_label(
            units, figures.key, report.unit.id if report.basis == PEOPLE else 0
        )
    for figures in report.rows.get("level", []):
        figures.label = level_label(figures.key)
    for figures in report.rows.get("topic", []):
        figures.label = topic_label(figures.key)
    for rows in report.rows.values():
        rows.sort(key=lambda f: (vi_sort_key(f.label), f.key))
