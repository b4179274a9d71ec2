"""`lms content check`: problems and stale-law warnings, runnable without an instance or a key."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from lms.cli import build_cli
from lms.resources import data_dir

MODULE = """\
---
title: "Tiếp nhận hồ sơ"
minutes: 45
required: true
reviewed: {reviewed}
---

Theo Nghị định số 61/2018/NĐ-CP, công chức tại quầy phải có ngạch chuyên viên trở lên.
Trước đây, Nghị định số 61/2018/NĐ-CP gọi bộ phận này là Bộ phận Tiếp nhận và Trả kết quả.
{extra}
Công chức kiểm tra thành phần hồ sơ, hướng dẫn bổ sung một lần, đầy đủ, bằng phiếu; tiếp nhận,
số hóa và chuyển hồ sơ đến cơ quan có thẩm quyền; theo dõi tiến độ và trả kết quả đúng hẹn cho
người dân tại quầy, qua bưu chính công ích hoặc trực tuyến trên Cổng Dịch vụ công quốc gia.
"""

COURSE = """\
slug: tiep-nhan
title: Tiếp nhận hồ sơ
summary: Tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã.
topic: one-stop
hours: 1
version: 1
audience: Công chức cấp xã
objectives:
  - Tiếp nhận đúng quy trình
sources:
  - 118/2025/NĐ-CP
modules:
  - 01-tiep-nhan.md
"""


@pytest.fixture
def no_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a content repository's CI: an empty instance folder and no secret key."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)


def make_course(tmp_path: Path, reviewed: str = "01/12/2026", extra: str = "") -> Path:
    folder = tmp_path / "courses" / "tiep-nhan"
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE, encoding="utf-8")
    text = MODULE.format(reviewed=reviewed, extra=extra)
    (folder / "01-tiep-nhan.md").write_text(text, encoding="utf-8")
    return folder.parent


def check(*args: str):
    return CliRunner().invoke(build_cli(), ["content", "check", *args], prog_name="lms")


def test_warnings_print_and_pass_without_strict(no_instance, tmp_path: Path):
    """A stale citation prints as file:line and exits 0; the former-law sentence is quiet."""
    courses = make_course(tmp_path)
    result = check(str(courses), "--as-of", "06/12/2026")
    assert result.exit_code == 0, result.output
    module = courses / "tiep-nhan" / "01-tiep-nhan.md"
    assert result.stdout.splitlines() == [
        f"{module}:8: cites Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 "
        "(replaced by 118/2025/NĐ-CP)",
        "0 problem(s), 1 warning(s) in 1 course(s) and 0 bank(s).",
    ]


def test_strict_turns_warnings_into_errors(no_instance, tmp_path: Path):
    """With --strict any warning exits 1."""
    result = check(str(make_course(tmp_path)), "--strict", "--as-of", "06/12/2026")
    assert result.exit_code == 1
    assert "1 warning(s)" in result.stderr


def test_review_period_is_configurable(no_instance, tmp_path: Path):
    """A module reviewed seven months ago passes a 12-month period and fails a 6-month one."""
    courses = make_course(tmp_path, reviewed="01/05/2026")
    assert "was last checked" not in check(str(courses), "--as-of", "06/12/2026").stdout
    result = check(str(courses), "--as-of", "06/12/2026", "--review-months", "6")
    assert "was last checked against the law on 01/05/2026, more than 6 months ago" in (
        result.stdout
    )


def test_a_province_registry_is_applied(no_instance, tmp_path: Path):
    """A decision unknown to the shipped registry warns until the province's file lists it."""
    courses = make_course(tmp_path, extra="Quyết định số 58/2025/QĐ-UBND tổ chức lại Trung tâm.")
    assert "58/2025/QĐ-UBND, which is not in the" in check(str(courses)).stdout
    province = tmp_path / "tinh.yaml"
    province.write_text(
        "58/2025/QĐ-UBND:\n  type: Quyết định\n  title: Tổ chức lại Trung tâm\n"
        "  issuer: UBND tỉnh Thanh Hóa\n  issued: 27/06/2025\n",
        encoding="utf-8",
    )
    assert "58/2025" not in check(str(courses), "--registry", str(province)).stdout


def test_structural_problems_fail_without_strict(no_instance, tmp_path: Path):
    courses = make_course(tmp_path, reviewed="2026-12-01")
    result = check(str(courses))
    assert result.exit_code == 1
    assert "'reviewed' must be a date written dd/mm/yyyy" in result.stdout


def test_a_bad_as_of_date_is_refused(no_instance, tmp_path: Path):
    result = check(str(make_course(tmp_path)), "--as-of", "2026-12-06")
    assert result.exit_code == 2
    assert "is not a date written dd/mm/yyyy" in result.output


def test_shipped_courses_and_banks_pass_strict(no_instance):
    """The shipped courses and banks cite no ceased or unknown law and were reviewed lately."""
    result = check(
        str(data_dir("courses")), str(data_dir("quizzes")), "--strict", "--as-of", "06/12/2026"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("0 problem(s), 0 warning(s) in 4 course(s) and 4 bank(s).\n")
