"""The shipped courses and banks keep the house style the December 2026 review asked for."""

import re

import pytest

from lms.content.loader import find_courses, read_course
from lms.quizzes.formats.gift import parse_gift
from lms.resources import data_dir

COURSES = {folder.name: read_course(folder) for folder in find_courses(data_dir("courses"))}
MODULES = [(slug, m) for slug, course in COURSES.items() for m in course.modules]
BANKS = sorted(data_dir("quizzes").glob("*.gift"))
_PLAN = re.compile(r"^## Kế hoạch lên lớp \((\d+) phút\)$", re.MULTILINE)
_PLAN_ROW = re.compile(r"^\|[^|]+\|[^|]*\| (\d+) \|$", re.MULTILINE)


def module_id(item) -> str:
    slug, module = item
    return f"{slug}/{module.filename}"


@pytest.mark.parametrize("item", MODULES, ids=module_id)
def test_module_has_objectives_time_plan_and_review_date(item):
    """Every module states its objectives, a time plan adding up to its minutes, and when it
    was last checked against the law.
    """
    _slug, module = item
    assert "## Mục tiêu của bài\n" in module.body
    plan = _PLAN.search(module.body)
    assert plan is not None and int(plan[1]) == module.minutes
    table = module.body[plan.end() : module.body.index("**Cộng**", plan.end())]
    assert sum(int(minutes) for minutes in _PLAN_ROW.findall(table)) == module.minutes
    assert module.reviewed is not None


@pytest.mark.parametrize("slug", sorted(COURSES))
def test_course_names_its_sources_and_calls_modules_bai(slug):
    """A course lists the documents it relies on; a module is a "bài", never a "học phần"."""
    course = COURSES[slug]
    assert course.sources
    texts = [course.summary, *course.objectives, *(m.body for m in course.modules)]
    assert not any("học phần" in text.casefold() for text in texts)


@pytest.mark.parametrize("bank", BANKS, ids=lambda path: path.name)
def test_bank_uses_one_wording_and_colons_in_rubrics(bank):
    """Questions with several right answers say "Chọn tất cả đáp án đúng."; essay rubrics list
    their points after a colon, not after a dash or a full stop.
    """
    result = parse_gift(bank.read_bytes(), bank.name)
    assert result.errors == []
    for question in result.questions:
        if question.qtype == "multiple":
            assert "Chọn tất cả đáp án đúng." in question.stem, question.name
        if question.qtype == "essay":
            rubric = question.general_feedback
            assert rubric.startswith("Bài làm tốt cần"), question.name
            assert " - " not in rubric and ": " in rubric, question.name
            assert re.search(r"\. [a-zđ]", rubric) is None, question.name
