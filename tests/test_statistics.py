"""Item analysis: facility, standard deviation and discrimination checked against figures worked
out by hand, first attempts versus all, versions, response tables per question type, flags, the
page's query count and the statistics export.

The hand-worked data set (five learners, the small bank's four questions, one mark each; 1 means
right, 0 wrong):

    learner  Q1 Q2 Q3 Q4  total
    A         1  1  0  1    3
    B         1  1  1  1    4
    C         1  1  0  0    2
    D         1  0  1  0    2
    E         1  0  0  0    1
"""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from lms import db
from lms.accounts.models import Role
from lms.classes.models import ClassTrainer
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.results import statistics
from lms.quizzes.types import Question
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import SMALL_GIFT, make_quiz, small_bank
from tests.access.results import RIGHT, WRONG, take
from tests.conftest import login

MARKS = {
    "A": (1, 1, 0, 1),
    "B": (1, 1, 1, 1),
    "C": (1, 1, 0, 0),
    "D": (1, 0, 1, 0),
    "E": (1, 0, 0, 0),
}
#: Wrong answers that differ by learner, so the response tables have something to count.
WRONG_BY_LEARNER = {
    "A": {3: "40"},
    "C": {3: "40", 4: "TT HC"},
    "D": {2: False, 4: ""},
    "E": {2: None, 3: "50", 4: "thủ tục"},
}


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def analysed(make_unit, make_person):
    """The data set above as first attempts; E tries again later and gets everything right."""
    unit = make_unit("SO-A", "Sở A")
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    training_class = make_class(shipped_version(), unit, "TK-01", "Lớp thống kê")
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False, shuffle_choices=False)
    start = utcnow() - timedelta(days=1)
    people = {}
    for offset, (name, marks) in enumerate(MARKS.items()):
        person = make_person(f"hv{name.lower()}", unit=unit, full_name=f"Học Viên {name}")
        enrol(training_class, person)
        responses = {
            position: RIGHT[position] if mark else WRONG[position]
            for position, mark in enumerate(marks, start=1)
        }
        responses.update(WRONG_BY_LEARNER.get(name, {}))
        take(quiz, str(person.id), responses, start + timedelta(minutes=offset))
        people[name] = person
    take(quiz, str(people["E"].id), RIGHT, start + timedelta(hours=2))
    db.session.commit()
    return {"quiz": quiz, "class": training_class, "trainer": trainer, "people": people}


def by_name(analysis) -> dict[str, statistics.QuestionStatistics]:
    return {question.name: question for question in analysis.questions}


def test_facility_and_spread_match_the_hand_figures(analysed):
    """Q2's fractions 1,1,1,0,0: facility 60; SD √((3·0.4² + 2·0.6²)/4) = √0.3 = 54.77."""
    q2 = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))["tn-2"]
    assert q2.attempts == 5
    assert q2.facility == pytest.approx(60.0)
    assert q2.sd == pytest.approx(54.772, abs=1e-3)


def test_discrimination_matches_the_hand_figures(analysed):
    """Q4 marks 1,1,0,0,0 against rest 2,3,2,2,1: Sxy = 1.0, Sxx = 1.2, Syy = 2 →
    r = 1/√2.4 = 64.55; Q2 (1,1,1,0,0 vs 2,3,1,2,1): 0.6/√(1.2·2.8) = 32.73.
    """
    questions = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))
    assert questions["tn-4"].discrimination == pytest.approx(64.550, abs=1e-3)
    assert questions["tn-2"].discrimination == pytest.approx(32.733, abs=1e-3)


def test_no_discrimination_when_everyone_scores_alike(analysed):
    """Q1 is right in every attempt: facility 100, SD 0, no correlation to compute (—)."""
    q1 = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))["tn-1"]
    assert q1.facility == pytest.approx(100.0)
    assert q1.sd == pytest.approx(0.0)
    assert q1.discrimination is None


def test_flags_follow_moodles_thresholds(analysed):
    """Q1 (facility 100 > 95) and Q3 (r = 0 < 20: Sxy = 0) are flagged; Q2 and Q4 are not."""
    questions = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))
    assert questions["tn-3"].discrimination == pytest.approx(0.0, abs=1e-9)
    flagged = {name for name, question in questions.items() if question.flagged}
    assert flagged == {"tn-1", "tn-3"}


