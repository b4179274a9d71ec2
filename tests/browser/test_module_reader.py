"""Learning in a real browser: a module on a 360 px phone, completion by scrolling to the end
(and by the button without JavaScript), the printed page, and the class page's quizzes.
"""

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Account
from lms.classes.models import ModuleCompletion
from tests.access.learning import enrol, make_class, shipped_version
from tests.browser.test_shell import PHONE, log_in
from tests.test_learning import HALF, attempt_quiz, class_quiz

#: Module 1 of the one-stop course has a wide comparison table.
TABLE_MODULE = 1


@pytest.fixture
def seat(make_unit, make_person):
    unit = make_unit("HN-SNV", "Sở Nội vụ")
    learner = make_person("hocvien", unit=unit, full_name="Trần Thị Học")
    enrolment = enrol(make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa"), learner)
    db.session.commit()
    return enrolment


def completions(enrolment) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).where(ModuleCompletion.enrolment_id == enrolment.id)
    )


def test_module_fits_a_phone(page: Page, seat):
    """On a 360 px phone the page never scrolls sideways; a wide table scrolls inside its own
    region, which the keyboard reaches (Tab) and scrolls (arrow keys).
    """
    page.set_viewport_size(PHONE)
    log_in(page, "hocvien")
    page.goto(f"/learn/{seat.class_id}/modules/{TABLE_MODULE}")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    region = page.locator(".module-body [role=region]").first
    assert region.evaluate("r => getComputedStyle(r).overflowX") == "auto"
    assert region.bounding_box()["width"] <= PHONE["width"]
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())


def test_scrolling_to_the_end_completes_the_module(page: Page, seat):
    """Reaching the end marker records completion once, and the button gives way to a note."""
    log_in(page, "hocvien")
    page.goto(f"/learn/{seat.class_id}/modules/2")
    form = page.locator("form[data-complete-on-view]")
    expect(form).to_have_count(1)
    page.mouse.wheel(0, 200)
    page.locator("#module-end").scroll_into_view_if_needed()
    expect(form).to_have_count(0)
    expect(page.locator("#completion-status .badge")).to_be_visible()
    assert completions(seat) == 1


def test_button_completes_without_javascript(browser: Browser, live_server: str, seat):
    """With JavaScript off, the end-of-module button records completion and opens the next."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "hocvien")
    page.goto(f"/learn/{seat.class_id}/modules/2")
    page.locator("form[data-complete-on-view] button").click()
    expect(page).to_have_url(f"{live_server}/learn/{seat.class_id}/modules/3")
    assert completions(seat) == 1
    context.close()


def test_printed_module_has_no_navigation(page: Page, seat):
    """Printing keeps the module text and drops menus, links to other modules and the button."""
    log_in(page, "hocvien")
    page.goto(f"/learn/{seat.class_id}/modules/2")
    page.emulate_media(media="print")
    expect(page.locator(".module-body")).to_be_visible()
    for hidden in (".site-header", ".module-nav", "form[data-complete-on-view]"):
        expect(page.locator(hidden)).to_be_hidden()


def test_class_page_with_quizzes_fits_a_phone_and_leads_to_the_history(page: Page, seat):
    """The class page's quiz list (states, grade) fits 360 px, and "My attempts" opens the
    learner's history with the submitted attempt."""
    learner = db.session.scalar(select(Account).where(Account.username == "hocvien"))
    attempt_quiz(class_quiz(seat, "Kiểm tra cuối khóa Một cửa"), learner, HALF)
    class_quiz(seat, "Kiểm tra giữa khóa")
    db.session.commit()
    page.set_viewport_size(PHONE)
    log_in(page, "hocvien")
    page.goto(f"/learn/{seat.class_id}")
    expect(page.locator(".quiz-standings li")).to_have_count(2)
    expect(page.locator(".quiz-standings")).to_contain_text("Chưa đạt")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    page.get_by_role("link", name="Các lượt làm bài của tôi").click()
    expect(page.locator("main")).to_contain_text("Kiểm tra cuối khóa Một cửa")
