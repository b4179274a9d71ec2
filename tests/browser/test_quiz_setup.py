"""Setting up a class's quiz in a real browser, on a 360 px phone: an organizer creates a quiz that
draws from a category, gives it a 10-minute limit and one learner 25 minutes; the learner's quiz
page shows their own time, another learner's shows the quiz's.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Role
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import small_bank
from tests.browser.conftest import sign_in

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def training_class(make_unit, make_person):
    unit = make_unit("SO-NV", "Sở Nội vụ")
    make_person("tochuc", role=Role.ORGANIZER, unit=unit, full_name="Phạm Thị Tổ")
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, make_person("hocvien", unit=unit, full_name="Trần Thị Mai"))
    enrol(training_class, make_person("hocvienkhac", unit=unit, full_name="Lê Văn Khác"))
    small_bank()
    db.session.commit()
    return training_class


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_organizer_sets_up_a_timed_quiz_with_an_override(page: Page, training_class):
    """Create with a random draw, 10 minutes for all, 25 for one learner, seen by the learners."""
    page.set_viewport_size(PHONE)
    sign_in(page, "tochuc")
    page.goto(f"/classes/{training_class.id}")
    page.get_by_role("navigation", name="Lớp").get_by_role("link", name="Bài kiểm tra").click()
    page.get_by_role("link", name="Bài kiểm tra mới").click()
    page.get_by_label("Ngân hàng câu hỏi").select_option(label="Ngân hàng thử nghiệm")
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Tên").fill("Kiểm tra nhanh bài 1")
    row = page.get_by_role("group", name="Dòng 1")
    row.get_by_label("Lấy câu hỏi từ").select_option(label="— 01-co-ban (2 câu hỏi)")
    row.get_by_label("Số câu").fill("2")
    fits_the_phone(page)
    page.get_by_role("button", name="Tạo bài kiểm tra").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra nhanh bài 1")
    page.get_by_label("Thời gian làm bài (phút)").fill("10")
    fits_the_phone(page)
    page.get_by_role("button", name="Lưu thiết lập").click()
    expect(page.get_by_text("Đã lưu thiết lập.")).to_be_visible()

    page.get_by_role("navigation", name="Bài kiểm tra").get_by_role(
        "link", name="Thiết lập riêng"
    ).click()
    page.get_by_label("Học viên").select_option(label="Trần Thị Mai")
    page.get_by_label("Thời gian làm bài (phút)").fill("25")
    page.get_by_role("button", name="Lưu thiết lập riêng").click()
    expect(page.get_by_text("Đã lưu thiết lập riêng.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Trần Thị Mai"))).to_contain_text("25 phút")
    fits_the_phone(page)
    quiz_url = page.get_by_role("link", name="Giao diện của học viên").get_attribute("href")

    page.context.clear_cookies()
    sign_in(page, "hocvien")
    page.goto(quiz_url)
    expect(page.locator(".facts")).to_contain_text("25 phút")
    expect(page.get_by_text("được thiết lập riêng cho bạn")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "hocvienkhac")
    page.goto(quiz_url)
    expect(page.locator(".facts")).to_contain_text("10 phút")
