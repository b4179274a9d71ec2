"""Class rosters on screen and as files. Exports are an explicit registry (`EXPORTS`): each names
its columns and yields rows of exactly those columns, never a dump of a table. Files stream: rows
come from the database `yield_per` at a time, XLSX is written by xlsxwriter in constant-memory
mode to a temporary file, CSV is generated chunk by chunk, so memory stays flat for any class size.
`download` sends any such export as a file.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

import xlsxwriter
from flask import Response, current_app, send_file, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.classes.models import Enrolment, EnrolmentStatus, ModuleCompletion, TrainingClass
from lms.courses.models import Module
from lms.i18n import format_date, format_datetime, local_time

#: Rows fetched from the database at a time while exporting.
YIELD_PER = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
class Column:
    key: str
    title: str
    #: "text", "number", "date" or "datetime": how each file format writes the value.
    kind: str = "text"
    width: int = 14


@dataclass(frozen=True)
class Export:
    #: File name start (the class code is added), in Vietnamese like the files officials share.
    file_stem: str
    title: str
    columns: tuple[Column, ...]
    #: Rows of the class given; for a streamed file, called with the class as the stream loaded it.
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
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def file_name(export: Export, training_class: TrainingClass, fmt: str) -> str:
    return f"{export.file_stem}-{training_class.code}.{fmt}"


# --- writers -------------------------------------------------------------------------------------


def _local(value: datetime | date | None):
    """Dates as they are; timestamps in the LMS's time zone, without it (Excel has none)."""
    if isinstance(value, datetime):
        return local_time(value).replace(tzinfo=None)
    return value


def write_xlsx(export: Export, training_class: TrainingClass, target: IO[bytes]) -> None:
    """Write the export as an XLSX workbook into `target` (a binary file)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(_sheet_name(str(export.title)))
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = {
            "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
            "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        }
        for index, column in enumerate(export.columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, str(column.title), bold)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(export.rows(training_class), start=1):
            for index, column in enumerate(export.columns):
                value = row[column.key]
                if value is None or value == "":
                    sheet.write_blank(row_index, index, None)
                elif column.kind in formats:
                    sheet.write_datetime(row_index, index, _local(value), formats[column.kind])
                elif column.kind == "number":
                    sheet.write_number(row_index, index, value)
                else:
                    sheet.write_string(row_index, index, str(value))
    finally:
        workbook.close()


def xlsx_file(export: Export, training_class: TrainingClass) -> IO[bytes]:
    """The export as XLSX in an anonymous temporary file, rewound; the caller closes it
    (send_file does, once the download is sent).
    """
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        write_xlsx(export, training_class, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet1"


def csv_chunks(export: Export, training_class: TrainingClass) -> Iterator[bytes]:
    """The export as UTF-8 CSV with a byte-order mark (so Excel reads the Vietnamese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([str(column.title) for column in export.columns])
    for count, row in enumerate(export.rows(training_class), start=1):
        writer.writerow([_csv_value(row[column.key], column.kind) for column in export.columns])
        if count % YIELD_PER == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _streamed_csv(export: Export, class_id: int) -> Iterator[bytes]:
    """CSV chunks of a response body. The body is read after the view's request has ended and
    its database session with it, so the rows come from objects loaded here, in the stream's
    own session, never from the view's (detached by then).
    """
    training_class = db.session.get(TrainingClass, class_id)
    yield from csv_chunks(export, training_class)


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return format_date(value)
    if kind == "datetime":
        return format_datetime(value)
    text = str(value)
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    if kind == "text" and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def download(export: Export, training_class: TrainingClass, fmt: str) -> Response:
    """The response sending an export as a file: CSV streamed chunk by chunk, XLSX from its
    temporary file. `fmt` is a key of `FORMATS`.
    """
    name = file_name(export, training_class, fmt)
    if fmt == "csv":
        response = current_app.response_class(
            stream_with_context(_streamed_csv(export, training_class.id)), mimetype=FORMATS["csv"]
        )
        response.headers.set("Content-Disposition", "attachment", filename=name)
        return response
    return send_file(
        xlsx_file(export, training_class),
        mimetype=FORMATS["xlsx"],
        as_attachment=True,
        download_name=name,
    )
