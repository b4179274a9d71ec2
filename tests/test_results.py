"""Results of a quiz and of a class, and attempt histories: rows in Vietnamese name order, the quiz
grade by each grading method, "waiting for grading", filters by unit subtree and by result, the
summary line, bounded query counts, and what a learner may see of their own marks (the exports
and the class grid are in test_results_exports.py).
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from lms import db
from lms.accounts.models import LearnerProfile
from lms.accounts.services import collation_string
from lms.classes.models import Enrolment, EnrolmentStatus
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Attempt, AttemptState, GradingMethod
from lms.quizzes.results import services as results
from lms.text import fold
from tests.access.quizzes import make_quiz
from tests.access.results import RIGHT, take
from tests.conftest import login
from tests.html_checks import names_not_starting_with_text
from tests.quiz_factories import results_class, right_of, uid

ESSAY_GIFT = """$CATEGORY: tu-luan

::tl-1:: Nêu ba lợi ích của cơ chế một cửa. {}

::tl-2:: TTHC là viết tắt của "thủ tục hành chính". {T}
"""


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def klass(make_unit, make_person):
    return results_class(make_unit, make_person)


# --- grades ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (GradingMethod.HIGHEST, 1.0),
        (GradingMethod.AVERAGE, (0.5 + 1.0 + 0.25) / 3),
        (GradingMethod.FIRST, 0.5),
        (GradingMethod.LAST, 0.25),
    ],
)
def test_quiz_grade_follows_the_grading_method(klass, method, expected):
    """Attempts of 2/4, 4/4 and 1/4: highest 100%, average 58.3%, first 50%, last 25%."""
    quiz = klass["quiz"]
    quiz.grading_method = method
    start = utcnow() - timedelta(days=1)
    for offset, count in enumerate((2, 4, 1)):
        take(quiz, uid(klass, "an"), right_of(count), start + timedelta(hours=offset))
    rows = {row.user_id: row for row in results.quiz_results(quiz, klass["class"]).rows}
    an = rows[uid(klass, "an")].result
    assert an.attempts == 3
    assert an.grade == pytest.approx(expected)
    assert an.passed == (expected >= 0.7)
    assert an.last_finished_at == start + timedelta(hours=2, minutes=3)


def test_rows_in_vietnamese_name_order_with_code_and_unit(klass):
    """An < Ánh < Bình < Dũng (given name first), each with official code and unit."""
    rows = results.quiz_results(klass["quiz"], klass["class"]).rows
    assert [(r.full_name, r.official_code, r.unit_name) for r in rows] == [
        ("Trần Văn An", "CB001", "Sở A"),
        ("Nguyễn Thị Ánh", "CB002", "Sở A"),
        ("Lê Văn Bình", "CB003", "Phòng A1"),
        ("Hoàng Văn Dũng", "CB004", "Sở B"),
    ]


def test_withdrawn_learners_are_not_listed(klass):
    """A learner who withdrew is no longer a row of the results."""
    enrolment = results.find_enrolment(klass["class"], uid(klass, "dung"))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    names = [r.full_name for r in results.quiz_results(klass["quiz"], klass["class"]).rows]
    assert "Hoàng Văn Dũng" not in names and len(names) == 3


def test_essay_waiting_for_grading(klass):
    """An attempt with an essay not yet graded has no grade and says it waits."""
    essays = bank.get_or_create_bank("tu-luan", "Tự luận")
    bank.import_questions(essays, parse_gift(ESSAY_GIFT).questions)
    quiz = make_quiz(klass["class"], essays, shuffle_questions=False)
    take(quiz, uid(klass, "an"), {1: "Nhanh, gọn, minh bạch.", 2: True})
    row = results.quiz_results(quiz, klass["class"]).rows[0]
    assert row.result.waiting
    assert row.result.grade is None and not row.result.passed
    assert row.result.state == results.ResultState.PENDING


def test_a_pending_result_reads_the_same_on_the_page_in_files_and_figures(client, klass):
    """Issue 14: waiting for an essay's grade is "Đang chờ chấm" on the page, in the CSV and in
    the state filter, and the summary counts it apart, never as failed ("Không đạt")."""
    essays = bank.get_or_create_bank("tu-luan", "Tự luận")
    bank.import_questions(essays, parse_gift(ESSAY_GIFT).questions)
    quiz = make_quiz(klass["class"], essays, shuffle_questions=False)
    take(quiz, uid(klass, "an"), {1: "Nhanh, gọn, minh bạch.", 2: True})
    db.session.commit()
    login(client, klass["trainer"])
    page = client.get(f"/results/quiz/{quiz.id}").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td[^>]*>.*?Trần Văn An.*?</tr>", page, re.S).group(0)
    assert "Đang chờ chấm" in row and "Không đạt" not in row
    assert "Đang chờ chấm: 1" in page and "Đạt: 0" in page
    failed = client.get(f"/results/quiz/{quiz.id}?state=not_passed").get_data(as_text=True)
    assert "Trần Văn An" not in failed
    pending = client.get(f"/results/quiz/{quiz.id}?state=pending").get_data(as_text=True)
    assert "Trần Văn An" in pending
    with client.get(f"/results/quiz/{quiz.id}/export/results.csv") as response:
        line = next(x for x in response.get_data(as_text=True).splitlines() if "Trần Văn An" in x)
    assert "Đang chờ chấm" in line and "Không đạt" not in line


def test_summary_counts_and_average(klass):
    """4 enrolled, 3 attempted, 2 passed (pass mark 70); average of 100, 75 and 25 is 66.7%."""
    quiz = klass["quiz"]
    for username, count in (("an", 4), ("anh", 3), ("binh", 1)):
        take(quiz, uid(klass, username), right_of(count))
    summary = results.quiz_results(quiz, klass["class"]).summary
    assert (summary.enrolled, summary.attempted, summary.passed) == (4, 3, 2)
    assert summary.average == pytest.approx((1 + 0.75 + 0.25) / 3)


def test_overdue_attempts_are_settled_before_reading(klass):
    """An attempt left running past its time limit counts (autosubmitted) on the results page."""
    quiz = klass["quiz"]
    quiz.time_limit_minutes = 10
    attempt = take(quiz, uid(klass, "an"), right_of(4), utcnow() - timedelta(hours=2), minutes=3)
    assert attempt.state == AttemptState.FINISHED
    running = attempts.start_attempt(quiz, uid(klass, "anh"), utcnow() - timedelta(hours=1))
    for question in running.questions:
        question.response = RIGHT[question.position]
    rows = {r.user_id: r for r in results.quiz_results(quiz, klass["class"]).rows}
    assert running.state == AttemptState.FINISHED
    assert rows[uid(klass, "anh")].result.grade == pytest.approx(1.0)


# --- filters --------------------------------------------------------------------------------------


def test_unit_filter_takes_the_subtree(klass):
    """Department A includes its division A1; department B only its own learner."""
    units = klass["units"]
    in_a = results.quiz_results(klass["quiz"], klass["class"], unit=units["a"]).rows
    assert [r.full_name for r in in_a] == ["Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình"]
    in_b = results.quiz_results(klass["quiz"], klass["class"], unit=units["b"]).rows
    assert [r.full_name for r in in_b] == ["Hoàng Văn Dũng"]


def test_unit_options_are_the_units_seen_in_the_class(klass):
    """The filter offers the learners' units and those above them, in tree order, not Sở C."""
    options = results.unit_options(results.class_units(klass["class"]))
    assert [(unit.name, depth) for unit, depth in options] == [
        ("Tỉnh Thử", 0),
        ("Sở A", 1),
        ("Phòng A1", 2),
        ("Sở B", 1),
    ]


