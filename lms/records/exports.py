"""The printable record (PDF) and the record and report as XLSX, built from the same objects
the pages show, so the files and the pages cannot disagree."""

import io

from flask import Response, send_file
from flask_babel import gettext as _

from lms.accounts.forms import rank_label
from lms.i18n import format_date, format_number
from lms.pdf import Document
from lms.records.reports import Report
from lms.records.services import Record
from lms.tabular.writing import Column, Table, download

PDF = "application/pdf"


def _kind(line) -> str:
    return _("External") if line.external is not None else _("In the LMS")


def record_table(record: Record) -> Table:
    columns = (
        Column("year", _("Year"), "number", 8),
        Column("day", _("Completed on"), "date", 12),
        Column("title", _("Course / training"), width=40),
        Column("code", _("Class"), width=14),
        Column("provider", _("Organised by"), width=30),
        Column("periods", _("Periods"), "number", 9),
        Column("hours", _("Hours"), "number", 9),
        Column("result", _("Result"), width=14),
        Column("serial", _("Certificate / evidence No."), width=22),
        Column("kind", _("Source"), width=12),
    )

    def rows():
        for line in record.lines:
            yield {
                "year": line.year,
                "day": line.day,
                "title": line.title,
                "code": line.code,
                "provider": line.provider,
                "periods": line.periods,
                "hours": line.hours,
                "result": line.result,
                "serial": line.serial,
                "kind": _kind(line),
            }

    return Table(_("Training record"), columns, rows)


def record_file_name(record: Record, extension: str) -> str:
    code = record.profile.official_code or record.profile.user_id
    return f"ho-so-boi-duong-{code}.{extension}"


def record_xlsx(record: Record) -> Response:
    return download(record_table(record), record_file_name(record, "xlsx"), "xlsx")


def record_pdf(record: Record) -> bytes:
    """The record on A4 landscape: who, each year's total against its target, every line."""
    profile = record.profile
    document = Document("landscape", title=_("Training record of %(n)s", n=profile.full_name))
    document.set_auto_page_break(True, margin=14)
    document.add_page()
    document.set_font(size=15, style="B")
    document.cell(0, 9, _("TRAINING RECORD"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font(size=11)
    facts = [
        (_("Full name"), profile.full_name),
        (_("Official code (mã CBCCVC)"), profile.official_code or ""),
        (_("Unit"), profile.unit.name if profile.unit else ""),
        (_("Position"), profile.position or ""),
        (_("Rank (ngạch)"), rank_label(profile.rank)),
    ]
    for label, value in facts:
        document.cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    with document.table(col_widths=(15, 25, 25, 25, 35)) as table:
        table.row([_("Year"), _("Periods"), _("Hours"), _("Target (periods)"), _("Status")])
        for year in record.years:
            table.row(
                [
                    str(year.year),
                    format_number(year.periods),
                    format_number(year.hours, 2),
                    format_number(year.target.periods) if year.target else "—",
                    _year_status(year),
                ]
            )
    document.ln(4)
    document.set_font(size=9)
    with document.table(col_widths=(18, 60, 20, 45, 14, 14, 22, 34, 18)) as table:
        table.row(
            [
                _("Completed on"),
                _("Course / training"),
                _("Class"),
                _("Organised by"),
                _("Periods"),
                _("Hours"),
                _("Result"),
                _("Certificate / evidence No."),
                _("Source"),
            ]
        )
        for line in record.lines:
            table.row(
                [
                    format_date(line.day),
                    line.title,
                    line.code,
                    line.provider,
                    format_number(line.periods),
                    format_number(line.hours, 2),
                    line.result,
                    line.serial,
                    _kind(line),
                ]
            )
    return document.to_bytes()


def _year_status(year) -> str:
    if year.met is None:
        return _("No target set")
    if year.met:
        return _("Target met")
    return _("%(n)s periods short", n=format_number(year.missing))


def send_record_pdf(record: Record) -> Response:
    return send_file(
        io.BytesIO(record_pdf(record)),
        mimetype=PDF,
        as_attachment=True,
        download_name=record_file_name(record, "pdf"),
    )


# --- the report ----------------------------------------------------------------------------------


def report_table(report: Report, attendance: bool) -> Table:
    """Every figure of the report page, one row per total and per breakdown line."""
    columns = [
        Column("section", _("Breakdown"), width=16),
        Column("label", _("Group"), width=40),
        Column("classes", _("Classes held"), "number", 10),
        Column("turns", _("Participant-turns (lượt)"), "number", 12),
        Column("learners", _("Learners"), "number", 10),
        Column("completed", _("Completed"), "number", 10),
        Column("completion_rate", _("Completion rate (%)"), "number", 12),
        Column("passed", _("Passed (certified)"), "number", 10),
        Column("pass_rate", _("Pass rate (%)"), "number", 12),
    ]
    if attendance:
        columns.append(Column("attendance", _("Attendance rate (%)"), "number", 12))
    sections = {
        "unit": _("By unit"),
        "level": _("By level"),
        "topic": _("By topic"),
    }

    def row(section: str, figures) -> dict:
        return {
            "section": section,
            "label": figures.label,
            "classes": figures.classes,
            "turns": figures.turns,
            "learners": figures.learners,
            "completed": figures.completed,
            "completion_rate": figures.completion_rate,
            "passed": figures.passed,
            "pass_rate": figures.pass_rate,
            "attendance": figures.attendance,
        }

    def rows():
        report.total.label = report.unit.name
        yield row(_("Total"), report.total)
        for key, title in sections.items():
            for figures in report.rows.get(key, []):
                yield row(title, figures)

    return Table(_("Training report"), tuple(columns), rows)


def report_xlsx(report: Report) -> Response:
    name = (
        f"bao-cao-boi-duong-{report.unit.code}-"
        f"{report.starts_on:%Y%m%d}-{report.ends_on:%Y%m%d}.xlsx"
    )
    return download(report_table(report, report.attendance_measured), name, "xlsx")
