"""The XSS corpus (tests/data/xss-course) loaded as a course and rendered through the
trainer's module preview page, the same renderer as the published page: nothing that could
run or restyle the page is left in the HTML.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from lms import db
from lms.accounts.models import Role
from lms.content import loader
from lms.courses import services
from tests.access.authoring import authoring_units, fetch
from tests.conftest import login, repo_root

XSS_COURSE = repo_root() / "tests" / "data" / "xss-course"
FORBIDDEN = ("<script", "onerror=", "onload=", "javascript:", "data:text/html", "style=")
FORBIDDEN += ("<iframe", "<svg")
MODULE_BODY = re.compile(
    r'<div class="module-body[^"]*" id="module-preview"[^>]*>(.*?)</section>', re.S
)


@pytest.fixture
def admin(client, make_unit, make_person):
    """The client, logged in as an admin of the province (shipped courses are theirs to edit)."""
    units = authoring_units(make_unit)
    login(client, make_person("quantri", role=Role.ADMIN, unit=units.province))
    return client


class MarkupAudit(HTMLParser):
    """Collects every tag and attribute that could run script or restyle the page."""

    BANNED_TAGS = {"script", "iframe", "svg", "math", "object", "embed", "style", "meta", "link"}
    BANNED_TAGS |= {"base", "form", "input", "textarea", "video", "audio", "frame", "frameset"}
    SAFE_SCHEMES = {"", "http", "https", "mailto"}

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BANNED_TAGS:
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "xlink:href"}:
                self.findings.append(f"<{tag} {name}>")
            if (
                name in {"href", "src"}
                and urlsplit((value or "").strip()).scheme.lower() not in self.SAFE_SCHEMES
            ):
                self.findings.append(f"<{tag} {name}={value}>")


def load_xss_course():
    """Load the corpus like any content folder: a shipped course (no owner unit)."""
    services.load_source(loader.read_course(XSS_COURSE))
    db.session.commit()
    return services.find_course("xss-course")


def test_xss_corpus_is_a_valid_course():
    """The corpus passes `lms content check` like any course folder."""
    assert loader.check(XSS_COURSE) == []


def test_xss_corpus_renders_nothing_that_runs(admin):
    """Every corpus module, on the trainer's preview page, has no script, handler, javascript: or
    data: URL, style, frame or SVG left in its HTML.
    """
    course = load_xss_course()
    for position in range(1, 5):
        page = admin.get(f"/author/courses/{course.id}/versions/1/modules/{position}")
        assert page.status_code == 200
        html = MODULE_BODY.search(page.get_data(as_text=True)).group(1)
        assert len(html) > 500
        assert [word for word in FORBIDDEN if word in html.lower()] == [], position
        # The substring check above is what was asked; this one also catches what hides in
        # attribute values or mixed case.
        audit = MarkupAudit()
        audit.feed(html)
        assert audit.findings == [], position


def test_xss_corpus_titles_are_escaped_everywhere(admin):
    """Course and module titles with markup are shown as text on every authoring page; the
    only scripts on a page are the LMS's own files.
    """
    course = load_xss_course()
    for url in [
        "/trainer",
        f"/author/courses/{course.id}",
        f"/author/courses/{course.id}/versions/1/modules/1",
    ]:
        page = admin.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page, url
        scripts = re.findall(r"<script[^>]*>", page, re.I)
        assert all(
            re.fullmatch(r'<script src="/static/js/[\w.-]+\.js" defer>', s) for s in scripts
        ), scripts


def test_xss_corpus_assets_are_stored(admin):
    """The corpus's images are attachments, served from beside the module page."""
    course = load_xss_course()
    base = f"/author/courses/{course.id}/versions/1/modules/assets"
    assert fetch(admin, f"{base}/hinh.png").status_code == 200
    assert (
        fetch(admin, f"{base}/hong.png").data == (XSS_COURSE / "assets" / "hong.png").read_bytes()
    )
