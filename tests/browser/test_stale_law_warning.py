"""Stale law in a real browser: the trainer sees, beside the module editor, the line that cites a
repealed decree as current law and the missing review date, fixes both, and the warning is gone
from the module and the course page.

The pages are switched to English, so the test reads the same whatever the catalogue says.
"""

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Account, LearnerProfile, Role, UnitKind
from lms.courses.models import Course, CourseVersion, Module, VersionStatus
from tests.browser.conftest import sign_in

INTRO = "Công chức tiếp nhận hồ sơ, kiểm tra thành phần và viết phiếu hẹn trả kết quả. " * 5
STALE = "Theo Nghị định số 61/2018/NĐ-CP, công chức tại quầy phải giữ ngạch chuyên viên."
FORMER = "Trước đây, Nghị định số 61/2018/NĐ-CP yêu cầu công chức tại quầy giữ ngạch chuyên viên."
WARNING = (
    "Line 3: cites Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 "
    "(replaced by 118/2025/NĐ-CP)."
)


@pytest.fixture
def trainer(make_unit, make_person) -> Account:
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    department = make_unit("HN-SNV", "Sở Nội vụ", parent=province)
    return make_person("giangvien", Role.TRAINER, department, full_name="Lê Văn Giảng")


@pytest.fixture
def course(trainer: Account) -> Course:
    unit_id = db.session.get(LearnerProfile, str(trainer.id)).unit_id
    course = Course(slug="mot-cua-luat", owner_unit_id=unit_id)
    CourseVersion(
        course=course,
        number=1,
        status=VersionStatus.DRAFT,
        title="Một cửa theo luật mới",
        modules=[
            Module(
                position=1,
                slug="01-tieu-chuan",
                title="Tiêu chuẩn người làm việc tại quầy",
                minutes=45,
                body=f"{INTRO}\n\n{STALE}",
            )
        ],
    )
    db.session.add(course)
    db.session.commit()
    return course


def test_trainer_sees_and_clears_the_stale_law_warning(page: Page, course: Course):
    """The warning names the line and the replacement; marking the sentence as former law and
    entering a review date clears it beside the editor and on the course page.
    """
    sign_in(page, "giangvien", "en")
    page.goto(f"/author/courses/{course.id}/versions/1/modules/1")
    check = page.locator("#law-check")
    expect(check).to_contain_text(WARNING)
    expect(check).to_contain_text("This module has no review date")

    page.get_by_label("Text (Markdown)").fill(f"{INTRO}\n\n{FORMER}")
    page.get_by_label("Last checked against the law on").fill("06/12/2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("The module was saved.")
    expect(check).to_contain_text("No warnings")
    expect(check).not_to_contain_text("cites")

    page.goto(f"/author/courses/{course.id}")
    expect(page.locator("#law-check")).to_contain_text("No warnings")
    expect(page.locator("#modules")).to_contain_text("checked against the law on 06/12/2026")
