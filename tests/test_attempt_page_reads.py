"""The attempt page reads less (issue 13): the attempt, its quiz and the learner's override in one
query, translations looked up once a page, authored texts and marks remembered per language. What
it remembers is authored content only; what it reads per request is read again on every request.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.display import points
from lms.quizzes.models import Attempt, QuizOverride
from lms.rendering import render_inline, render_markdown
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login


@pytest.fixture
def other(make_person, unit):
    return make_person("hocvienkhac", unit=unit, full_name="Lê Văn Nam")


@pytest.fixture
def training_class(learner, other, unit):
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa")
    enrol(training_class, learner)
    enrol(training_class, other)
    return training_class


def start(client, quiz) -> Attempt:
    token = csrf_token(client, f"/quiz/{quiz.id}")
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", response.location).group(1))
    return attempts.load_attempt(attempt_id)


def speak(client, language: str) -> None:
    token = csrf_token(client, "/profile")
    client.post("/language", data={"csrf_token": token, "language": language})


def test_an_override_given_during_an_attempt_shows_at_once(client, training_class, learner):
    """The override comes with the attempt, not from a cache: a time limit a trainer gives the
    learner mid-attempt turns the closing date into a countdown on the next page load."""
    quiz = make_quiz(training_class, small_bank(), close_at=utcnow() + timedelta(days=3))
    db.session.commit()
    client_in = login(client, learner)
    attempt = start(client_in, quiz)
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert 'class="timer closes"' in page and "data-clock" not in page
    db.session.add(QuizOverride(quiz_id=quiz.id, user_id=str(learner.id), time_limit_minutes=45))
    db.session.commit()
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    # The attempt's deadline was fixed at its start: only how the page speaks of it changes.
    assert 'class="timer closes"' not in page and "data-clock" in page


def test_an_override_is_the_attempts_learners_only(client, training_class, learner, other):
    """Folding the override into the attempt's query reads the override of the attempt's own
    learner: another learner's override never reaches it."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    db.session.add(QuizOverride(quiz_id=quiz.id, user_id=str(other.id), time_limit_minutes=90))
    db.session.commit()
    attempt = start(login(client, learner), quiz)
    _attempt, _quiz, override = attempts.load_attempt_quiz(attempt.id)
    assert override is None


def test_two_learners_see_their_own_pages(client, training_class, learner, other):
    """Each learner's page carries their own attempt's tokens and answers, whatever the other
    learner's page rendered just before from the same remembered texts."""
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False)
    db.session.commit()
    first = start(login(client, learner), quiz)
    first_page = client.get(f"/quiz/attempt/{first.id}").get_data(as_text=True)
    second = start(login(client, other), quiz)
    second_page = client.get(f"/quiz/attempt/{second.id}").get_data(as_text=True)
    assert client.get(f"/quiz/attempt/{first.id}").status_code == 403
    tokens_of = set(re.findall(r'value="(v[0-9a-f]{10})"', first_page))
    assert tokens_of and not tokens_of & set(re.findall(r'value="(v[0-9a-f]{10})"', second_page))
    assert f'data-attempt="{second.id}"' in second_page and str(first.id) not in re.findall(
        r'data-attempt="(\d+)"', second_page
    )


def test_the_page_speaks_the_language_chosen_at_once(client, training_class, learner):
    """Translations are looked up once a page, in the page's language: switching language shows
    the next page in the new one, marks included (0,5 becomes 0.5)."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    db.session.commit()
    client_in = login(client, learner)
    attempt = start(client_in, quiz)
    assert "Câu 1" in client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    speak(client_in, "en")
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert "Question 1" in page and "Câu 1" not in page and "Time left" in page


def test_remembered_texts_and_marks_follow_the_language(app):
    """The same text or mark in two languages gives each language's own words."""
    table = "|   |   |\n|---|---|\n| 1 | 2 |"
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("vi"):
            vi = (points(0.5), str(render_markdown(table)), str(render_inline("**x**")))
        with force_locale("en"):
            en = (points(0.5), str(render_markdown(table)), str(render_inline("**x**")))
    assert vi[0] == "0,5" and en[0] == "0.5"
    assert vi[2] == en[2] == "<strong>x</strong>"
    assert vi[1] != en[1]  # the table's fallback label is translated


def test_the_question_list_says_each_questions_state():
    """The list's buttons, worked out in Python: a description is "i" and to be read, a saved
    answer marks its button, and only the page shown is current (when there are several)."""
    from types import SimpleNamespace

    from lms.quizzes.display import question_nav

    def question(position: int, qtype: str, response) -> SimpleNamespace:
        version = SimpleNamespace(qtype=qtype)
        return SimpleNamespace(position=position, question_version=version, response=response)

    questions = [question(1, "description", None), question(2, "single", 0)]
    attempt = SimpleNamespace(questions=[*questions, question(3, "shortanswer", "  ")])
    nav = question_nav(attempt, [[1, 2], [3]], 1)
    assert [(b.page, b.label, b.state, b.current) for b in nav] == [
        (1, "i", "information", False),
        (1, 1, "answered", False),
        (2, 2, "unanswered", True),
    ]
    assert [b.css for b in nav] == ["qnav to-read", "qnav answered", "qnav current"]
    assert not question_nav(attempt, [[1, 2, 3]], 0)[0].current


def test_the_answering_page_leaves_out_what_only_a_review_reads():
    """The page a learner answers on repeats the quiz on every question row: it leaves out the
    review options and the grades, which the summary and the review page (the full statement)
    still read."""
    from sqlalchemy.dialects import postgresql

    from lms.quizzes.attempts import statements

    def columns(statement) -> str:
        return str(statement.compile(dialect=postgresql.dialect())).split(" FROM ")[0]

    from lms.accounts.models import Account, LoginSession

    accounts, sessions = Account.__table__, LoginSession.__table__
    log_in = select(accounts.c.id).join(sessions, sessions.c.account_id == accounts.c.id)
    answering, full = columns(statements.attempt_to_answer()), columns(statements.attempt_page())
    # As the page runs it: in the log-in's statement (`login_rides`).
    riding = columns(statements.attempt_to_answer_with(log_in))
    # The questions and versions come joined under aliases (lms_attempt_questions_1.feedback).
    for column in ("lms_quizzes.review", ".feedback", ".grader_comment", ".content_hash"):
        assert column in full and column not in answering and column not in riding
    for column in (".response", ".choice_order", ".data", ".general_feedback"):
        assert column in answering and column in riding
