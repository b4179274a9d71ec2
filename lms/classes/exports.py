"""Class rosters on screen and as files. Exports are an explicit registry (`EXPORTS`): each names
its columns and yields rows of exactly those columns, never a dump of a table. Rows come from the
database `yield_per` at a time and the files are written by `lms.tabular.writing` (streamed CSV,
constant-memory XLSX), so memory stays flat for any class size. `download` sends any such export
of a class as a file.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.classes.models import Enrolment, EnrolmentStatus, ModuleCompletion, TrainingClass
from lms.courses.models import Module
from lms.tabular import writing
from lms.tabular.writing import FORMATS, Column, Table

__all__ = ["EXPORTS", "FORMATS", "Column", "Export", "download"]

#: Rows fetched from the database at a time while exporting.
YIELD_PER = 500


# --- the roster query ----------------------------------------------------------------------------


def required_modules(training_class: TrainingClass) -> int:
    return (
        db.session.scalar(
            select(func.count(Module.id)).where(
                Module.version_id == training_class.course_version_id, Module.required.is_(True)
            )
        )
        or 0
    )


def roster_query(training_class: TrainingClass, status: str = EnrolmentStatus.ENROLLED) -> Select:
    """One row per learner of the class in Vietnamese name order, with the number of required
    modules they completed: a single statement however many learners there are.
    """
    done = (
        select(ModuleCompletion.enrolment_id, func.count().label("done"))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .join(Enrolment, Enrolment.id == ModuleCompletion.enrolment_id)
        .where(
            Enrolment.class_id == training_class.id,
            Module.version_id == training_class.course_version_id,
            Module.required.is_(True),
        )
        .group_by(ModuleCompletion.enrolment_id)
        .subquery()
    )
    return (
        select(
            Enrolment.id.label("enrolment_id"),
            Enrolment.user_id,
            Enrolment.source,
            Enrolment.enrolled_at,
            Enrolment.withdrawn_at,
            Enrolment.last_activity_at,
            LearnerProfile.full_name,
            LearnerProfile.official_code,
            LearnerProfile.date_of_birth,
            LearnerProfile.position,
            Unit.name.label("unit_name"),
            func.coalesce(done.c.done, 0).label("done"),
        )
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .outerjoin(done, done.c.enrolment_id == Enrolment.id)
        .where(Enrolment.class_id == training_class.id, Enrolment.status == status)
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )


@dataclass
class RosterPage:
    rows: list
    total: int
    page: int
    pages: int
    #: Required modules of the class's course version (the denominator of progress).
    required: int


def roster_page(
    training_class: TrainingClass, status: str, page: int = 1, per_page: int = 50
) -> RosterPage:
    """A page of the roster: three queries whatever the number of learners."""
    query = roster_query(training_class, status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    return RosterPage(rows, total, page, pages, required_modules(training_class))


def percent(done: int, required: int) -> int:
    """Progress in whole percent, rounded down as the learner's own page shows it; a course
    without required modules counts as done.
    """
    return 100 if required == 0 else min(100, done * 100 // required)


# --- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    #: File name start (the class code is added), in Vietnamese like the files officials share.
    file_stem: str
    title: str
    columns: tuple[Column, ...]
    #: Rows of the class given; for a CSV, called with the class as the stream loaded it.
    rows: Callable[[TrainingClass], Iterator[dict]]


ROSTER_COLUMNS = (
    Column("number", _l("No."), "number", 6),
    Column("full_name", _l("Full name"), width=28),
    Column("official_code", _l("Official code")),
    Column("date_of_birth", _l("Date of birth"), "date", 12),
    Column("unit", _l("Unit"), width=32),
    Column("position", _l("Position"), width=24),
    Column("enrolled_at", _l("Enrolled on"), "date", 12),
    Column("done", _l("Required modules completed"), "number", 12),
    Column("required", _l("Required modules"), "number", 12),
    Column("progress", _l("Progress (%)"), "number", 10),
    Column("last_activity_at", _l("Last activity"), "datetime", 17),
)


def roster_rows(training_class: TrainingClass) -> Iterator[dict]:
    """Every enrolled learner, in Vietnamese name order, streamed from the database."""
    required = required_modules(training_class)
    query = roster_query(training_class).execution_options(yield_per=YIELD_PER)
    for number, row in enumerate(db.session.execute(query), start=1):
        yield {
            "number": number,
            "full_name": row.full_name,
            "official_code": row.official_code or "",
            "date_of_birth": row.date_of_birth,
            "unit": row.unit_name or "",
            "position": row.position,
            "enrolled_at": row.enrolled_at,
            "done": row.done,
            "required": required,
            "progress": percent(row.done, required),
            "last_activity_at": row.last_activity_at,
        }


EXPORTS: dict[str, Export] = {
    "roster": Export("danh-sach-hoc-vien", _l("Roster"), ROSTER_COLUMNS, roster_rows),
}


def file_name(export: Export, training_class: TrainingClass, fmt: str) -> str:
    return f"{export.file_stem}-{training_class.code}.{fmt}"


# --- download ------------------------------------------------------------------------------------


def table(export: Export, training_class: TrainingClass) -> Table:
    """The export of one class as a table to write. Its rows load the class again, by id, where
    they are read: a CSV streams after the view's request and its session have ended.
    """
    class_id = training_class.id

    def rows() -> Iterator[dict]:
        return export.rows(db.session.get(TrainingClass, class_id))

    return Table(str(export.title), export.columns, rows)


def download(export: Export, training_class: TrainingClass, fmt: str) -> Response:
    """The response sending an export of the class as a file (see `lms.tabular.writing`)."""
    return writing.download(
        table(export, training_class), file_name(export, training_class, fmt), fmt
    )
