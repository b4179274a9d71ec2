"""The legal-document registry and the warnings about stale law (lms.content.legal, staleness)."""

from datetime import date
from pathlib import Path

import pytest
from legal_registry import make_registry
from sample_course import COURSE_YAML, MakeCourse, module_text

from lms.content.legal import read_registry
from lms.content.loader import read_course
from lms.content.staleness import (
    add_months,
    bank_warnings,
    check_content,
    citation_notices,
    course_warnings,
    review_notice,
    source_notices,
)

TODAY = date(2026, 12, 6)


def messages(text: str, tmp_path: Path, **options) -> list[str]:
    registry = make_registry(tmp_path)
    return [f"{n.line}: {n.message}" for n in citation_notices(text, registry, TODAY, **options)]


# --- the registry ----------------------------------------------------------------------------


def test_registry_reads_every_field(tmp_path: Path):
    """Dates are dd/mm/yyyy, references and names may be one text or a list."""
    registry = make_registry(tmp_path)
    decree = registry.get("61/2018/NĐ-CP")
    assert (decree.kind, decree.issuer, decree.issued, decree.in_force, decree.ceased) == (
        "Nghị định",
        "Chính phủ",
        date(2018, 4, 23),
        date(2018, 6, 21),
        date(2025, 7, 1),
    )
    assert (decree.replaced_by, decree.amended_by) == (("118/2025/NĐ-CP",), ("107/2021/NĐ-CP",))
    assert decree.label == "Nghị định 61/2018/NĐ-CP"
    assert registry.get("24/2018/QH14").label == "Luật An ninh mạng 24/2018/QH14"
    assert registry.get("118/2025/NĐ-CP").source.startswith("https://en.vneconomy.vn/")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n"
            "  issued: 2018-04-23\n",
            "x.yaml:5: 61/2018/NĐ-CP: 'issued' must be a date written dd/mm/yyyy, "
            "not datetime.date(2018, 4, 23)",
        ),
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  issuer: Chính phủ\n",
            "x.yaml:1: 61/2018/NĐ-CP: missing required key 'title'",
        ),
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n"
            "  replace_by: 118/2025/NĐ-CP\n",
            "x.yaml:5: 61/2018/NĐ-CP: unknown key 'replace_by'; did you mean 'replaced_by'?",
        ),
        (
            "Nghị định 61:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n",
            "x.yaml:1: 'Nghị định 61' is not a document number like 118/2025/NĐ-CP",
        ),
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n"
            "  replaced_by: 118/2025/NĐ-CP\n",
            "x.yaml:5: 61/2018/NĐ-CP: 118/2025/NĐ-CP is not in the registry",
        ),
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n"
            "  source: vbpl.vn\n",
            "x.yaml:5: 61/2018/NĐ-CP: 'source' must be a link starting with https://",
        ),
        (
            "61/2018/NĐ-CP:\n  type: Nghị định\n  title: T\n  issuer: Chính phủ\n"
            "  in_force: 21/06/2018\n  ceased: 01/07/2017\n",
            "x.yaml:6: 61/2018/NĐ-CP: 'ceased' is before 'in_force'",
        ),
    ],
)
def test_registry_reports_bad_entries(tmp_path: Path, entry: str, expected: str):
    """Each bad entry is reported as file:line, on the line of the key at fault."""
    path = tmp_path / "x.yaml"
    path.write_text(entry, encoding="utf-8")
    problems: list = []
    read_registry([path], problems)
    assert [str(p).removeprefix(f"{tmp_path}/") for p in problems] == [expected]


def test_a_later_registry_file_overrides_an_earlier_one(tmp_path: Path):
    """A province may correct a shipped entry: the later file's entry wins."""
    registry = make_registry(
        tmp_path,
        extra="24/CT-TTg:\n  type: Chỉ thị\n  title: T\n  issuer: TTg\n  issued: 16/09/2025\n",
    )
    assert registry.get("24/CT-TTg").issued == date(2025, 9, 16)


# --- citation warnings -------------------------------------------------------------------------


def test_ceased_document_is_reported_with_its_replacement(tmp_path: Path):
    """The warning names the document, the day it ceased and what replaced it."""
    text = "Mở đầu.\nTheo Nghị định số 61/2018/NĐ-CP, công chức tại quầy phải là chuyên viên."
    assert messages(text, tmp_path) == [
        "2: cites Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 (replaced by 118/2025/NĐ-CP)"
    ]


