"""The page shell in a real browser: logging in and out, the language switch, the menu per role,
phones, the keyboard, focus on form errors, and no request leaving the server.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from lms.accounts.models import Account, Role, UnitKind
from tests.conftest import TEST_PASSWORD

PHONE = {"width": 360, "height": 740}
TOUCH_TARGET_PX = 44
ROLE_MENU = {
    Role.TRAINER: ("Giảng dạy", "/trainer"),
    Role.ORGANIZER: ("Tổ chức lớp", "/organizer/"),
    Role.ADMIN: ("Quản trị", "/admin/people"),
}


@pytest.fixture
def people(make_unit, make_person) -> dict[str, Account]:
    """One account per role on a province with two departments."""
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    home_affairs = make_unit("HN-SNV", "Sở Nội vụ", parent=province)
    make_unit("HN-STC", "Sở Tài chính", parent=province)
    return {
        Role.LEARNER: make_person("hocvien", unit=home_affairs, full_name="Trần Thị Học"),
        Role.TRAINER: make_person(
            "giangvien", Role.TRAINER, home_affairs, full_name="Lê Văn Giảng"
        ),
        Role.ORGANIZER: make_person(
            "tochuc", Role.ORGANIZER, province, full_name="Phạm Thị Tổ Chức"
        ),
        Role.ADMIN: make_person("quantri", Role.ADMIN, province, full_name="Nguyễn Văn Quản"),
    }


def log_in(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    # The post always navigates (home, or the form again): wait for that page, or a test could
    # measure the log-in page while the next one loads.
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu chính")


def test_login_form_lands_on_greeting(page: Page, people):
    """Logging in with the form lands on the home page, which greets the person by name."""
    log_in(page, "hocvien")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Trần Thị Học")


def test_wrong_password_stays_on_login(page: Page, people):
    """A wrong password shows the error and keeps the person on the log-in page."""
    log_in(page, "hocvien", "not-the-password")
    expect(page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_language_switch_to_english_and_back(page: Page):
    """The header button switches the page to English and back to Vietnamese."""
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


@pytest.mark.parametrize("role", list(ROLE_MENU))
def test_role_reaches_its_home_through_menu(page: Page, people, role):
    """Trainers, organizers and admins each reach their own home from the menu."""
    label, path = ROLE_MENU[role]
    log_in(page, people[role].username)
    menu(page).get_by_role("link", name=label).click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_learner_menu_has_no_role_links(page: Page, people):
    """A learner's menu has no teaching, organizing or administration link."""
    log_in(page, "hocvien")
    expect(menu(page).get_by_role("link", name="Học tập của tôi")).to_be_visible()
    for label, _ in ROLE_MENU.values():
        expect(menu(page).get_by_role("link", name=label)).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/admin/people"])
def test_phone_has_no_horizontal_scroll(page: Page, people, path):
    """On a 360 px phone the page fits the screen width."""
    page.set_viewport_size(PHONE)
    log_in(page, "quantri")
    page.goto(path)
    expect(menu(page)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_menu_items_are_touch_sized(page: Page, people):
    """On a phone every menu link and button is at least 44 px tall."""
    page.set_viewport_size(PHONE)
    log_in(page, "quantri")
    items = menu(page).locator("a, button")
    expect(items.first).to_be_visible()
    heights = {item.inner_text(): item.bounding_box()["height"] for item in items.all()}
    assert all(height >= TOUCH_TARGET_PX for height in heights.values()), heights


def test_tab_then_enter_skips_to_main(page: Page):
    """The first Tab focuses the skip link; Enter moves the focus to the main content."""
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Chuyển đến nội dung chính")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_form_error_focuses_first_invalid_field(page: Page, people):
    """After a refused submit the focus is on the first field with an error."""
    log_in(page, "quantri")
    page.goto("/admin/people")
    page.get_by_role("link", name="Tài khoản mới").click()
    page.get_by_label("Tên đăng nhập", exact=True).fill("nguoimoi")
    page.get_by_label("Họ và tên", exact=True).fill("Đỗ Thị Mới")
    page.get_by_label("Ngày sinh", exact=True).fill("31/02/2020")
    page.get_by_role("button", name="Tạo mới").click()
    date_of_birth = page.get_by_label("Ngày sinh", exact=True)
    expect(date_of_birth).to_have_attribute("aria-invalid", "true")
    expect(date_of_birth).to_be_focused()


def test_no_request_leaves_the_server(page: Page, people):
    """Pages, styles, scripts and fonts all come from the LMS server itself."""
    hosts: set[str | None] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    log_in(page, "quantri")
    page.goto("/admin/people")
    page.get_by_role("link", name="Tài khoản mới").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert hosts == {"127.0.0.1"}


def test_logout_returns_to_login(page: Page, people):
    """Logging out returns to the log-in page."""
    log_in(page, "hocvien")
    menu(page).get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
