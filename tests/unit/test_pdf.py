"""The PDF base prints every Vietnamese letter as typed, whichever Unicode form it came in."""

import io
import unicodedata
from datetime import UTC, datetime

from pypdf import PdfReader

from lms.pdf import Document

#: Every vowel with every tone, đ, and both cases: what a Vietnamese name can hold.
VOWELS = "aăâeêioôơuưy"
TONES = "\u0300\u0309\u0303\u0301\u0323"
LETTERS = (
    "".join(unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in ("", *TONES))
    + "đ"
)


def _text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(document.to_bytes()))
    return "".join(page.extract_text() for page in reader.pages)


def _page_with(*lines: str) -> Document:
    document = Document()
    document.add_page()
    for line in lines:
        document.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return document


def test_every_vietnamese_letter_comes_out_as_it_went_in():
    """Lower and upper case, all five tones on all twelve vowels, and đ, read back intact."""
    text = _text(_page_with(LETTERS, LETTERS.upper()))
    assert LETTERS in text
    assert LETTERS.upper() in text


def test_decomposed_text_is_printed_composed():
    """A name typed as base letters plus combining marks prints as the composed letters."""
    name = "Nguyễn Thị Hồng Nhung"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    assert name in _text(_page_with(decomposed))


def test_bold_and_italic_print_vietnamese_too():
    document = Document()
    document.add_page()
    for style in ("B", "I"):
        document.set_font(style=style)
        document.cell(text=f"Giấy chứng nhận {style}", new_x="LMARGIN", new_y="NEXT")
    text = _text(document)
    assert "Giấy chứng nhận B" in text and "Giấy chứng nhận I" in text


def test_fixed_creation_date_gives_the_same_bytes():
    """Two renderings of the same content with the same date are byte for byte equal."""
    when = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)

    def render() -> bytes:
        document = Document(created=when, title="Giấy chứng nhận")
        document.add_page()
        document.cell(text="Trần Văn Đức")
        return document.to_bytes()

    assert render() == render()
