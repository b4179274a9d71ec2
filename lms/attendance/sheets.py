"""Printable sign-in sheets (danh sách ký tên): A4, the organizer unit, class and opening
decision in the header, the session's date, time and place, numbered rows in Vietnamese name
order with a signature column. One session, or every session of a class (a page set each).
Built with `lms.pdf` (fpdf2 and the vendored Be Vietnam Pro font)."""

from flask_babel import gettext as _
from fpdf.enums import XPos, YPos

from lms.attendance import reports, services
from lms.attendance.models import AttendanceSession
from lms.classes.models import TrainingClass
from lms.i18n import format_date, format_datetime
from lms.pdf import FAMILY, Document

ROW_HEIGHT = 9
#: (column title, width in mm); the widths fill the 180 mm between the margins.
WIDTHS = (12, 58, 28, 47, 35)


def _decision(training_class: TrainingClass) -> str:
    if not training_class.decision_number:
        return ""
    text = _("Opening decision No. %(n)s", n=training_class.decision_number)
    if training_class.decision_date:
        text += " " + _("of %(d)s", d=format_date(training_class.decision_date))
    if training_class.decision_issuer:
        text += " — " + training_class.decision_issuer
    return text


def _header(doc: Document, training_class: TrainingClass, session: AttendanceSession, number: int):
    doc.add_page()
    doc.set_font(FAMILY, "B", 11)
    doc.multi_cell(
        0, 6, training_class.unit.name.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.ln(2)
    doc.set_font(FAMILY, "B", 15)
    doc.multi_cell(0, 8, _("SIGN-IN SHEET"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, "", 11)
    doc.multi_cell(
        0,
        6,
        f"{training_class.name} ({training_class.code})",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    decision = _decision(training_class)
    if decision:
        doc.set_font(FAMILY, "I", 10)
        doc.multi_cell(0, 5, decision, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, "", 11)
    start = format_datetime(session.starts_at)
    end = format_datetime(session.ends_at)[-5:]
    place = session.room if session.mode != "online" else _("Online")
    line = _("Session %(n)d: %(w)s", n=number, w=f"{start}–{end}")
    if place:
        line += " — " + place
    doc.ln(2)
    doc.multi_cell(0, 6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if session.topic:
        doc.multi_cell(
            0, 6, _("Topic: %(t)s", t=session.topic), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    doc.ln(3)
    _table_head(doc)


def _table_head(doc: Document) -> None:
    doc.set_font(FAMILY, "B", 10)
    titles = (_("No."), _("Full name"), _("Official code"), _("Unit"), _("Signature"))
    for title, width in zip(titles, WIDTHS, strict=True):
        doc.cell(width, ROW_HEIGHT, title, border=1, align="C")
    doc.ln()
    doc.set_font(FAMILY, "", 10)


def _fit(doc: Document, text: str, width: float) -> str:
    """Shorten at a word boundary so the text fits its cell (never cut mid-word)."""
    if doc.get_string_width(text) <= width - 2:
        return text
    words = text.split()
    while words and doc.get_string_width(" ".join(words) + "…") > width - 2:
        words.pop()
    return " ".join(words) + "…"


def _page(doc: Document, training_class, session, number: int, learners: list) -> None:
    _header(doc, training_class, session, number)
    for index, row in enumerate(learners, start=1):
        if doc.get_y() + ROW_HEIGHT > doc.h - doc.b_margin:
            doc.add_page()
            _table_head(doc)
        cells = (str(index), row.full_name, row.official_code or "", row.unit_name or "", "")
        for text, width in zip(cells, WIDTHS, strict=True):
            doc.cell(width, ROW_HEIGHT, _fit(doc, text, width), border=1)
        doc.ln()


def sign_in_sheet(training_class: TrainingClass, session_id: int | None = None) -> bytes:
    """The PDF of one session's sheet, or of every session of the class that is not cancelled."""
    sessions = [s for s in services.class_sessions(training_class.id) if s.cancelled_at is None]
    learners = list(reports.learners(training_class.id))
    doc = Document(title=_("Sign-in sheet") + f" — {training_class.code}")
    doc.set_auto_page_break(False)
    doc.set_margins(15, 15, 15)
    for number, session in enumerate(sessions, start=1):
        if session_id is None or session.id == session_id:
            _page(doc, training_class, session, number, learners)
    if doc.page == 0:
        doc.add_page()
        doc.multi_cell(0, 8, _("No sessions yet."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return doc.to_bytes()
