"""The organizer's main flow in a real browser, in Vietnamese: open a class with dd/mm/yyyy
dates, enrol officials from a file (a file with a bad row is refused with its row number and
writes nothing; a good one is previewed, then confirmed), read the roster in Vietnamese name
order and download it as XLSX.
"""

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role, UnitKind
from lms.classes.models import Enrolment, TrainingClass
from lms.courses.models import CourseVersion
from tests.access.classes import small_version
from tests.browser.conftest import sign_in

#: (official code, full name) in the order a Vietnamese reader expects: given name first
#: (an < ánh < ân < bình < đức), then family and middle names (Nguyễn Văn An before Trần Văn An).
OFFICIALS = [
    ("CB001", "Nguyễn Văn An"),
    ("CB002", "Trần Văn An"),
    ("CB003", "Trần Thị Ánh"),
    ("CB004", "Phạm Thị Ân"),
    ("CB005", "Lê Văn Bình"),
    ("CB006", "Đỗ Văn Đức"),
]
IN_NAME_ORDER = [name for _code, name in OFFICIALS]
#: The file lists them in another order, so the roster's order is the page's doing.
FILE_ORDER = [OFFICIALS[i][0] for i in (5, 2, 0, 4, 1, 3)]


@pytest.fixture
def version(make_unit, make_person) -> CourseVersion:
    """A province with the Department of Home Affairs, its organizer and officials, and a
    published course of three modules (two required).
    """
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    department = make_unit("HN-SNV", "Sở Nội vụ", parent=province)
    make_person("tochuc", Role.ORGANIZER, province, full_name="Phạm Thị Tổ Chức")
    # Created in reverse, so neither account ids nor the file give the expected order.
    for number, (code, name) in enumerate(reversed(OFFICIALS), start=1):
        make_person(f"hocvien{number}", unit=department, full_name=name, official_code=code)
    return small_version("mot-cua-thu", "Một cửa liên thông")


def write_csv(path: Path, codes: list[str]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["official_code"])
        writer.writerows([code] for code in codes)
    return path


def write_xlsx(path: Path, codes: list[str]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã CBCCVC", "Ghi chú"])
    for code in codes:
        sheet.append([code, "Tập huấn CCHC"])
    workbook.save(path)
    return path


def enrolled_in(code: str) -> int:
    db.session.expire_all()
    return (
        db.session.scalar(
            select(func.count(Enrolment.id))
            .join(TrainingClass, TrainingClass.id == Enrolment.class_id)
            .where(TrainingClass.code == code)
        )
        or 0
    )


def open_class(page: Page) -> None:
    """Fill the class form the way an organizer does, dates as dd/mm/yyyy."""
    page.goto("/classes/")
    page.get_by_role("link", name="Mở lớp").click()
    page.get_by_label("Mã lớp").fill("MC-2026-01")
    page.get_by_label("Tên lớp").fill("Lớp bồi dưỡng một cửa liên thông khóa 1")
    page.get_by_label("Khóa học và phiên bản").select_option(
        label="Một cửa liên thông (phiên bản 1)"
    )
    page.get_by_label("Đơn vị tổ chức").select_option(label="— Sở Nội vụ (HN-SNV)")
    page.get_by_label("Ngày khai giảng").fill("02/11/2026")
    page.get_by_label("Ngày bế giảng").fill("18/12/2026")
    page.get_by_label("Mở ghi danh từ ngày").fill("20/10/2026")
    page.get_by_label("Hết hạn ghi danh ngày").fill("30/10/2026")
    page.get_by_role("button", name="Lưu").click()


def upload(page: Page, path: Path) -> None:
    page.get_by_label("Tệp (XLSX hoặc CSV)").set_input_files(path)
    page.get_by_role("button", name="Kiểm tra tệp").click()


def test_organizer_opens_a_class_enrols_from_a_file_and_downloads_the_roster(
    page: Page, version: CourseVersion, tmp_path: Path
):
    """Class form with dd/mm/yyyy dates; a bad file names its row and writes nothing; a good
    XLSX is previewed then confirmed; the roster and its XLSX download list the officials in
    Vietnamese name order.
    """
    sign_in(page, "tochuc")
    open_class(page)
    expect(page.get_by_text("Đã mở lớp MC-2026-01.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lớp bồi dưỡng một cửa liên thông khóa 1"
    )
    expect(page.get_by_text("02/11/2026 – 18/12/2026")).to_be_visible()
    db.session.expire_all()
    training_class = db.session.scalar(select(TrainingClass))
    assert (training_class.starts_on, training_class.enrol_closes_on) == (
        date(2026, 11, 2),
        date(2026, 10, 30),
    )

    page.get_by_role("link", name="Ghi danh học viên").click()
    upload(page, write_csv(tmp_path / "co-loi.csv", ["CB001", "KHONG-CO", "CB002"]))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sẽ không ai được ghi danh: có 1 lỗi.")
    expect(alert).to_contain_text("dòng 3: không tìm thấy người có mã KHONG-CO")
    expect(page.get_by_role("button", name="Ghi danh", exact=True)).to_have_count(0)
    assert enrolled_in("MC-2026-01") == 0

    page.get_by_role("link", name="Ghi danh học viên").click()
    upload(page, write_xlsx(tmp_path / "danh-sach.xlsx", FILE_ORDER))
    expect(page.get_by_text("Sẽ ghi danh 6 người.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(len(OFFICIALS))
    assert enrolled_in("MC-2026-01") == 0, "the preview writes nothing"
    page.get_by_role("button", name="Ghi danh", exact=True).click()

    expect(page.get_by_text("Đã ghi danh 6 người.")).to_be_visible()
    expect(page.get_by_role("link", name="Đang học (6)")).to_be_visible()
    expect(page.locator("tbody tr td:first-child")).to_have_text(IN_NAME_ORDER)
    expect(page.locator("tbody tr").first).to_contain_text("0/2 bài học (0%)")
    assert enrolled_in("MC-2026-01") == len(OFFICIALS)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("MC-2026-01.xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    header = rows[0]
    assert header[:3] == ["STT", "Họ và tên", "Mã CBCCVC"]
    assert "Số bài học bắt buộc" in header
    by_column = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["Họ và tên"] for row in by_column] == IN_NAME_ORDER
    assert [row["STT"] for row in by_column] == list(range(1, len(OFFICIALS) + 1))
    assert {row["Số bài học bắt buộc"] for row in by_column} == {2}
