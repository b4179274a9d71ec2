"""A certificate as an A4 landscape PDF on the LMS's PDF base (`lms.pdf`): national header, the
issuing body, the title, the learner's name and course, the template's lines, the QR code to the
verification page with the serial, and the place, date and signer.

Everything printed comes from the snapshot, so the PDF shows exactly the signed facts; the
document's creation date is the issue time, so the same snapshot gives the same bytes.
"""

from datetime import datetime

import segno
from flask_babel import gettext as _

from lms.certificates.fields import place_and_date, printed_lines
from lms.pdf import FAMILY, Document

WIDTH, HEIGHT = 297, 210
MARGIN = 14
#: Side of the QR code in millimetres.
QR_SIZE = 30


def draw_qr(document: Document, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules in a row): sharp at any
    zoom, and the same bytes every time."""
    code = segno.make(url, error="m")
    matrix = code.matrix
    module = size / len(matrix)
    document.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                document.rect(
                    x + start * module,
                    y + row_index * module,
                    (column - start) * module,
                    module,
                    style="F",
                )
                start = None


def render(snapshot: dict) -> bytes:
    """The certificate's PDF from its snapshot (serial, issue time and verify address included)."""
    issued = datetime.fromisoformat(snapshot["issued_at"].replace("Z", "+00:00"))
    document = Document("landscape", title=snapshot["heading"], created=issued)
    document.set_auto_page_break(False)
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.add_page()
    document.set_draw_color(140, 27, 27)
    document.set_line_width(1.2)
    document.rect(7, 7, WIDTH - 14, HEIGHT - 14)
    document.set_line_width(0.3)
    document.rect(9.5, 9.5, WIDTH - 19, HEIGHT - 19)
    half = (WIDTH - 2 * MARGIN) / 2

    # Header: the issuing body on the left, the national motto on the right.
    document.set_xy(MARGIN, 16)
    document.set_font(FAMILY, "B", 11)
    document.multi_cell(half - 10, 5.5, snapshot["issuer"].upper(), align="C")
    document.set_xy(MARGIN + half, 16)
    document.multi_cell(half, 5.5, _("SOCIALIST REPUBLIC OF VIET NAM"), align="C")
    document.set_x(MARGIN + half)
    document.multi_cell(half, 5.5, _("Independence – Freedom – Happiness"), align="C")

    document.set_xy(MARGIN, 44)
    document.set_text_color(140, 27, 27)
    document.set_font(FAMILY, "B", 28)
    document.cell(WIDTH - 2 * MARGIN, 14, snapshot["heading"].upper(), align="C")
    document.set_text_color(0, 0, 0)
    document.set_xy(MARGIN, 62)
    document.set_font(FAMILY, "", 13)
    document.cell(WIDTH - 2 * MARGIN, 8, _("This certifies that"), align="C")
    document.set_xy(MARGIN, 71)
    document.set_font(FAMILY, "B", 20)
    document.cell(WIDTH - 2 * MARGIN, 11, snapshot["full_name"], align="C")
    document.set_xy(MARGIN + 10, 85)
    document.set_font(FAMILY, "", 12.5)
    document.multi_cell(
        WIDTH - 2 * MARGIN - 20,
        7,
        _("has completed the course: %(t)s", t=snapshot["course_title"]),
        align="C",
    )
    document.set_font(FAMILY, "", 11.5)
    document.set_y(document.get_y() + 2)
    for line in printed_lines(snapshot):
        document.set_x(MARGIN + 30)
        document.multi_cell(WIDTH - 2 * MARGIN - 60, 6.2, line, align="C")

    # Bottom left: the QR code and the serial; bottom right: place, date and signer.
    bottom = HEIGHT - MARGIN - QR_SIZE - 8
    if "qr" in snapshot.get("fields", []):
        draw_qr(document, snapshot["verify_url"], MARGIN + 8, bottom, QR_SIZE)
    document.set_font(FAMILY, "", 9)
    document.set_xy(MARGIN + 4, bottom + QR_SIZE + 1)
    document.cell(80, 5, _("Serial No.: %(s)s", s=snapshot["serial"]))
    document.set_xy(MARGIN + 4, bottom + QR_SIZE + 5.5)
    document.set_font(FAMILY, "", 7.5)
    document.cell(120, 4, _("Verify at %(u)s", u=snapshot["verify_url"]))

    right = MARGIN + half + 10
    document.set_xy(right, 140)
    document.set_font(FAMILY, "I", 11)
    document.cell(half - 10, 6, place_and_date(snapshot), align="C")
    document.set_xy(right, 147)
    document.set_font(FAMILY, "B", 11.5)
    document.multi_cell(half - 10, 6, snapshot["signer_title"].upper(), align="C")
    document.set_xy(right, 178)
    document.set_font(FAMILY, "B", 12.5)
    document.cell(half - 10, 7, snapshot["signer_name"], align="C")
    return document.to_bytes()
