"""Issue 14, what the quiz pages say: an untimed quiz shows its closing date in words (not a
countdown of hundreds of hours), a timed one a countdown with a polite live region; the review of a
choice names the option each feedback belongs to.
"""

import re
from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.models import Attempt
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def training_class(learner, unit):
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa")
    enrol(training_class, learner)
    return training_class


@pytest.fixture
def client_in(client, learner):
    return login(client, learner)


def start(client, quiz) -> Attempt:
    token = csrf_token(client, f"/quiz/{quiz.id}")
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", response.location).group(1))
    return attempts.load_attempt(attempt_id)


def test_an_untimed_quiz_shows_its_closing_date_in_words(client_in, training_class):
    """No time limit, closing in 18 days: the closing moment in words, no countdown, and the
    rule speaks of the quiz closing, not of time being up."""
    close = utcnow().replace(second=0, microsecond=0) + timedelta(days=18)
    quiz = make_quiz(training_class, small_bank(), close_at=close, shuffle_questions=False)
    db.session.commit()
    start_page = client_in.get(f"/quiz/{quiz.id}").get_data(as_text=True)
    assert "Khi bài kiểm tra đóng, bài làm được tự động nộp." in start_page
    assert "Khi hết giờ" not in start_page
    attempt = start(client_in, quiz)
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert "data-clock" not in page and "Thời gian còn lại" not in page
    words = re.search(
        r"Bài kiểm tra đóng lúc \d\d:\d\d thứ \w+, ngày (\S+) \(còn (\d+) ngày\)", page
    )
    assert words and words.group(2) in {"17", "18"}
    assert words.group(1) == (close + timedelta(hours=7)).strftime("%d/%m/%Y")


def test_a_timed_quiz_counts_down_with_a_polite_announcement(client_in, training_class):
    """A time limit: the countdown, silent itself, and a polite live region for the moments."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    db.session.commit()
    attempt = start(client_in, quiz)
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert "data-clock>30:00<" in page or "data-clock>29:59<" in page
    assert 'id="timer-announcement" class="visually-hidden" aria-live="polite"' in page
    assert 'data-announce-5="Còn 5 phút."' in page and 'data-announce-1="Còn 1 phút."' in page


def test_the_review_of_a_wrong_choice_names_the_option_its_feedback_is_about(
    client_in, training_class, learner
):
    """ "Chưa đúng." under a wrong choice says which choice it is about (it read as if the answer
    were right when it said "Đúng." for another)."""
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False)
    attempt = attempts.start_attempt(quiz, str(learner.id))
    attempts.save_responses(
        attempt, quiz, {1: {"q1-answer": ["1"]}, 2: {"q2-answer": ["true"]}}, utcnow()
    )
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    page = client_in.get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    feedback = re.search(r'<div class="feedback">(.*?)</div>', page, re.S).group(1)
    assert "Về lựa chọn “Tại từng phòng chuyên môn” của bạn:" in feedback
    assert "Chưa đúng." in feedback and "Đúng.</p>" not in page.replace("Chưa đúng.</p>", "")
