"""The demo trainer starts from shipped material: copies a shipped course from the catalog, in
Vietnamese, and edits a module of the copy while the shipped course stays as it was.
"""

import pytest
from flask_babel import force_locale
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts import services
from lms.courses.models import VersionStatus
from lms.courses.services import current_version, find_course
from lms.demo.classes import seed_content
from lms.demo.people import seed_people, seed_units
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

SHIPPED = "mot-cua"


@pytest.fixture
def demo(app) -> None:
    """The demo's city, people and shipped content; the demo trainer gets the tests' password."""
    with force_locale("vi"):
        seed_people(seed_units())
        seed_content()
    services.find_account("giangvien").password_hash = services.hash_password(TEST_PASSWORD)
    db.session.commit()


def test_demo_trainer_copies_a_shipped_course_and_edits_the_copy(page: Page, demo):
    """From the catalog to an edited module of the copy; the shipped course is untouched."""
    shipped = current_version(find_course(SHIPPED))
    before = [(m.title, m.body) for m in shipped.modules]
    sign_in(page, "giangvien")
    page.goto(f"/courses/{SHIPPED}")
    page.get_by_role("link", name="Sao chép khóa học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sao chép khóa học")
    expect(page.get_by_text(before[0][0])).to_be_visible()
    expect(page.get_by_label("Tên ngắn (dùng trong đường dẫn và tên tệp)")).to_have_value(
        "mot-cua-ban-sao"
    )
    page.get_by_role("button", name="Sao chép khóa học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{shipped.title} (bản sao)")

    page.get_by_role("link", name=before[0][0]).click()
    page.get_by_label("Nội dung (Markdown)").fill("## Bài đã sửa\n\n" + before[0][1])
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu bài học.")).to_be_visible()

    db.session.expire_all()
    copy = find_course("mot-cua-ban-sao")
    assert copy.versions[0].status == VersionStatus.DRAFT
    assert copy.versions[0].modules[0].body.startswith("## Bài đã sửa")
    shipped = current_version(find_course(SHIPPED))
    assert [(m.title, m.body) for m in shipped.modules] == before