def test_a_law_cited_by_name_is_reported_by_name(tmp_path: Path):
    """ "Luật Cán bộ, công chức năm 2008 yêu cầu…" teaches a repealed law as current."""
    text = "Luật Cán bộ, công chức năm 2008 yêu cầu công chức mang thẻ khi thi hành công vụ."
    assert messages(text, tmp_path) == [
        "1: cites Luật Cán bộ, công chức 22/2008/QH12, which ceased on 01/07/2025 "
        "(replaced by 80/2025/QH15)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Trước đây, Luật Cán bộ, công chức năm 2008 yêu cầu công chức mang thẻ.",
        "Nghị định số 118/2025/NĐ-CP thay thế Nghị định số 61/2018/NĐ-CP từ ngày 01/7/2025.",
        "| Nghị định số 107/2021/NĐ-CP | Quầy ưu tiên (quy định cũ) |",
        "Luật An ninh mạng số 24/2018/QH14 đã hết hiệu lực từ ngày 01/7/2026.",
        "Nghị định số 118/2025/NĐ-CP là căn cứ hiện hành.",
        "Luật An ninh mạng số 116/2025/QH15 có hiệu lực từ ngày 01/7/2026.",
    ],
)
def test_former_law_and_current_law_do_not_warn(tmp_path: Path, text: str):
    """Former law marked as such and documents still in force raise no warning."""
    assert messages(text, tmp_path) == []


def test_a_document_ceases_on_its_day(tmp_path: Path):
    """The 2018 Cybersecurity Law warned nothing in June 2026 and warns from 01/07/2026."""
    registry = make_registry(tmp_path)
    text = "Điều 8 Luật An ninh mạng số 24/2018/QH14 cấm chiếm đoạt tài khoản."
    assert citation_notices(text, registry, date(2026, 6, 30)) == []
    (notice,) = citation_notices(text, registry, date(2026, 7, 1))
    assert "ceased on 01/07/2026 (replaced by 116/2025/QH15)" in notice.message


def test_unknown_and_ambiguous_citations_warn(tmp_path: Path):
    """A citation the registry lacks, or one that may mean two documents, is reported."""
    assert messages("Theo Thông tư 99/2099/TT-BXX và TT 01/2018.", tmp_path) == [
        "1: cites Thông tư 99/2099/TT-BXX, which is not in the legal-document registry",
        "1: cites TT 01/2018, which may mean 01/2018/TT-VPCP, 01/2018/TT-BNV: "
        "write the full number",
    ]


def test_province_decision_that_ceased_warns(tmp_path: Path):
    """The check applies to a province's own decisions like to national documents."""
    registry = make_registry(
        tmp_path,
        extra=(
            "58/2025/QĐ-UBND:\n  type: Quyết định\n  title: Tổ chức lại Trung tâm\n"
            "  issuer: UBND tỉnh\n  ceased: 01/10/2026\n"
        ),
    )
    (notice,) = citation_notices("Quyết định số 58/2025/QĐ-UBND quy định…", registry, TODAY)
    assert notice.message == "cites Quyết định 58/2025/QĐ-UBND, which ceased on 01/10/2026"


def test_bank_warnings_cover_stems_answers_and_rubrics(tmp_path: Path):
    """A GIFT bank is checked line by line: stem, answer, feedback and essay rubric."""
    bank = tmp_path / "mot-cua.gift"
    bank.write_text(
        "::q1::Nghị định số 107/2021/NĐ-CP yêu cầu bố trí gì? {=Quầy ưu tiên}\n\n"
        "::q2::Văn bản nào hiện hành? {\n=Nghị định 118/2025#Đúng.\n"
        "~Nghị định 61/2018#Chưa đúng. Đã được thay thế từ 01/7/2025.\n}\n\n"
        "::q3::Trình bày quy trình. {####Bài làm tốt viện dẫn Nghị định số 61/2018/NĐ-CP.}\n",
        encoding="utf-8",
    )
    warnings = bank_warnings(bank, make_registry(tmp_path), TODAY)
    assert [(w.line, w.message.split(",")[0]) for w in warnings] == [
        (1, "cites Nghị định 107/2021/NĐ-CP"),
        (8, "cites Nghị định 61/2018/NĐ-CP"),
    ]


# --- sources and review dates --------------------------------------------------------------------


