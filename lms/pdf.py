"""PDF documents in Vietnamese: the base every printed document of the LMS builds on (sign-in
sheets, certificates, training records).

fpdf2 (pure Python, no system libraries) with the vendored Be Vietnam Pro font (SIL Open Font
License, `lms/fonts/OFL.txt`), which covers every Vietnamese letter and tone mark. fpdf2 does no
text shaping, so a letter typed as base + combining marks (NFD, as some keyboards and macOS
files produce) would print with misplaced marks: every text goes through NFC first.
"""

import unicodedata
from datetime import datetime
from typing import Literal

from fpdf import FPDF

from lms.resources import PACKAGE_DIR

FONT_DIR = PACKAGE_DIR / "fonts"
FAMILY = "BeVietnamPro"
FONT_FILES = {
    "": "BeVietnamPro-Regular.ttf",
    "B": "BeVietnamPro-Bold.ttf",
    "I": "BeVietnamPro-Italic.ttf",
}


class Document(FPDF):
    """An A4 page set in Be Vietnam Pro, every text normalised to NFC, millimetre units.

    `created` fixes the document's creation date (metadata), so the same content gives the same
    bytes — what a stored, hashed certificate needs.
    """

    def __init__(
        self,
        orientation: Literal["portrait", "landscape"] = "portrait",
        title: str = "",
        created: datetime | None = None,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for style, file_name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(FONT_DIR / file_name))
        self.set_font(FAMILY, size=11)
        self.set_creator("LMS CCHC")
        if title:
            self.set_title(title)
        if created is not None:
            self.set_creation_date(created)

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(unicodedata.normalize("NFC", text))

    def to_bytes(self) -> bytes:
        return bytes(self.output())
