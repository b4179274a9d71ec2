"""The admin's API tokens in a real browser, on a phone: create one (shown once, whole and
readable at 360 px), see it listed by its first characters only, then revoke it.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from lms.accounts.models import Role
from tests.browser.test_shell import log_in


@pytest.fixture
def admin(app, make_unit, make_person):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    make_unit("SNV", "Sở Nội vụ", parent=province)
    return make_person("quantri", role=Role.ADMIN, unit=province)


def test_an_admin_creates_and_revokes_a_token_on_a_phone(page: Page, admin):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "quantri")
    page.goto("/admin/api/tokens")
    page.get_by_role("link", name="Tạo mã truy cập").click()
    page.get_by_label("Tên (hệ thống dùng mã truy cập)").fill("Hệ thống hồ sơ CBCCVC")
    page.get_by_label("Đọc giấy chứng nhận (certificates:read)").check()
    page.get_by_label("Đơn vị được đọc").select_option(label="— Sở Nội vụ (SNV)")
    page.get_by_role("button", name="Tạo mã truy cập").click()
    secret = page.locator("#token-secret")
    expect(secret).to_have_text(re.compile(r"^lms_[A-Za-z0-9_-]{43}$"))
    token = secret.inner_text()
    box = secret.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, "the token fits the phone"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.get_by_role("link", name="Mã truy cập API").first.click()
    row = page.locator("tr", has_text="Hệ thống hồ sơ CBCCVC")
    expect(row).to_contain_text(token[:12])
    expect(page.locator("body")).not_to_contain_text(token)
    row.get_by_role("button", name="Thu hồi").click()
    expect(page.locator("tr", has_text="Hệ thống hồ sơ CBCCVC")).to_contain_text("Đã thu hồi")