def test_state_filter(klass):
    """Passed, not passed (attempted) and not attempted each keep their learners only."""
    quiz = klass["quiz"]
    take(quiz, uid(klass, "an"), right_of(4))
    take(quiz, uid(klass, "binh"), right_of(1))

    def names(state):
        return [r.full_name for r in results.quiz_results(quiz, klass["class"], state=state).rows]

    assert names("passed") == ["Trần Văn An"]
    assert names("not_passed") == ["Lê Văn Bình"]
    assert names("not_attempted") == ["Nguyễn Thị Ánh", "Hoàng Văn Dũng"]


def test_results_page_filters_by_unit_and_state(client, klass):
    """The page applies both filters from the query string and shows the summary line."""
    quiz = klass["quiz"]
    take(quiz, uid(klass, "an"), right_of(4))
    take(quiz, uid(klass, "anh"), right_of(1))
    db.session.commit()
    login(client, klass["trainer"])
    url = f"/results/quiz/{quiz.id}?unit={klass['units']['a'].id}&state=passed"
    text = client.get(url).get_data(as_text=True)
    assert "Trần Văn An" in text
    assert "Nguyễn Thị Ánh" not in text and "Hoàng Văn Dũng" not in text
    assert "Ghi danh: 3" in text and "Đạt: 1" in text
    assert "Điểm trung bình: 62,5%" in text


def test_unknown_filters_are_ignored(client, klass):
    """A unit of no learner of the class or a made-up state shows everyone (no error)."""
    login(client, klass["trainer"])
    response = client.get(f"/results/quiz/{klass['quiz'].id}?unit=99999&state=nonsense")
    assert response.status_code == 200
    assert "Hoàng Văn Dũng" in response.get_data(as_text=True)


