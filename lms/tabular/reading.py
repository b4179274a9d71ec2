"""Reads the CSV and XLSX files officials upload, within bounds a hostile file cannot push.

Every import (people, enrolments, attendance sign-in lists, meeting reports) reads through
`read_rows`: the size is checked before parsing, an XLSX's uncompressed size before opening it
(a 283 KB workbook can hold two million rows), the header is checked before any data row is
read, and reading stops at the row limit plus one. CSV files come the way Excel saves them: UTF-8
with or without a byte-order mark, UTF-16 ("Unicode Text"), comma, semicolon (Excel on a
Vietnamese-locale Windows) or tab separated; a legacy 8-bit encoding (Windows-1258, TCVN3) gets a
message that says how to save the file instead.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from openpyxl import load_workbook

#: Largest file read, compressed (a 20.000-row sheet is well under this).
MAX_BYTES = 5 * 1024 * 1024
#: Largest uncompressed content of an XLSX (its XML parts together).
MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024
#: Columns read per row; the rest are ignored.
MAX_COLUMNS = 64
SUFFIXES = (".csv", ".xlsx")
DELIMITERS = (",", ";", "\t")


class FileRefused(ValueError):
    """The file cannot be read as an import; the message says why, in the user's language."""


def read_rows(
    source: Path | BinaryIO,
    filename: str,
    max_rows: int,
    check_header: Callable[[list[str]], list[str]] | None = None,
) -> list[list[str]]:
    """The header and at most `max_rows` data rows of a CSV or XLSX file, every cell as text.

    `source` is a path or a binary stream (an upload); `filename` gives the type.
    `check_header(header)` returns the header's problems: when it finds any, no data row is read
    and only the header is returned, for the caller to report them with its other problems.
    Raises `FileRefused` for a file too big, of another type, damaged, in a legacy encoding or
    with more than `max_rows` rows.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise FileRefused(_("Use a .csv or .xlsx file."))
    data = _read_bounded(source)
    try:
        rows = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
        header = next(rows, None)
        if header is None:
            raise FileRefused(_("the file is empty"))
        if check_header is not None and check_header(header):
            return [header]
        kept = [header]
        for row in rows:
            if len(kept) > max_rows:
                if any(row):
                    raise FileRefused(_("more than %(n)d rows", n=max_rows))
                continue
            kept.append(row)
        return _without_trailing_blanks(kept)
    except FileRefused:
        raise
    except Exception as error:
        # Whatever openpyxl or the CSV module trips on is the user's to fix, not a server error.
        raise FileRefused(_("The file cannot be read as %(t)s.", t=suffix[1:].upper())) from error


def _read_bounded(source: Path | BinaryIO) -> bytes:
    if isinstance(source, Path):
        try:
            with source.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        except OSError as error:
            raise FileRefused(_("The file cannot be opened: %(e)s", e=error.strerror)) from error
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than %(n)d MB.", n=MAX_BYTES // (1024 * 1024)))
    return data


def _without_trailing_blanks(rows: list[list[str]]) -> list[list[str]]:
    while len(rows) > 1 and not any(rows[-1]):
        rows.pop()
    return rows


# --- XLSX ----------------------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileRefused(_("The file cannot be read as %(t)s.", t="XLSX")) from error
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise FileRefused(
            _("The workbook is too large once unpacked; split it into smaller files.")
        )
    buffer.seek(0)
    workbook = load_workbook(buffer, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [cell_text(cell) for cell in row]
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text an official typed: dates dd/mm/yyyy, 12.0 as 12."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- CSV -----------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    for row in reader:
        yield [cell.strip() for cell in row[:MAX_COLUMNS]]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                "The file is not in UTF-8: it looks like an older Vietnamese encoding "
                "(Windows-1258 or TCVN3/ABC). In Excel, choose File › Save As › "
                '"CSV UTF-8 (Comma delimited)" or "Excel Workbook (.xlsx)", then upload '
                "that file."
            )
        ) from error


def _delimiter(header_line: str) -> str:
    """The separator that splits the header into the most columns (comma when none does)."""
    best, best_count = ",", 1
    for candidate in DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best