def test_sources_must_be_known_and_in_force(tmp_path: Path):
    registry = make_registry(tmp_path)
    assert source_notices(["118/2025/NĐ-CP", "61/2018/NĐ-CP", "1/2099/NĐ-CP"], registry, TODAY) == [
        "relies on Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 "
        "(replaced by 118/2025/NĐ-CP)",
        "relies on 1/2099/NĐ-CP, which is not in the legal-document registry",
    ]


@pytest.mark.parametrize(
    ("reviewed", "months", "expected"),
    [
        (date(2025, 12, 6), 12, None),
        (
            date(2025, 12, 5),
            12,
            "was last checked against the law on 05/12/2025, more than 12 months ago",
        ),
        (date(2026, 6, 6), 6, None),
        (
            date(2026, 6, 5),
            6,
            "was last checked against the law on 05/06/2026, more than 6 months ago",
        ),
        (None, 12, "has no review date: write when it was last checked against the law"),
    ],
)
def test_review_period(reviewed, months, expected):
    """A module reviewed more than the period ago, or never, is flagged."""
    assert review_notice(reviewed, TODAY, months) == expected


def test_add_months_keeps_the_end_of_a_short_month():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 6), 12) == date(2026, 12, 6)


def test_course_warnings_point_at_file_and_line(make_course: MakeCourse, tmp_path: Path):
    """Sources in course.yaml, citations in a body and the review date are each located."""
    body = "Đoạn đầu của bài.\n\nTheo NĐ 61/2018, công chức tại quầy phải là chuyên viên. " * 1
    folder = make_course(
        course_yaml=COURSE_YAML.replace("modules:", "sources:\n  - 61/2018/NĐ-CP\nmodules:"),
        files={
            "01-gioi-thieu.md": module_text(
                "Giới thiệu", body=body + " ".join(["từ"] * 50), extra="reviewed: 01/12/2026\n"
            ),
        },
    )
    course = read_course(folder)
    warnings = course_warnings(course, make_registry(tmp_path), TODAY, 12)
    assert [str(w).removeprefix(f"{folder}/") for w in warnings] == [
        "course.yaml:12: relies on Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 "
        "(replaced by 118/2025/NĐ-CP)",
        "01-gioi-thieu.md:10: cites Nghị định 61/2018/NĐ-CP, which ceased on 01/07/2025 "
        "(replaced by 118/2025/NĐ-CP)",
        "02-tiep-nhan.md:1: has no review date: write when it was last checked against the law",
    ]


def test_check_content_reads_courses_and_banks_with_the_local_registry(
    make_course: MakeCourse, tmp_path: Path
):
    """A content folder's own legal-documents.yaml joins the shipped registry."""
    folder = make_course(
        files={
            "01-gioi-thieu.md": module_text(
                "Giới thiệu",
                body="Quyết định số 9999/QĐ-UBND của tỉnh. " + " ".join(["từ"] * 50),
                extra="reviewed: 01/12/2026\n",
            ),
            "02-tiep-nhan.md": module_text("Tiếp nhận", extra="reviewed: 01/12/2026\n"),
        }
    )
    banks = tmp_path / "quizzes"
    banks.mkdir()
    (banks / "mot-cua.gift").write_text("::q::Theo NĐ 61/2018? {T}\n", encoding="utf-8")
    report = check_content([folder.parent, banks], [], TODAY, 12)
    assert (report.courses, report.banks, report.problems) == (1, 1, [])
    assert [w.message.split(",")[0] for w in report.warnings] == [
        "cites Quyết định 9999/QĐ-UBND",
        "cites Nghị định 61/2018/NĐ-CP",
    ]
    (folder.parent / "legal-documents.yaml").write_text(
        "9999/QĐ-UBND:\n  type: Quyết định\n  title: T\n  issuer: UBND tỉnh\n", encoding="utf-8"
    )
    report = check_content([folder.parent, banks], [], TODAY, 12)
    assert [w.message.split(",")[0] for w in report.warnings] == ["cites Nghị định 61/2018/NĐ-CP"]


def test_shipped_registry_reads_without_problems():
    """The shipped courses/legal-documents.yaml is valid."""
    from lms.resources import data_dir

    problems: list = []
    registry = read_registry([data_dir("courses") / "legal-documents.yaml"], problems)
    assert problems == []
    assert registry.get("118/2025/NĐ-CP").in_force == date(2025, 7, 1)