def test_results_page_shows_grade_waiting_and_finish_time(client, klass):
    """Grade with a Vietnamese decimal comma, "passed", and the finish time dd/mm/yyyy HH:MM."""
    quiz = klass["quiz"]
    take(quiz, uid(klass, "an"), right_of(3), datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    db.session.commit()
    login(client, klass["trainer"])
    text = client.get(f"/results/quiz/{quiz.id}").get_data(as_text=True)
    assert "75,0%" in text
    assert "10/03/2025 08:03" in text  # Hà Nội time
    assert "Chưa làm bài" in text


# --- query counts ---------------------------------------------------------------------------------


def seed(klass, count: int, start: int) -> None:
    """`count` more learners of department A with one finished attempt each (bulk inserts)."""
    people = [(f"bulk-{n:05d}", f"Nguyễn Văn Số {n}") for n in range(start, start + count)]
    now = utcnow()
    db.session.execute(
        insert(LearnerProfile),
        [
            {
                "user_id": user_id,
                "full_name": name,
                "sort_name": collation_string(name),
                "search_text": fold(name),
                "unit_id": klass["units"]["a"].id,
            }
            for user_id, name in people
        ],
    )
    db.session.execute(
        insert(Enrolment),
        [{"class_id": klass["class"].id, "user_id": user_id} for user_id, _ in people],
    )
    db.session.execute(
        insert(Attempt),
        [
            {
                "quiz_id": klass["quiz"].id,
                "user_id": user_id,
                "number": 1,
                "state": AttemptState.FINISHED,
                "started_at": now - timedelta(minutes=10),
                "finished_at": now,
                "fraction": (index % 5) / 4,
            }
            for index, (user_id, _) in enumerate(people)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("path", ["/results/quiz/{quiz}", "/results/class/{klass}"])
def test_results_queries_do_not_grow_with_learners(client, klass, count_queries, path):
    """The quiz and class results pages run as many queries for 5 learners as for 200."""
    url = path.format(quiz=klass["quiz"].id, klass=klass["class"].id)
    login(client, klass["trainer"])

    def measure() -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    seed(klass, 1, 0)
    few = measure()
    seed(klass, 195, 1)
    many = measure()
    assert many == few
    # Session and grants, quiz, class, its trainers, overdue attempts, units, learners, attempts.
    assert many <= 10, many


# --- attempt histories ----------------------------------------------------------------------------


def test_learner_history_for_managers(client, klass):
    """Every attempt at every quiz: number, times, duration, state, grade and a review link."""
    quiz = klass["quiz"]
    first = take(quiz, uid(klass, "an"), right_of(2), datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    take(quiz, uid(klass, "an"), right_of(4), datetime(2025, 3, 11, 1, 0, tzinfo=UTC), minutes=75)
    db.session.commit()
    login(client, klass["trainer"])
    response = client.get(f"/results/class/{klass['class'].id}/learner/{uid(klass, 'an')}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "10/03/2025 08:00" in text and "10/03/2025 08:03" in text
    assert "3 phút" in text and "1 giờ 15 phút" in text  # durations, with units
    assert "50,0%" in text and "100,0%" in text
    assert f"/quiz/attempt/{first.id}/review" in text


def test_review_links_are_named_by_what_they_show(client, klass):
    """Each "Xem lại" link is read as "Xem lại: lượt làm bài N của …", its visible word first."""
    take(klass["quiz"], uid(klass, "an"), right_of(2))
    db.session.commit()
    login(client, klass["trainer"])
    page = client.get(f"/results/class/{klass['class'].id}/learner/{uid(klass, 'an')}")
    text = page.get_data(as_text=True)
    assert 'aria-label="Xem lại: lượt làm bài 1 của' in text
    assert names_not_starting_with_text(text) == []


def test_learner_history_of_someone_not_in_the_class_is_404(client, klass, make_person):
    """A person never enrolled in the class has no history there."""
    stranger = make_person("nguoila")
    login(client, klass["trainer"])
    url = f"/results/class/{klass['class'].id}/learner/{stranger.id}"
    assert client.get(url).status_code == 404


def test_own_history_hides_marks_the_review_options_hide(client, klass):
    """The learner sees their attempts; marks only when the quiz's review options show them."""
    quiz = klass["quiz"]
    hidden = {"marks": False}
    quiz.review = {"after": hidden, "open": hidden, "closed": hidden}
    attempt = take(quiz, uid(klass, "an"), right_of(3))
    db.session.commit()
    login(client, klass["people"]["an"])
    url = f"/results/class/{klass['class'].id}/mine"
    text = client.get(url).get_data(as_text=True)
    assert f"/quiz/attempt/{attempt.id}/review" in text
    assert "75,0%" not in text
    quiz.review = {}
    db.session.commit()
    assert "75,0%" in client.get(url).get_data(as_text=True)