def test_all_attempts_include_retries(analysed):
    """E's second attempt (all right) counts in "all": Q2 is right in 4 of 6 attempts."""
    analysis = statistics.analyse(analysed["quiz"], statistics.ALL_ATTEMPTS)
    assert analysis.attempts == 6
    assert by_name(analysis)["tn-2"].facility == pytest.approx(400 / 6)
    first = statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS)
    assert first.attempts == 5
    # Attempt grades 3,4,2,2,1 of 4.
    assert first.mean == pytest.approx(60.0)


def test_fewer_than_two_attempts_give_no_spread(make_unit, make_person):
    """One attempt: a facility, but no standard deviation and no discrimination."""
    unit = make_unit()
    person = make_person(unit=unit)
    training_class = make_class(shipped_version(), unit, "TK-02")
    enrol(training_class, person)
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False)
    take(quiz, str(person.id), RIGHT)
    q1 = statistics.analyse(quiz).questions[0]
    assert (q1.attempts, q1.facility, q1.sd, q1.discrimination) == (1, 100.0, None, None)


def test_unfinished_and_ungraded_attempts_are_left_out(analysed, make_person):
    """An attempt in progress adds nothing to the analysis."""
    person = make_person(unit=analysed["class"].unit)
    enrol(analysed["class"], person)
    attempts.start_attempt(analysed["quiz"], str(person.id))
    assert statistics.analyse(analysed["quiz"]).attempts == 6


def test_choice_counts_mark_the_right_choice(analysed):
    """Q1 (single choice): all five picked the first choice, the right one."""
    q1 = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))["tn-1"]
    lines = q1.versions[0].lines
    assert [(line.label, line.count, line.credit) for line in lines] == [
        ("Tại một đầu mối", 5, 1.0),
        ("Tại từng phòng chuyên môn", 0, 0.0),
    ]
    assert lines[0].share == pytest.approx(1.0) and lines[0].authored


def test_true_false_counts_and_no_answer(analysed):
    """Q2: three said true (right), D false, E gave no answer."""
    q2 = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))["tn-2"]
    assert [(line.label, line.count, line.credit) for line in q2.versions[0].lines] == [
        ("Đúng", 3, 1.0),
        ("Sai", 1, 0.0),
        ("Không trả lời", 1, None),
    ]


def test_typed_answers_most_frequent_first(analysed):
    """Q3 (numerical): "40" twice (wrong), "45" twice (right), "50" once."""
    q3 = by_name(statistics.analyse(analysed["quiz"], statistics.FIRST_ATTEMPTS))["tn-3"]
    lines = {line.label: (line.count, line.credit) for line in q3.versions[0].lines}
    assert lines == {"40": (2, 0.0), "45": (2, 1.0), "50": (1, 0.0)}
    assert q3.versions[0].lines[0].share == pytest.approx(0.4)


def test_versions_are_noted_and_analysed_apart(analysed, make_person):
    """A question edited after some attempts: figures over both versions, one table each."""
    changed = SMALL_GIFT.replace("Tại một đầu mối", "Tại một đầu mối duy nhất")
    bank.import_questions(small_bank(), parse_gift(changed).questions)
    person = make_person(unit=analysed["class"].unit)
    enrol(analysed["class"], person)
    take(analysed["quiz"], str(person.id), WRONG)
    q1 = by_name(statistics.analyse(analysed["quiz"]))["tn-1"]
    assert q1.version_numbers == [1, 2]
    assert q1.attempts == 7
    assert [v.attempts for v in q1.versions] == [6, 1]
    assert q1.versions[1].lines[0].label == "Tại một đầu mối duy nhất"
    assert q1.facility == pytest.approx(600 / 7)


def test_multiple_choice_counts_every_ticked_choice(app):
    """Multiple choice: each choice counted on its own; right ones are those that earn marks."""
    question = Question(
        "multiple",
        "nhieu",
        "Chọn các ý đúng",
        data={
            "choices": [
                {"text": "A", "fraction": 0.5},
                {"text": "B", "fraction": 0.5},
                {"text": "C", "fraction": -1},
            ]
        },
    )
    responses = [
        statistics.Response([0, 1], 1.0, 1.0, 0),
        statistics.Response([0, 2], 0.0, 0.0, 0),
        statistics.Response([], 0.0, 0.0, 0),
    ]
    lines = statistics.RESPONSE_ANALYSERS["multiple"](question, responses)
    assert [(line.label, line.count, line.credit) for line in lines] == [
        ("A", 2, 1.0),
        ("B", 1, 1.0),
        ("C", 1, 0.0),
        ("Không trả lời", 1, None),
    ]


