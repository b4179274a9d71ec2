"""Authoring in a real browser: the live preview follows the trainer's typing through the
published page's renderer, and a course goes from "new" to "published" through the forms.

The pages are switched to English first, so the test reads the same before and after the
Vietnamese catalogue is updated.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Account, LearnerProfile, Role, UnitKind
from lms.courses.models import Course, CourseVersion, Module, VersionStatus
from lms.courses.services import find_course
from tests.browser.conftest import sign_in

SENTENCE = "Công chức tiếp nhận hồ sơ, kiểm tra thành phần và viết phiếu hẹn trả kết quả. "


@pytest.fixture
def trainer(make_unit, make_person) -> Account:
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    department = make_unit("HN-SNV", "Sở Nội vụ", parent=province)
    return make_person("giangvien", Role.TRAINER, department, full_name="Lê Văn Giảng")


def test_live_preview_follows_typing(page: Page, trainer: Account, dialogs: list[str]):
    """Typing in the editor updates the preview with sanitised HTML, without saving."""
    course = Course(slug="mot-cua-thu", owner_unit_id=trainer_unit(trainer))
    CourseVersion(
        course=course,
        number=1,
        status=VersionStatus.DRAFT,
        title="Một cửa thử",
        modules=[Module(position=1, slug="01-bai", title="Bài một", minutes=45, body="Cũ")],
    )
    db.session.add(course)
    db.session.commit()
    sign_in(page, "giangvien", "en")
    page.goto(f"/author/courses/{course.id}/versions/1/modules/1")
    preview = page.locator("#module-preview")
    expect(preview).to_have_text("Cũ")
    page.get_by_label("Text (Markdown)").fill(
        "## Phiếu hẹn\n\n<b onclick=alert(1)>Đúng hạn</b> <script>alert(2)</script>"
    )
    expect(preview.locator("h2")).to_have_text("Phiếu hẹn")
    expect(preview.locator("b")).to_have_text("Đúng hạn")
    preview.locator("b").click()
    assert preview.locator("[onclick], script").count() == 0
    assert dialogs == []
    db.session.expire_all()
    assert db.session.get(Course, course.id).versions[0].modules[0].body == "Cũ"


def trainer_unit(account: Account) -> int:
    return db.session.get(LearnerProfile, str(account.id)).unit_id


def add_module(page: Page, title: str, minutes: str) -> None:
    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Minutes of study").fill(minutes)
    page.get_by_label("Text (Markdown)").fill(f"## {title}\n\n" + SENTENCE * 5)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name="Một cửa liên thông").first.click()


def test_trainer_creates_reorders_and_publishes(page: Page, trainer: Account):
    """A course is created, gets two modules, is reordered, refused while its minutes are not
    whole periods, then published as version 1.
    """
    sign_in(page, "giangvien", "en")
    page.goto("/trainer")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Short name (used in links and file names)").fill("mot-cua-lien-thong")
    page.get_by_label("Title").fill("Một cửa liên thông")
    page.get_by_label("Summary").fill("Quy trình liên thông giữa các cơ quan.")
    page.get_by_label("Topic").select_option("one-stop")
    page.get_by_label("Who it is for").fill("Công chức bộ phận một cửa")
    page.get_by_label("Objectives, one per line").fill("Luân chuyển hồ sơ\nTrả kết quả đúng hạn")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Một cửa liên thông")

    add_module(page, "Tiếp nhận", "30")
    add_module(page, "Luân chuyển", "30")
    page.get_by_role("button", name=re.compile(r"Move up\W+Luân chuyển")).click()
    modules = page.locator("#modules li strong")
    expect(modules).to_have_text([re.compile("1. Luân chuyển"), re.compile("2. Tiếp nhận")])

    page.get_by_role("link", name="Publish version 1").click()
    expect(page.get_by_role("alert")).to_contain_text("add 30 minutes or remove 15")
    page.get_by_role("link", name="Tiếp nhận").click()
    page.get_by_label("Minutes of study").fill("60")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Một cửa liên thông").first.click()
    page.get_by_role("link", name="Publish version 1").click()
    expect(page.get_by_text("A published version can never be changed again.")).to_be_visible()
    page.get_by_role("link", name="Not now").click()
    assert find_course("mot-cua-lien-thong").versions[0].status == VersionStatus.DRAFT
    page.get_by_role("link", name="Publish version 1").click()
    page.get_by_role("button", name="Yes, publish version 1").click()
    expect(page.get_by_text("Version 1 is published; new classes will use it.")).to_be_visible()
    db.session.expire_all()
    version = find_course("mot-cua-lien-thong").versions[0]
    assert (version.status, version.hours) == (VersionStatus.PUBLISHED, 2)
