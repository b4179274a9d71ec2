"""What an organizer's real files and typing meet: CSV as Excel saves it on a Vietnamese-locale
Windows (semicolons), tab-separated text, legacy encodings refused with how to save the file,
the enrolment preview that says what *will* happen, and a date that does not exist.
"""

import io
import unicodedata

import pytest

from lms.accounts import importing
from lms.i18n import NoSuchDate, parse_date
from lms.tabular.reading import FileRefused, read_rows
from tests.conftest import csrf_token, login
from tests.test_enrolment_import import confirm, enrolled, preview_token, setup, upload  # noqa: F401

HEADER = ["Họ và tên", "Mã CBCCVC"]
ROWS = [["Nguyễn Văn An", "CB001"], ["Lê Thị Bình", "CB002"]]
#: "Họ và tên" in TCVN3 (ABC), the font encoding of older Vietnamese offices.
TCVN3_HEADER = b"H\xe4 v\xb5 t\xaan;M\xb8 CBCCVC\r\n"


def delimited(delimiter: str, encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join(row) for row in [HEADER, *ROWS]]
    text = "\r\n".join(lines) + "\r\n"
    return windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


def windows_1258(text: str) -> bytes:
    """As Windows-1258 stores Vietnamese: letters with their hat or horn precomposed, the tone
    mark as a combining character after them (Python's codec does not compose for us)."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            letter = unicodedata.normalize("NFC", base + "".join(marks[:-1]))
            out += letter.encode("cp1258") + marks[-1].encode("cp1258")
    return out


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected(app, delimiter):
    """Comma, semicolon (Excel, Vietnamese Windows) and tab all split into the same columns."""
    rows = read_rows(io.BytesIO(delimited(delimiter)), "danh-sach.csv", max_rows=10)
    assert rows == [HEADER, *ROWS]


def test_a_semicolon_file_keeps_commas_inside_cells(app):
    """A name with a comma in a semicolon file stays one cell."""
    data = "Họ và tên;Mã CBCCVC\r\nNguyễn Văn An, Sở A;CB001\r\n".encode()
    rows = read_rows(io.BytesIO(data), "danh-sach.csv", max_rows=10)
    assert rows[1] == ["Nguyễn Văn An, Sở A", "CB001"]


@pytest.mark.parametrize(
    "data",
    [delimited(";", "cp1258"), TCVN3_HEADER + b"Nguy\xd6n V\xa8n An;CB001\r\n"],
    ids=["windows-1258", "tcvn3"],
)
def test_a_legacy_encoding_is_refused_with_how_to_save_the_file(app, data):
    """Windows-1258 or TCVN3: the message names CSV UTF-8 and XLSX."""
    with pytest.raises(FileRefused) as refused:
        read_rows(io.BytesIO(data), "danh-sach.csv", max_rows=10)
    assert "CSV UTF-8" in str(refused.value) and "xlsx" in str(refused.value)


def test_a_semicolon_file_enrols_through_the_page(client, setup):  # noqa: F811
    """The file the issue's organizer had: previewed by Mã CBCCVC, then enrolled."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], (io.BytesIO(delimited(";")), "danh-sach.csv"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Nguyễn Văn An" in page and "Lê Thị Bình" in page
    assert confirm(client, setup["class"], preview_token(response)).status_code == 302
    assert enrolled(setup["class"]) == 2


def test_a_legacy_file_on_the_page_says_how_to_save_it(client, setup):  # noqa: F811
    """A 4xx page with the Vietnamese message, nothing enrolled."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], (io.BytesIO(delimited(";", "cp1258")), "ds.csv"))
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert "CSV UTF-8" in page and enrolled(setup["class"]) == 0


def test_the_preview_says_will_be_enrolled_until_confirmed(client, setup):  # noqa: F811
    """Before confirming nothing is enrolled, and the rows say so."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], (io.BytesIO(delimited(",")), "danh-sach.csv"))
    page = response.get_data(as_text=True)
    assert page.count("sẽ được ghi danh") == 2
    assert "đã ghi danh" not in page.lower()


@pytest.mark.parametrize("text", ["31/02/1990", "29/02/2023", "31/04/2026"])
def test_a_date_that_does_not_exist_is_told_apart(text):
    """Well written, not on the calendar: NoSuchDate, a ValueError."""
    with pytest.raises(NoSuchDate):
        parse_date(text)


@pytest.mark.parametrize("text", ["1990-02-31x", "31.02.1990", "ba mươi"])
def test_a_badly_written_date_is_only_a_value_error(text):
    with pytest.raises(ValueError) as error:
        parse_date(text)
    assert not isinstance(error.value, NoSuchDate)


def test_the_profile_form_says_the_date_does_not_exist(client, make_person):
    """31/02/1990 in a form: "that date does not exist", not "write dd/mm/yyyy"."""
    login(client, make_person("hocvien"))
    response = client.post(
        "/profile",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "31/02/1990",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày này không có trên lịch" in page
    assert "dd/mm/yyyy." not in page.split("Ngày này không có trên lịch")[0][-200:]


def test_the_people_import_says_the_date_does_not_exist(app):
    """A row with 31/02/1990 is reported as a day that does not exist."""
    result = importing.validate(
        [["username", "full_name", "date_of_birth"], ["an", "Nguyễn Văn An", "31/02/1990"]]
    )
    assert any("31/02/1990 không có trên lịch" in str(p) for p in result.errors), result.errors
