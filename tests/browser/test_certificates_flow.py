"""Certificates in a real browser: anyone checks a serial on the verification page (valid,
revoked, unknown; on a phone too), and an organizer builds the class's ZIP with its progress bar
and downloads it.
"""

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Role
from lms.certificates import services, settings
from lms.classes import enrolment as enrolments
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version
from tests.browser.test_shell import log_in


@pytest.fixture
def certified(app, make_unit, make_person):
    """A class of the Sở Nội vụ with three certified learners, the second one revoked."""
    unit = make_unit("SNV", "Sở Nội vụ")
    make_person("tochuc", role=Role.ORGANIZER, unit=unit)
    training_class = open_class(unit, "GCN-01", version=small_version(), name="Lớp Một cửa 2026")
    make_template(unit)
    settings.save_policy(training_class, settings.PolicyChoice(auto_issue=False), "")
    add_rule(training_class, "modules")
    names = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Bình", "Lê Thị Hồng Nhung"]
    for name in names:
        person = make_person(unit=unit, full_name=name)
        enrolments.enrol(training_class, str(person.id))
        finish_modules(training_class, person)
    with app.test_request_context(base_url=BASE_URL):
        issued = services.issue_all_eligible(training_class.id)
        services.revoke(issued[1], "Cấp nhầm lớp")
    db.session.commit()
    return {"class": training_class, "serials": [c.serial for c in issued]}


def test_anyone_checks_a_serial(page: Page, certified):
    """The search box leads to the facts and the status; a revoked one says revoked with its
    reason (an unknown serial's 404 page is tested over HTTP: the browser logs any 404)."""
    valid, revoked = certified["serials"][:2]
    page.goto("/verify/")
    page.get_by_label("Số hiệu").fill(valid)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("status")).to_contain_text("Còn hiệu lực")
    expect(page.locator("dl.facts")).to_contain_text("Khóa học thử nghiệm")
    page.get_by_placeholder("Số hiệu").fill(revoked)
    page.get_by_role("button", name="Tra cứu số khác").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thu hồi")
    expect(page.get_by_role("status")).to_contain_text("Cấp nhầm lớp")


def test_the_verify_page_fits_a_phone(page: Page, certified):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/verify/{certified['serials'][0]}")
    expect(page.get_by_role("status")).to_contain_text("Còn hiệu lực")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_organizer_downloads_every_certificate_as_a_zip(page: Page, certified):
    """The ZIP job reports its progress and offers the file, which holds one PDF per serial."""
    log_in(page, "tochuc")
    page.goto(f"/certificates/classes/{certified['class'].id}")
    expect(page.locator("table.completion")).to_contain_text("Nguyễn Thị Ánh Tuyết")
    page.get_by_role("button", name="Tải mọi giấy chứng nhận (ZIP)").click()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-text")).to_contain_text("3/3")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp ZIP").click()
    download = download_info.value
    assert download.suggested_filename == "giay-chung-nhan-GCN-01.zip"
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        names = sorted(archive.namelist())
    assert names == sorted(f"{serial}.pdf" for serial in certified["serials"])
