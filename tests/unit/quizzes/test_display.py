"""Issue 14: numbers as people read them on the quiz and progress pages: durations with units
(never a clock's "00:33" beside a 30-minute limit), progress to the nearest percent.
"""

from types import SimpleNamespace

import pytest

from lms.courses.progress import ClassProgress, ModuleState
from lms.i18n import format_number
from lms.quizzes.display import duration, mark_example, text_start


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 giây"),
        (33, "33 giây"),
        (60, "1 phút"),
        (725, "12 phút 5 giây"),
        (3600, "1 giờ"),
        (4500, "1 giờ 15 phút"),
        (3661, "1 giờ 1 phút"),
    ],
)
def test_durations_have_units(seconds, text):
    assert duration(seconds) == text


def progress(done: int, total: int) -> int:
    modules = [ModuleState(SimpleNamespace(required=True), index < done) for index in range(total)]
    return ClassProgress(None, None, modules).percent


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [
        (1, 6, 17),
        (1, 3, 33),
        (2, 3, 67),
        (1, 8, 13),
        (0, 5, 0),
        (5, 5, 100),
        (199, 200, 99),
        (1, 300, 1),
    ],
)
def test_progress_rounds_to_the_nearest_percent(done, total, percent):
    """1 of 6 is 17% (it read 16%); never 100% before the end, never 0% after a start."""
    assert progress(done, total) == percent


@pytest.mark.parametrize(
    ("markdown", "start"),
    [
        ("Nêu ý nghĩa của cơ chế **một cửa**.", "Nêu ý nghĩa của cơ chế một cửa."),
        ("Xem [Nghị định 118](https://x.vn) và ![ảnh](a.png) `mã`", "Xem Nghị định 118 và mã"),
        ("Một " * 40, ("Một " * 20).strip() + "…"),
    ],
)
def test_a_question_is_named_by_the_start_of_its_text(markdown, start):
    assert text_start(markdown) == start


@pytest.mark.parametrize(
    ("max_mark", "example"), [(1, "0,5"), (2, "1,5"), (1.5, "0,75"), (10, "9,5"), (0.5, "0,25")]
)
def test_the_grading_hint_example_is_a_mark_the_question_takes(max_mark, example):
    """The hint said "e.g. 1,5" for a question out of 1."""
    assert mark_example(max_mark) == example


def test_no_minus_zero():
    """A discrimination of -0,04% shown to one decimal was "-0,0"."""
    assert format_number(-0.04, 1) == "0,0" and format_number(-0.06, 1) == "-0,1"
