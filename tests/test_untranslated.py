"""No English reaches a Vietnamese reader: Flask-Login's and WTForms' own messages go through the
catalogue, and a crawl of the demo as every role finds no untranslated text in any page or
flashed message.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import message_flashed
from flask_babel import force_locale
from sqlalchemy import select

from lms import db, demo
from lms.accounts.models import Account
from lms.forms import WTFORMS_MESSAGES
from lms.resources import PACKAGE_DIR
from tests.conftest import csrf_token, login
from tests.html_checks import FORM_ONLY_PAGES

CATALOGUE = PACKAGE_DIR / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
DEMO_ROLES = ("hocvien", "giangvien", "tochuc", "quantri")
#: Pages per role; the crawl must end before it (the test fails otherwise).
MAX_PAGES = 600
#: Addresses followed per kind of page (ids and query strings aside): the hundredth question of
#: a bank is rendered by the same template as the fifth.
MAX_PER_KIND = 4
#: Never followed: they end the session or switch the language the crawl is checking.
SKIPPED_PATHS = ("/logout", "/language")
#: Words that are everyday English and never Vietnamese; two in one text run mean a sentence of
#: English ("to" and "in" are Vietnamese words too, so they are not here).
ENGLISH_WORDS = frozenset(
    (
        "the",
        "this",
        "that",
        "these",
        "your",
        "you",
        "please",
        "must",
        "cannot",
        "should",
        "could",
        "would",
        "field",
        "page",
        "and",
        "with",
        "not",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "there",
        "here",
        "when",
        "which",
        "what",
        "where",
        "from",
        "into",
    )
)
#: Visible text that is English on purpose in Vietnamese pages: the language switch, and the
#: proper names of things (Moodle's formats, file types).
ALLOWED = ("English",)


class VisibleText(HTMLParser):
    """The text runs a reader sees or hears: text nodes and the attributes read aloud."""

    SPOKEN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in self.SPOKEN:
            if attributes.get(name):
                self.runs.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button")
            and attributes.get("value")
        ):
            self.runs.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.runs.append(" ".join(data.split()))


def catalogue_sentences() -> list[str]:
    """English sentences of the catalogue whose Vietnamese differs: seen verbatim, they were
    shown untranslated. Placeholders split a message; pieces of three words or more count.
    """
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    pieces: set[str] = set()
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", message.id):
            piece = piece.strip(" .,:;()“”\"'")
            if len(piece.split()) >= 3:
                pieces.add(piece)
    return sorted(pieces)


def english_in(runs: list[str], sentences: list[str]) -> list[str]:
    """The runs that read as English."""
    found = []
    for run in runs:
        if any(word in run for word in ALLOWED) and len(run.split()) <= 2:
            continue
        words = {word.lower() for word in re.findall(r"[A-Za-z']+", run)}
        if len(words & ENGLISH_WORDS) >= 2 or any(sentence in run for sentence in sentences):
            found.append(run)
    return found


def test_the_login_prompt_is_vietnamese(app):
    """An official following a link to a page behind the log-in reads Vietnamese."""
    client = app.test_client()
    response = client.get("/profile", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Vui lòng đăng nhập để xem trang này." in page
    assert "Please log in" not in page


def test_wtforms_own_messages_are_vietnamese(app, make_person):
    """A name past its field's length gets WTForms' message in Vietnamese, not English."""
    client = login(app.test_client(), make_person("hocvien"))
    response = client.post(
        "/profile",
        data={"csrf_token": csrf_token(client, "/profile"), "full_name": "Nguyễn " * 50},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Không được dài quá 255 ký tự." in page
    assert "Field cannot be longer" not in page
    assert "This field is required" not in page


def test_every_form_speaks_through_the_catalogue():
    """Forms derive from LMSForm: a bare FlaskForm would show WTForms' English messages."""
    bare = [
        str(path.relative_to(PACKAGE_DIR))
        for path in PACKAGE_DIR.rglob("*.py")
        if path != PACKAGE_DIR / "forms.py" and "FlaskForm" in path.read_text(encoding="utf-8")
    ]
    assert bare == []


@pytest.mark.parametrize("message", WTFORMS_MESSAGES)
def test_every_wtforms_message_has_a_vietnamese_translation(app, message):
    """Each built-in message WTForms may show reads differently in Vietnamese."""
    from flask_babel import gettext

    with app.test_request_context(), force_locale("vi"):
        assert gettext(message) != message


@pytest.fixture
def demo_site(app):
    """The whole demo, seeded in Vietnamese as `lms demo` does, and committed."""
    with force_locale("vi"):
        demo.seed()
    db.session.commit()
    return app


def crawl(client, sentences: list[str]) -> tuple[int, dict[str, list[str]]]:
    """Follow every same-site link breadth-first from the home page; the English found per URL."""
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    queue = deque(["/", *FORM_ONLY_PAGES])
    found: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            target = urlsplit(response.headers["Location"])
            url_path = target.path + (f"?{target.query}" if target.query else "")
            if url_path not in seen:
                seen.add(url_path)
                queue.append(url_path)
            continue
        if not response.content_type.startswith("text/html"):
            continue
        pages += 1
        text = VisibleText()
        text.feed(response.get_data(as_text=True))
        english = english_in(text.runs, sentences)
        if english:
            found[url] = english
        for href in text.links:
            parts = urlsplit(urldefrag(href)[0])
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIPPED_PATHS) or parts.path.startswith("/static/"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen:
                continue
            kind = re.sub(r"\d+", "#", parts.path)
            if kinds.get(kind, 0) >= MAX_PER_KIND:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            seen.add(link)
            queue.append(link)
    assert not queue, f"the crawl stopped at {MAX_PAGES} pages"
    return pages, found


def test_no_page_of_the_demo_shows_english_in_vietnamese(demo_site):
    """Every page each role (and a visitor) reaches by links, and every message flashed on the
    way, is Vietnamese. One seeded demo serves all five crawls.
    """
    flashed: list[str] = []

    def record(sender, message, category):
        flashed.append(str(message))

    sentences = catalogue_sentences()
    problems = []
    for username in (None, *DEMO_ROLES):
        client = demo_site.test_client()
        if username:
            login(client, db.session.scalar(select(Account).filter_by(username=username)))
        with message_flashed.connected_to(record, demo_site):
            pages, found = crawl(client, sentences)
        assert pages >= (1 if username is None else 20), username
        problems += [f"{username or 'visitor'} {url}: {runs}" for url, runs in found.items()]
    assert not problems, "\n".join(problems)
    assert not english_in(flashed, sentences), flashed


@pytest.mark.parametrize(
    ("run", "english"),
    [
        ("Please log in to access this page.", True),
        ("Field cannot be longer than 255 characters.", True),
        ("Bài làm này đang chờ chấm điểm.", False),
        ("Sử dụng phần mềm Microsoft Word và Internet of Things", False),
        ("English", False),
    ],
)
def test_the_scanner_tells_english_from_vietnamese(run, english):
    """English sentences are caught, Vietnamese with an English name is not."""
    assert bool(english_in([run], catalogue_sentences())) is english
