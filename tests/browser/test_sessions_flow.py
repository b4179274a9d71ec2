"""Sessions in a real browser: "log out on every device" ends the phone's session too, and a
hostile `next` on the log-in link keeps the official on this site."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD


def test_log_out_on_every_device_ends_the_phone_session(
    page: Page, browser: Browser, live_server: str, make_unit, make_person
):
    """Signed in on the office computer and on a phone, the official ends every session from
    the profile page; the phone is asked to log in again at its next click."""
    make_person("hoa", unit=make_unit("SO-NV", "Sở Nội vụ"), full_name="Trần Thị Hoa")
    phone_context = browser.new_context(base_url=live_server)
    phone = phone_context.new_page()
    try:
        sign_in(phone, "hoa")
        sign_in(page, "hoa")
        page.goto("/profile")
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng xuất khỏi mọi thiết bị").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.get_by_text("Bạn đã đăng xuất khỏi mọi thiết bị.")).to_be_visible()
        phone.goto("/profile")
        expect(phone).to_have_url(re.compile(r"/login\?next="))
        expect(phone.get_by_label("Tên đăng nhập", exact=True)).to_be_visible()
    finally:
        phone_context.close()


def test_a_hostile_next_on_the_log_in_link_stays_on_this_site(
    page: Page, live_server: str, make_unit, make_person
):
    """The review's link, /login?next=/%09/evil.example/, leads to the home page after log-in."""
    make_person("hoa", unit=make_unit("SO-NV", "Sở Nội vụ"), full_name="Trần Thị Hoa")
    page.goto("/login?next=/%09/evil.example/")
    page.get_by_label("Tên đăng nhập", exact=True).fill("hoa")
    page.get_by_label("Mật khẩu", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Trần Thị Hoa")
