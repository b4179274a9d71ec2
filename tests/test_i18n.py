"""Vietnamese by default, English on request; dd/mm/yyyy dates and 1.719 numbers."""

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask_babel import force_locale

from lms.i18n import format_date, format_datetime, format_number, parse_date
from lms.resources import PACKAGE_DIR
from tests.conftest import csrf_token

CATALOGUE = PACKAGE_DIR / "translations" / "vi" / "LC_MESSAGES"


def test_pages_are_vietnamese_by_default(client):
    """Without a choice, pages are Vietnamese whatever the browser asks for."""
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    body = response.get_data(as_text=True)
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body


def test_switch_to_english_and_back(client):
    """The language switch changes the page language for the session."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/language", data={"csrf_token": token, "language": "en", "next": "/login"}
    )
    assert response.headers["Location"] == "/login"
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in body and "Log in" in body
    client.post("/language", data={"csrf_token": token, "language": "vi", "next": "/login"})
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    """Only offered languages can be chosen."""
    token = csrf_token(client, "/login")
    client.post("/language", data={"csrf_token": token, "language": "fr"})
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def test_dates_are_dd_mm_yyyy(app):
    """Dates read and write as dd/mm/yyyy, in local time for timestamps."""
    with app.test_request_context():
        assert format_date(date(2025, 3, 5)) == "05/03/2025"
        assert format_datetime(datetime(2025, 3, 4, 20, 30, tzinfo=UTC)) == "05/03/2025 03:30"
    assert parse_date("5/3/2025") == date(2025, 3, 5)
    assert parse_date("2025-03-05") == date(2025, 3, 5)


def test_numbers_follow_the_language(app):
    """1.719 and 62,8 in Vietnamese; 1,719 and 62.8 in English."""
    with app.test_request_context():
        with force_locale("vi"):
            assert format_number(1719) == "1.719"
            assert format_number(62.8, digits=1) == "62,8"
        with force_locale("en"):
            assert format_number(1719) == "1,719"


def test_catalogue_is_complete():
    """Every message has a Vietnamese translation, none fuzzy."""
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_compiled_catalogue_matches_the_source():
    """The shipped .mo is compiled from the current .po."""
    with (CATALOGUE / "messages.po").open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source


def test_every_template_string_is_in_the_catalogue():
    """No user-visible message was added without extracting it (run `pybabel extract`)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    with (CATALOGUE / "messages.po").open("rb") as handle:
        known = {m.id for m in read_po(handle) if m.id}
    found = set()
    for folder, method in (("lms", "python"), ("templates", "jinja2")):
        for _, _, message, _, _ in extract_from_dir(
            root / folder,
            method_map=[("**.py", "python")] if method == "python" else [("**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None},
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert found - known == set()


def test_messages_outside_a_request_speak_the_default_language(app):
    """A message made by a command or job (no request, no language switch) is Vietnamese."""
    from flask_babel import gettext, refresh

    with app.app_context():
        refresh()
        assert gettext("Quizzes") == "Bài kiểm tra"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_are_written_as_babel_writes_them(app, language):
    """The signs are read once per language, the rounding is babel's own (half to even, from the
    value's decimal text): a sample of values, whole and with decimals, gives babel's text."""
    rng = random.Random(2026)
    values = [0.5, 1.5, 2.5, 2.675, 62.85, 62.75, 0.125, -2.5, 99.95, 1719, -1719, 1234567.891]
    values += [rng.uniform(-1e6, 1e6) for _ in range(300)]
    values += [round(rng.uniform(0, 100), rng.randint(0, 4)) for _ in range(300)]
    with app.test_request_context(), force_locale(language):
        for value in values:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                expected = format_decimal(value, format=pattern, locale=language)
                if not any(digit in expected for digit in "123456789"):
                    expected = expected.removeprefix("-")  # never "-0,0"
                assert format_number(value, digits) == expected, (value, digits)


def test_numbers_at_the_edges(app):
    """A negative value that rounds to nothing is written without its sign; infinity as babel
    writes it; a float too long for babel's 28-digit rounding is still written."""
    with app.test_request_context(), force_locale("vi"):
        assert format_number(-0.05, digits=1) == "0,0"
        assert format_number(-0.04, digits=1) == "0,0"
        assert format_number(float("inf")) == "∞"
        assert format_number(float("-inf")) == "-∞"
        assert format_number(1e30) == "1" + ".000" * 10
