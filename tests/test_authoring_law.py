"""Stale law on the pages: warnings beside the module editor and on the course page, the review
date and sources a trainer edits, and "content up to date as of" for learners.
"""

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role
from lms.content import loader
from lms.courses import services
from lms.courses.models import CourseVersion, Module
from lms.resources import data_dir
from tests.access.authoring import BODY, authoring_units, make_course, post, versions
from tests.access.learning import enrol, make_class, shipped_version
from tests.conftest import login

STALE = "Theo Nghị định số 61/2018/NĐ-CP, công chức tại quầy phải giữ ngạch chuyên viên."
WARNING = (
    "Dòng 3: viện dẫn Nghị định 61/2018/NĐ-CP, văn bản đã hết hiệu lực từ ngày 01/07/2025 "
    "(được thay thế bởi 118/2025/NĐ-CP)."
)


@pytest.fixture
def units(make_unit):
    return authoring_units(make_unit)


@pytest.fixture
def trainer(client, units, make_person):
    login(client, make_person("giangvien", role=Role.TRAINER, unit=units.a))
    return client


def stale_course(units, statuses=("draft",)):
    """A course of unit A whose one module cites the repealed one-stop decree as current law."""
    course = make_course("khoa-luat", units.a, statuses=statuses)
    for version in course.versions:
        version.modules[0].body = f"{BODY}\n\n{STALE}"
    db.session.commit()
    return course


def module_form(**fields):
    return {
        "title": "Bài 1",
        "minutes": "45",
        "required": "y",
        "body": f"{BODY}\n\n{STALE}",
        "reviewed": "",
        "action": "save",
        **fields,
    }


def law_section(html: str) -> str:
    start = html.index('id="law-check"')
    return html[start : html.index("</section>", start)]


def test_module_editor_shows_the_stale_citation_and_the_missing_review(trainer, units):
    """Beside the editor: the line that cites a ceased decree and the missing review date."""
    course = stale_course(units)
    html = trainer.get(f"/author/courses/{course.id}/versions/1/modules/1").get_data(as_text=True)
    section = law_section(html)
    assert WARNING in section
    assert "Bài này chưa có ngày rà soát" in section


def test_preview_shows_the_warnings_of_the_text_being_edited(trainer, units):
    """Preview checks the typed text and date: a former-law sentence and a date clear them."""
    course = stale_course(units)
    url = f"/author/courses/{course.id}/versions/1/modules/1"
    fixed = f"{BODY}\n\nTrước đây, Nghị định số 61/2018/NĐ-CP yêu cầu ngạch chuyên viên."
    response = post(trainer, url, module_form(body=fixed, reviewed="01/12/2026", action="preview"))
    section = law_section(response.get_data(as_text=True))
    assert "Không có cảnh báo" in section and "Dòng" not in section


def test_saving_keeps_the_review_date(trainer, units):
    """The review date typed as dd/mm/yyyy is saved on the module; a bad one is refused."""
    course = stale_course(units)
    url = f"/author/courses/{course.id}/versions/1/modules/1"
    assert post(trainer, url, module_form(reviewed="2026-31-12")).status_code == 422
    assert post(trainer, url, module_form(reviewed="6/12/2026")).status_code == 302
    module = db.session.scalar(
        select(Module).join(CourseVersion).where(CourseVersion.course_id == course.id)
    )
    assert module.reviewed == date(2026, 12, 6)


def test_course_page_lists_warnings_per_module_and_for_sources(trainer, units):
    """The course page names each module with warnings, linked, and ceased sources."""
    course = stale_course(units, statuses=("published",))
    versions(course.id)[1].sources = ["118/2025/NĐ-CP", "61/2018/NĐ-CP"]
    db.session.commit()
    section = law_section(trainer.get(f"/author/courses/{course.id}").get_data(as_text=True))
    assert f'href="/author/courses/{course.id}/versions/1/modules/1">Bài 1</a>: Bài 1' in section
    assert WARNING in section
    assert "Khóa học dựa trên Nghị định 61/2018/NĐ-CP, văn bản đã hết hiệu lực" in section


def test_course_sources_are_edited_with_the_details(trainer, units):
    """Sources are one number per line; something that is not a number is refused."""
    course = make_course("khoa-nguon", units.a, statuses=("draft",))
    form = {
        "title": "Khóa thử",
        "summary": "Tóm tắt.",
        "topic": "one-stop",
        "audience": "Công chức cấp xã",
        "objectives": "Nắm quy trình",
        "pass_mark": "70",
        "quiz_slug": "",
    }
    url = f"/author/courses/{course.id}/edit"
    refused = post(trainer, url, {**form, "sources": "Nghị định 118"})
    assert refused.status_code == 422
    assert "không phải số, ký hiệu văn bản" in refused.get_data(as_text=True)
    saved = post(trainer, url, {**form, "sources": "118/2025/NĐ-CP\r\n\r\n03/2025/TT-VPCP\r\n"})
    assert saved.status_code == 302
    assert versions(course.id)[1].sources == ["118/2025/NĐ-CP", "03/2025/TT-VPCP"]


def test_a_province_registry_is_used_by_the_pages(app, trainer, units, tmp_path):
    """A province's decision unknown to the shipped registry stops warning once its file is
    listed in LMS_LEGAL_DOCUMENTS after the shipped one.
    """
    course = make_course("khoa-tinh", units.a, statuses=("draft",))
    versions(course.id)[1].modules[0].body = f"{BODY}\n\nQuyết định số 58/2025/QĐ-UBND của tỉnh."
    db.session.commit()
    url = f"/author/courses/{course.id}/versions/1/modules/1"
    unknown = "58/2025/QĐ-UBND, văn bản chưa có trong danh mục"
    assert unknown in law_section(trainer.get(url).get_data(as_text=True))
    province = tmp_path / "tinh.yaml"
    province.write_text(
        "58/2025/QĐ-UBND:\n  type: Quyết định\n  title: Tổ chức lại Trung tâm\n"
        "  issuer: UBND tỉnh Thanh Hóa\n  issued: 27/06/2025\n",
        encoding="utf-8",
    )
    shipped = data_dir("courses") / "legal-documents.yaml"
    app.config["LMS_LEGAL_DOCUMENTS"] = [str(shipped), str(province)]
    assert unknown not in law_section(trainer.get(url).get_data(as_text=True))


def test_loading_and_exporting_keep_sources_and_review_dates(in_request, tmp_path):
    """A loaded shipped course stores its sources and review dates; its export writes them."""
    version = shipped_version()
    assert "118/2025/NĐ-CP" in version.sources
    assert all(m.reviewed == date(2026, 12, 6) for m in version.modules)
    folder = services.export_course(version.course, tmp_path / "mot-cua")
    written = loader.read_course(folder)
    assert written.sources == version.sources
    assert [m.reviewed for m in written.modules] == [m.reviewed for m in version.modules]


def test_learner_sees_when_the_content_was_last_checked(client, unit, learner):
    """The learner's module page says "Nội dung cập nhật đến tháng 12/2026"."""
    version = shipped_version()
    seat = enrol(make_class(version, unit, "LUAT-1"), learner)
    db.session.commit()
    page = login(client, learner).get(f"/learn/{seat.class_id}/modules/1")
    assert "Nội dung cập nhật đến tháng 12/2026" in page.get_data(as_text=True)
