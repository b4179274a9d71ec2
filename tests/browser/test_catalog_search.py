"""Searching the catalogue in a real browser: an official types an abbreviation."""

import pytest
from playwright.sync_api import Page, expect

from lms import db
from tests.access.learning import shipped_version
from tests.browser.test_shell import log_in

SHIPPED = ("mot-cua", "ky-nang-cntt", "giao-tiep-cong-dan", "ra-soat-tthc")


@pytest.fixture
def learner(make_unit, make_person):
    for slug in SHIPPED:
        shipped_version(slug)
    db.session.commit()
    return make_person("hocvien", unit=make_unit("SO-NV", "Sở Nội vụ"))


def test_typing_cntt_shows_the_it_skills_course_first(page: Page, learner):
    """ "CNTT" typed in the search box lists the IT-skills course first."""
    log_in(page, "hocvien")
    page.goto("/courses/")
    page.get_by_label("Tìm khóa học").fill("CNTT")
    with page.expect_navigation():
        page.get_by_label("Tìm khóa học").press("Enter")
    first = page.locator(".course-list > li h2").first
    expect(first).to_have_text("Kỹ năng ứng dụng công nghệ thông tin cho cán bộ, công chức")
