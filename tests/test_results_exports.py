"""Exports of results and the class grid: the XLSX and CSV of a quiz's results (filters kept,
a BOM for Excel), unknown exports, a class's grid with a column per quiz and its downloads.
"""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from lms import db
from lms.quizzes.results import services as results
from tests.access.quizzes import make_quiz, small_bank
from tests.access.results import take
from tests.conftest import login
from tests.quiz_factories import results_class, right_of, uid


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def klass(make_unit, make_person):
    return results_class(make_unit, make_person)


# --- exports --------------------------------------------------------------------------------------


def test_quiz_results_xlsx(client, klass):
    """Vietnamese headers, one row per learner in name order, grades as numbers, real times."""
    quiz = klass["quiz"]
    take(quiz, uid(klass, "an"), right_of(3), datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    db.session.commit()
    login(client, klass["trainer"])
    with client.get(f"/results/quiz/{quiz.id}/export/results.xlsx") as response:
        assert response.status_code == 200
        assert (
            f"ket-qua-bai-kiem-tra-{quiz.id}-KQ-01.xlsx" in response.headers["Content-Disposition"]
        )
        data = response.get_data()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(rows[0]) == [
        "STT",
        "Họ và tên",
        "Mã CBCCVC",
        "Đơn vị",
        "Số lượt làm bài",
        "Điểm (%)",
        "Kết quả",
        "Nộp bài lần cuối",
    ]
    assert rows[1][:7] == (1, "Trần Văn An", "CB001", "Sở A", 1, 75, "Đạt")
    assert rows[1][7] == datetime(2025, 3, 10, 8, 3)
    assert rows[2][4:7] == (0, None, "Chưa làm bài")
    assert len(rows) == 5


def test_quiz_results_csv_has_a_bom_and_keeps_the_filters(client, klass):
    """CSV: UTF-8 with BOM, dd/mm/yyyy HH:MM, and only the rows the page's filters keep."""
    quiz = klass["quiz"]
    take(quiz, uid(klass, "an"), right_of(4), datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    take(quiz, uid(klass, "dung"), right_of(4))
    db.session.commit()
    login(client, klass["trainer"])
    url = f"/results/quiz/{quiz.id}/export/results.csv?state=passed&unit={klass['units']['a'].id}"
    with client.get(url) as response:
        body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["1", "Trần Văn An", "CB001", "Sở A", "1", "100.0", "Đạt", "10/03/2025 08:03"]
    ]


def test_unknown_export_or_format_is_404(client, klass):
    login(client, klass["trainer"])
    assert client.get(f"/results/quiz/{klass['quiz'].id}/export/nothing.csv").status_code == 404
    assert client.get(f"/results/quiz/{klass['quiz'].id}/export/results.pdf").status_code == 404
    assert client.get(f"/results/class/{klass['class'].id}/export/results.ods").status_code == 404


# --- class results --------------------------------------------------------------------------------


def test_class_grid_has_a_column_per_quiz(client, klass):
    """One row per learner, one column per quiz: a grade, or "—" where there is none."""
    second = make_quiz(
        klass["class"], small_bank(), title="Kiểm tra cuối khóa", shuffle_questions=False
    )
    take(klass["quiz"], uid(klass, "an"), right_of(4))
    take(second, uid(klass, "an"), right_of(2))
    db.session.commit()
    rows = list(results.iter_class_results(klass["class"], results.class_quizzes(klass["class"])))
    an = rows[0]
    assert an.full_name == "Trần Văn An"
    assert [an.grades[q].grade for q in (klass["quiz"].id, second.id)] == [1.0, 0.5]
    login(client, klass["trainer"])
    text = client.get(f"/results/class/{klass['class'].id}").get_data(as_text=True)
    assert "Kiểm tra cuối khóa" in text
    assert "100,0%" in text and "50,0%" in text and "—" in text


def test_class_grid_filters_by_unit_and_exports(client, klass):
    """The unit filter keeps department B's learner only, on the page and in the XLSX file."""
    take(klass["quiz"], uid(klass, "dung"), right_of(3))
    db.session.commit()
    login(client, klass["trainer"])
    unit_b = klass["units"]["b"].id
    text = client.get(f"/results/class/{klass['class'].id}?unit={unit_b}").get_data(as_text=True)
    assert "Hoàng Văn Dũng" in text and "Trần Văn An" not in text
    with client.get(f"/results/class/{klass['class'].id}/export/results.xlsx?unit={unit_b}") as r:
        assert "bang-diem-KQ-01.xlsx" in r.headers["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(r.get_data()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0][4] == "Bài kiểm tra (%)"
    assert rows[1:] == [(1, "Hoàng Văn Dũng", "CB004", "Sở B", 75)]


def test_class_csv_defuses_a_formula_in_a_quiz_title(client, klass):
    """A quiz title starting with = heads its CSV column as text, not as a formula."""
    make_quiz(klass["class"], small_bank(), title="=1+1")
    db.session.commit()
    login(client, klass["trainer"])
    with client.get(f"/results/class/{klass['class'].id}/export/results.csv") as response:
        header = next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header[-1] == "'=1+1 (%)"
