"""The XSS corpus in a real browser: loaded as a course, each module opened on the trainer's
preview page on a 360 px phone. Nothing may run (no dialog, no console error, no CSP report,
no inline handler left in the page) and the page keeps its layout.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Account, Role, UnitKind
from lms.content.loader import read_course
from lms.courses import services
from lms.courses.editing import start_draft
from lms.courses.models import Course
from tests.browser.conftest import sign_in
from tests.conftest import repo_root

XSS_COURSE = repo_root() / "tests" / "data" / "xss-course"
PHONE = {"width": 360, "height": 740}
MODULES = (1, 2, 3, 4)
#: Every attribute of every element whose name starts with "on" (an inline event handler).
INLINE_HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(element =>
    [...element.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
        .map(a => `${element.tagName.toLowerCase()} ${a.name}`))"""
#: Elements that could run script or change the page, anywhere in the document.
DANGEROUS_ELEMENTS = (
    "script:not([src]), iframe, frame, object, embed, svg, math, style, meta[http-equiv], base, "
    ".module-body form, .module-body input, .module-body textarea, [style]"
)


@pytest.fixture
def admin(make_unit, make_person) -> Account:
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    return make_person("quantri", Role.ADMIN, province, full_name="Nguyễn Văn Quản")


@pytest.fixture
def corpus(admin) -> Course:
    """The corpus loaded like any content folder (a shipped course: no owner unit)."""
    services.load_source(read_course(XSS_COURSE))
    db.session.commit()
    course = services.find_course("xss-course")
    assert course is not None
    return course


def poke(page: Page) -> None:
    """Give leftover handlers every chance: hover and focus each element of the module text."""
    for element in page.locator(".module-body *").all():
        if element.is_visible():
            element.hover()
    for _ in range(8):
        page.keyboard.press("Tab")


@pytest.mark.parametrize("position", MODULES)
def test_corpus_module_runs_nothing_and_keeps_layout(
    page: Page, corpus: Course, dialogs: list[str], position: int
):
    """On a phone, each corpus module opens no dialog, keeps no handler or dangerous element,
    shows the real menu and footer, and does not scroll sideways.
    """
    page.set_viewport_size(PHONE)
    sign_in(page, "quantri")
    page.goto(f"/author/courses/{corpus.id}/versions/1/modules/{position}")
    page.wait_for_load_state("load")
    expect(page.locator(".module-body h2").first).to_be_visible()
    poke(page)
    assert dialogs == []
    assert page.evaluate(INLINE_HANDLERS) == []
    assert page.locator(DANGEROUS_ELEMENTS).count() == 0
    expect(page.get_by_role("navigation", name="Menu chính")).to_be_visible()
    expect(page.locator("body > footer.site-footer")).to_be_visible()
    expect(page.locator("footer")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("position", (1, 4))
def test_corpus_in_the_editor_keeps_layout(
    page: Page, corpus: Course, dialogs: list[str], position: int
):
    """In a draft, the editor holds the raw text while its preview stays inert, on a phone too."""
    start_draft(corpus)
    db.session.commit()
    page.set_viewport_size(PHONE)
    sign_in(page, "quantri")
    page.goto(f"/author/courses/{corpus.id}/versions/2/modules/{position}")
    expect(page.get_by_role("textbox").last).to_have_value(re.compile("alert"))
    poke(page)
    assert dialogs == []
    assert page.evaluate(INLINE_HANDLERS) == []
    expect(page.locator("body > footer.site-footer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_corpus_titles_show_as_text(page: Page, corpus: Course, dialogs: list[str]):
    """A course title carrying a script tag is shown as text on the trainer's pages."""
    sign_in(page, "quantri")
    page.goto("/trainer")
    expect(
        page.get_by_role("link", name="Kiểm thử an toàn <script>alert('title')</script>")
    ).to_be_visible()
    page.get_by_role("link", name="Kiểm thử an toàn", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>")
    assert dialogs == []
    assert page.evaluate(INLINE_HANDLERS) == []