def test_matching_and_ordering_count_fully_right(app):
    """Matching and ordering: the share of fully right, partly right and not right answers."""
    question = Question("ordering", "thu-tu", "Sắp xếp", data={"items": ["a", "b", "c"]})
    responses = [statistics.Response(None, fraction, fraction, 0) for fraction in (1, 1, 0.5, 0)]
    lines = statistics.RESPONSE_ANALYSERS["ordering"](question, responses)
    assert [(line.label, line.count) for line in lines] == [
        ("Đúng hoàn toàn", 2),
        ("Đúng một phần", 1),
        ("Chưa đúng", 1),
    ]
    assert lines[0].share == pytest.approx(0.5)


def test_rare_typed_answers_are_counted_together(app):
    """Beyond the five most frequent, typed responses share one "other responses" line."""
    question = Question(
        "shortanswer", "ngan", "?", data={"answers": [{"text": "x", "fraction": 1}]}
    )
    typed = ["a", "a", "b", "c", "d", "e", "f", "g"]
    responses = [statistics.Response(text, 0.0, 0.0, 0) for text in typed]
    lines = statistics.typed_answers(question, responses)
    assert lines[0].label == "a" and lines[0].count == 2
    assert (lines[-1].label, lines[-1].count) == ("Các câu trả lời khác", 2)


# --- the page and its export ----------------------------------------------------------------------


def test_statistics_page_shows_figures_and_flags(client, analysed):
    """The page lists each question with its figures and "check this question" where flagged."""
    login(client, analysed["trainer"])
    response = client.get(f"/results/quiz/{analysed['quiz'].id}/statistics?attempts=first")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "64,5%" in text or "64,6%" in text  # Q4's discrimination, Vietnamese decimal comma
    assert text.count("Cần xem lại câu hỏi này") == 4  # two flagged, in the table and below
    assert "Tại một đầu mối" in text
    # Issue 14: each question named by the start of its text, its code only beside it.
    assert '<a href="#question-' in text and ">Bộ phận Một cửa tiếp nhận hồ sơ ở đâu?</a>" in text
    assert "-0,0" not in text


def test_statistics_page_queries_do_not_grow_with_attempts(
    client, analysed, make_person, count_queries
):
    """The page's query count is the same with 6 and with 26 attempts."""
    login(client, analysed["trainer"])
    url = f"/results/quiz/{analysed['quiz'].id}/statistics"

    def measure() -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = measure()
    for _ in range(20):
        person = make_person(unit=analysed["class"].unit)
        enrol(analysed["class"], person)
        take(analysed["quiz"], str(person.id), RIGHT)
    db.session.commit()
    many = measure()
    assert many == few
    # Session and grants, quiz, class, its trainers, overdue attempts, the attempts' questions.
    assert many <= 7, many


def test_statistics_export_csv_and_xlsx(client, analysed):
    """The export lists the questions with the page's figures; CSV has a BOM, XLSX numbers."""
    login(client, analysed["trainer"])
    base = f"/results/quiz/{analysed['quiz'].id}/export/statistics"
    with client.get(f"{base}.csv?attempts=first") as response:
        assert response.status_code == 200
        assert "TK-01" in response.headers["Content-Disposition"]
        body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Câu hỏi", "Nội dung câu hỏi", "Loại"]
    assert [row[1] for row in rows[1:]] == ["tn-1", "tn-2", "tn-3", "tn-4"]
    assert rows[1][2] == "Bộ phận Một cửa tiếp nhận hồ sơ ở đâu?"
    assert rows[4][8] == "64.55"
    with client.get(f"{base}.xlsx?attempts=first") as response:
        workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert sheet[2][6] == pytest.approx(60.0)  # Q2's facility
    assert sheet[1][9] == "Cần xem lại"  # Q1 flagged
