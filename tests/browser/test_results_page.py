"""Results in a real browser: a trainer filters a quiz's results by unit and downloads the XLSX
file of what the page shows.
"""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Role
from lms.classes.models import ClassTrainer
from lms.quizzes.models import Quiz
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.access.results import RIGHT, WRONG, take
from tests.browser.test_shell import log_in


@pytest.fixture
def quiz(app, make_unit, make_person) -> Quiz:
    """A class of two departments; its trainer "giangvien"; one learner of each has an attempt."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    dept_a = make_unit("SO-NV", "Sở Nội vụ", parent=province)
    dept_b = make_unit("SO-TC", "Sở Tài chính", parent=province)
    trainer = make_person("giangvien", role=Role.TRAINER, unit=province)
    training_class = make_class(shipped_version(), province, "MC-01", "Lớp Một cửa khóa 1")
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False, shuffle_choices=False)
    for username, name, unit, responses in (
        ("hocviena", "Trần Thị Mai", dept_a, RIGHT),
        ("hocvienb", "Lê Văn Nam", dept_b, WRONG),
    ):
        learner = make_person(username, unit=unit, full_name=name)
        enrol(training_class, learner)
        with app.test_request_context():
            take(quiz, str(learner.id), responses)
    db.session.commit()
    return quiz


def test_trainer_filters_by_unit_and_downloads_xlsx(page: Page, quiz):
    """Choosing a unit keeps its learners only; the XLSX download holds the same rows."""
    log_in(page, "giangvien")
    page.goto(f"/results/quiz/{quiz.id}")
    table = page.locator("table.results")
    expect(table).to_contain_text("Lê Văn Nam")
    page.get_by_label("Đơn vị").select_option(label="— Sở Nội vụ")
    page.get_by_role("button", name="Lọc").click()
    expect(table).to_contain_text("Trần Thị Mai")
    expect(table).not_to_contain_text("Lê Văn Nam")
    expect(page.get_by_role("status")).to_contain_text("Ghi danh: 1")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về (XLSX)").click()
    download = info.value
    assert download.suggested_filename == f"ket-qua-bai-kiem-tra-{quiz.id}-MC-01.xlsx"
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert [row[1] for row in rows[1:]] == ["Trần Thị Mai"]
    assert rows[1][5] == 100 and rows[1][6] == "Đạt"


def test_results_page_fits_a_phone(page: Page, quiz):
    """At 360 px the page itself does not scroll sideways; the table scrolls in its frame."""
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "giangvien")
    page.goto(f"/results/quiz/{quiz.id}")
    expect(page.locator("table.results")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
