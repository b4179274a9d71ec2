"""The one writer of every CSV and XLSX file the LMS hands out (web downloads and CLI lists).

A file is a `Table`: a title, named columns and a function yielding rows as dicts keyed by
column. CSV is generated chunk by chunk and streamed; XLSX is written by xlsxwriter in
constant-memory mode to a temporary file; memory stays flat for any number of rows.

Every text cell and header that would start a formula in a spreadsheet (= + - @, tab, carriage
return) is written with a leading apostrophe: a learner who names themself `=HYPERLINK(…)` must
not plant a live formula in an organizer's spreadsheet (CSV injection). XLSX cells are written as
strings, which Excel never evaluates.

A CSV download's rows are read while the response streams, after the view's request — and its
database session — has ended: `Table.rows` must load what it needs itself (from ids it closed
over), never use ORM objects the view loaded.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, TextIO

import xlsxwriter
from flask import Response, current_app, send_file, stream_with_context

from lms.i18n import format_date, format_datetime, local_time

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
#: Rows written between two chunks of a streamed CSV.
CHUNK_ROWS = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: "text", "number", "date" or "datetime": how each file format writes the value.
    kind: str = "text"
    width: int = 14


@dataclass(frozen=True)
class Table:
    #: The sheet's name in an XLSX file.
    title: str
    columns: tuple[Column, ...]
    #: Yields the rows, each a dict keyed by column; called where the file is written.
    rows: Callable[[], Iterable[dict]]


# --- CSV -----------------------------------------------------------------------------------------


def defuse(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value, kind: str = "text") -> str:
    if value is None:
        return ""
    if kind == "date" or (isinstance(value, date) and not isinstance(value, datetime)):
        return format_date(value)
    if kind == "datetime" or isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return defuse(str(value))


def _header(table: Table) -> list[str]:
    return [defuse(str(column.title)) for column in table.columns]


def _cells(table: Table, row: dict) -> list[str]:
    return [csv_cell(row[column.key], column.kind) for column in table.columns]


def csv_chunks(table: Table, bom: bool = True) -> Iterator[bytes]:
    """The table as UTF-8 CSV (with a byte-order mark, so Excel reads Vietnamese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(_header(table))
    for count, row in enumerate(table.rows(), start=1):
        writer.writerow(_cells(table, row))
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(table: Table, stream: TextIO) -> None:
    """Write the table as CSV to a text stream (standard output, say), header first."""
    writer = csv.writer(stream)
    writer.writerow(_header(table))
    for row in table.rows():
        writer.writerow(_cells(table, row))


# --- XLSX ----------------------------------------------------------------------------------------


def _local(value: datetime | date | None):
    """Dates as they are; timestamps in the LMS's time zone, without it (Excel has none)."""
    if isinstance(value, datetime):
        return local_time(value).replace(tzinfo=None)
    return value


def sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet1"


def write_xlsx(table: Table, target: IO[bytes]) -> None:
    """Write the table as an XLSX workbook into `target` (a binary file)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(sheet_name(str(table.title)))
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = {
            "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
            "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        }
        for index, column in enumerate(table.columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, str(column.title), bold)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(table.rows(), start=1):
            for index, column in enumerate(table.columns):
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


def xlsx_file(table: Table) -> IO[bytes]:
    """The table as XLSX in an anonymous temporary file, rewound; the caller closes it
    (send_file does, once the download is sent).
    """
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        write_xlsx(table, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


# --- downloads -----------------------------------------------------------------------------------


def download(table: Table, file_name: str, fmt: str) -> Response:
    """The response sending a table as a file: CSV streamed chunk by chunk, XLSX from its
    temporary file. `fmt` is a key of `FORMATS`.
    """
    if fmt == "csv":
        response = current_app.response_class(
            stream_with_context(csv_chunks(table)), mimetype=FORMATS["csv"]
        )
        response.headers.set("Content-Disposition", "attachment", filename=file_name)
        return response
    return send_file(
        xlsx_file(table), mimetype=FORMATS["xlsx"], as_attachment=True, download_name=file_name
    )
