"""The organizer's report in a real browser: the filter in dd/mm/yyyy, the figures and the
server-drawn charts (no script, no CSP violation), ceased units counted under their successor
once asked, and the XLSX download holding the page's totals; at phone width too."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Role
from lms.records import services
from tests.browser.conftest import sign_in
from tests.records_data import build


@pytest.fixture
def data(app, make_unit, make_person):
    data = build(make_unit)
    services.set_successor(data["units"]["district"], data["units"]["commune"])
    db.session.commit()
    make_person("tochuc", Role.ORGANIZER, data["units"]["province"], full_name="Phạm Thị Tổ Chức")
    return data


@pytest.mark.parametrize("width", [1280, 360])
def test_organizer_reads_the_report_and_downloads_it(page: Page, data, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "tochuc")
    page.goto("/organizer/")
    page.get_by_role("link", name="Báo cáo bồi dưỡng").click()
    page.get_by_label("Từ ngày").fill("01/01/2026")
    page.get_by_label("Đến ngày").fill("31/12/2026")
    page.get_by_role("button", name="Xem").click()
    totals = page.locator("#report-total")
    expect(totals.locator('[data-figure="turns"]')).to_have_text("5")
    expect(totals.locator('[data-figure="learners"]')).to_have_text("4")
    expect(totals.locator('[data-figure="completion_rate"]')).to_have_text("80,0%")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("#report-unit")).to_contain_text("Huyện X (đã giải thể)")
    page.get_by_label("Tính đơn vị đã giải thể vào đơn vị kế thừa").check()
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#report-unit")).to_contain_text("Xã Y")
    expect(page.locator("#report-unit")).not_to_contain_text("Huyện X")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về (XLSX)").click()
    path = info.value.path()
    with open(path, "rb") as handle:
        rows = list(
            load_workbook(io.BytesIO(handle.read()), read_only=True).active.iter_rows(
                values_only=True
            )
        )
    assert rows[1][2:6] == (2, 5, 4, 4)
    assert ("Theo đơn vị", "Xã Y") in {(row[0], row[1]) for row in rows}
