"""The learner's quiz pages over HTTP: start, the no-JavaScript page flow, the autosave endpoint
(and its refusal after the deadline), submit from two clients at once, review options, overdue
attempts met on a page, and a query count that does not grow with the questions.
"""

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit.models import AuditEvent
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.grading import scoring
from lms.quizzes.models import Attempt, AttemptState
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank, small_bank
from tests.conftest import csrf_token, login
from tests.test_attempts import RIGHT

JSON = {"Accept": "application/json"}


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def uid(learner) -> str:
    return str(learner.id)


@pytest.fixture
def training_class(learner, unit):
    """A class of the one-stop course with the learner enrolled."""
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    return training_class


@pytest.fixture
def quiz(training_class):
    """Four small-bank questions, two per page, unshuffled, timed."""
    quiz = make_quiz(
        training_class,
        small_bank(),
        shuffle_questions=False,
        questions_per_page=2,
        time_limit_minutes=20,
    )
    db.session.commit()
    return quiz


@pytest.fixture
def client_in(client, learner):
    return login(client, learner)


def start(client, quiz) -> Attempt:
    token = csrf_token(client, f"/quiz/{quiz.id}")
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", response.location).group(1))
    return db.session.get(Attempt, attempt_id)


def names_on_page(attempt: Attempt) -> dict[str, int]:
    return {q.question_version.name: q.position for q in attempt.questions}


def choice(attempt, position: int, index: int) -> str:
    """The opaque value the attempt's page gives the author's choice `index` at `position`."""
    return tokens.value_token(attempt.id, position, index)


def post_page(client, attempt, page: int, answers: dict[str, str], goto: str):
    """Post a page as the browser does: a choice's index (tn-1) sent as the page's opaque value."""
    positions = names_on_page(attempt)
    token = csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    data = {"csrf_token": token, "page": str(page), "goto": goto}
    for name, value in answers.items():
        position = positions[name]
        data[f"q{position}-answer"] = (
            choice(attempt, position, int(value)) if name == "tn-1" else value
        )
    return client.post(f"/quiz/attempt/{attempt.id}", data=data)


def autosave(client, attempt, answers: dict, token: str | None = None):
    token = token or csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    return client.post(
        f"/quiz/attempt/{attempt.id}/autosave",
        json={"answers": answers},
        headers={**JSON, "X-CSRFToken": token},
    )


def move_back(attempt: Attempt, minutes: float) -> None:
    attempt = db.session.get(Attempt, attempt.id)
    attempt.started_at -= timedelta(minutes=minutes)
    attempt.deadline_at -= timedelta(minutes=minutes)
    db.session.commit()


# --- start ---------------------------------------------------------------------------------------


def test_start_page_shows_settings_and_starts(client_in, quiz):
    """The start page lists the settings; starting leads to the first page of questions."""
    page = client_in.get(f"/quiz/{quiz.id}").get_data(as_text=True)
    assert "20" in page and f'action="/quiz/{quiz.id}/start"' in page
    attempt = start(client_in, quiz)
    assert attempt.state == AttemptState.IN_PROGRESS and len(attempt.questions) == 4
    page = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert 'name="q1-answer"' in page and 'name="q2-answer"' in page
    assert 'name="q3-answer"' not in page  # two per page
    # The server's count from a 20-minute limit; a busy machine may take a few seconds to get here.
    remaining = int(re.search(r'data-remaining="(\d+)"', page).group(1))
    assert 1140 <= remaining <= 1200
    assert "style=" not in page


def test_no_attempts_left_is_refused_with_a_message(client_in, quiz, uid):
    """With every attempt used, starting answers 409 and says why."""
    quiz.attempts_allowed = 1
    attempt = attempts.start_attempt(quiz, uid)
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    token = csrf_token(client_in, f"/quiz/{quiz.id}")
    response = client_in.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    assert response.status_code == 409
    assert 'role="alert"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_someone_elses_attempt_is_forbidden(client, quiz, learner, make_person, uid):
    """Another learner can neither open, autosave nor submit the attempt."""
    attempt = attempts.start_attempt(quiz, uid)
    db.session.commit()
    other = login(client, make_person("nguoikhac"))
    assert other.get(f"/quiz/attempt/{attempt.id}").status_code == 403
    token = csrf_token(other, "/profile")
    assert autosave(other, attempt, {"1": {"q1-answer": ["0"]}}, token).status_code == 403
    response = other.post(f"/quiz/attempt/{attempt.id}/submit", data={"csrf_token": token})
    assert response.status_code == 403


# --- pages without JavaScript --------------------------------------------------------------------


def test_page_flow_without_javascript(client_in, quiz):
    """Answer page 1, go to page 2, see page 1 restored, finish, submit, read the grade."""
    attempt = start(client_in, quiz)
    first = post_page(client_in, attempt, 1, {"tn-1": "0", "tn-2": "true"}, "2")
    assert first.status_code == 303 and first.location.endswith("page=2")
    back = post_page(client_in, attempt, 2, {"tn-3": "45"}, "1")
    assert back.location.endswith("page=1")
    page = client_in.get(back.location).get_data(as_text=True)
    assert re.search(rf'name="q1-answer" value="{choice(attempt, 1, 0)}" checked', page)
    assert re.search(r'name="q2-answer" value="true" checked', page)
    to_summary = post_page(client_in, attempt, 1, {"tn-1": "0", "tn-2": "true"}, "summary")
    summary = client_in.get(to_summary.location).get_data(as_text=True)
    assert "4" in summary and f'action="/quiz/attempt/{attempt.id}/submit"' in summary
    token = csrf_token(client_in, to_summary.location)
    done = client_in.post(f"/quiz/attempt/{attempt.id}/submit", data={"csrf_token": token})
    assert done.location.endswith(f"/quiz/attempt/{attempt.id}/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).fraction == pytest.approx(0.75)
    assert "75" in client_in.get(done.location).get_data(as_text=True)


def test_sequential_navigation_never_goes_back(client_in, quiz):
    """Under sequential navigation page 1 is closed once the learner moves on."""
    quiz.navigation = "sequential"
    db.session.commit()
    attempt = start(client_in, quiz)
    post_page(client_in, attempt, 1, {"tn-1": "1"}, "2")
    assert client_in.get(f"/quiz/attempt/{attempt.id}?page=1").location.endswith("page=2")
    post_page(client_in, attempt, 1, {"tn-1": "0"}, "2")  # an old tab of page 1
    response = autosave(client_in, attempt, {"1": {"q1-answer": [choice(attempt, 1, 0)]}})
    assert response.status_code == 200 and response.json["saved"] == {}
    db.session.expire_all()
    assert attempts.load_attempt(attempt.id).questions[0].response == 1


# --- autosave ------------------------------------------------------------------------------------


def test_autosave_saves_and_answers_with_time_left(client_in, quiz):
    """Autosave stores the answer and answers with its saved time and the time left."""
    attempt = start(client_in, quiz)
    response = autosave(client_in, attempt, {"3": {"q3-answer": ["45"]}, "1": {"q1-answer": []}})
    assert response.status_code == 200
    body = response.json
    assert set(body["saved"]) == {"1", "3"} and body["saved"]["3"].endswith("Z")
    assert body["saved"]["1"] == ""  # empty and never answered: nothing written
    assert 1190 <= body["remaining"] <= 1200
    db.session.expire_all()
    saved = attempts.load_attempt(attempt.id).questions
    assert saved[2].response == "45" and saved[0].response is None
    page = client_in.get(f"/quiz/attempt/{attempt.id}?page=2").get_data(as_text=True)
    assert 'value="45"' in page and f'data-saved-at="{body["saved"]["3"]}"' in page


def test_autosave_after_the_deadline_is_refused(client_in, quiz):
    """Past the deadline the autosave answers 409 with a message and where to go next."""
    attempt = start(client_in, quiz)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    move_back(attempt, 21)
    response = autosave(client_in, attempt, {"1": {"q1-answer": ["0"]}}, token)
    assert response.status_code == 409
    assert response.json["error"] and response.json["remaining"] == 0
    assert response.json["next"].endswith(f"/quiz/attempt/{attempt.id}/summary")
    db.session.expire_all()
    assert attempts.load_attempt(attempt.id).questions[0].response is None


@pytest.mark.parametrize(
    "payload",
    [{"answers": {"99": {"q99-answer": ["1"]}}}, {"answers": {"x": {}}}, {"nothing": 1}, [1]],
)
def test_unreadable_autosave_is_refused(client_in, quiz, payload):
    """An autosave naming unknown questions or shaped wrong is refused with 400."""
    attempt = start(client_in, quiz)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    response = client_in.post(
        f"/quiz/attempt/{attempt.id}/autosave",
        json=payload,
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 400 and response.json["error"]


def test_autosave_needs_the_csrf_token(client_in, quiz):
    """Without the X-CSRFToken header nothing is saved."""
    attempt = start(client_in, quiz)
    response = client_in.post(
        f"/quiz/attempt/{attempt.id}/autosave",
        json={"answers": {"1": {"q1-answer": ["0"]}}},
        headers=JSON,
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert attempts.load_attempt(attempt.id).questions[0].response is None


# --- overdue attempts met on a page --------------------------------------------------------------


def test_overdue_autosubmit_attempt_opens_on_its_review(client_in, quiz):
    """Opening an attempt found past its deadline submits it and shows the review."""
    attempt = start(client_in, quiz)
    autosave(client_in, attempt, {"1": {"q1-answer": [choice(attempt, 1, 0)]}})
    move_back(attempt, 25)
    response = client_in.get(f"/quiz/attempt/{attempt.id}")
    assert response.location.endswith(f"/quiz/attempt/{attempt.id}/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).fraction == pytest.approx(0.25)


def test_grace_period_shows_only_submit(client_in, quiz):
    """In the grace period the attempt page leads to the summary, which still submits."""
    quiz.overdue_rule, quiz.grace_minutes = "grace", 10
    db.session.commit()
    attempt = start(client_in, quiz)
    move_back(attempt, 22)
    response = client_in.get(f"/quiz/attempt/{attempt.id}")
    assert response.location.endswith(f"/quiz/attempt/{attempt.id}/summary")
    summary = client_in.get(response.location).get_data(as_text=True)
    assert 'role="alert"' in summary and "data-remaining" not in summary
    page_post = post_page(client_in, attempt, 1, {"tn-1": "0"}, "2")
    assert page_post.location.endswith("/summary")
    token = csrf_token(client_in, response.location)
    client_in.post(f"/quiz/attempt/{attempt.id}/submit", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == AttemptState.FINISHED


# --- submit from two clients ---------------------------------------------------------------------


def test_two_clients_submitting_at_once_grade_once(app, quiz, learner, uid, monkeypatch):
    """Two tabs submit at the same moment, each on its own connection: one graded result."""
    attempt = attempts.start_attempt(quiz, uid)
    db.session.commit()
    grade = scoring.grade_attempt

    def slow_grade(*args, **kwargs):
        # Grading that takes a moment makes sure the second tab arrives while the first works.
        time.sleep(0.3)
        grade(*args, **kwargs)

    monkeypatch.setattr(scoring, "grade_attempt", slow_grade)
    clients = [login(app.test_client(), learner) for _ in range(2)]
    tokens = [csrf_token(c, f"/quiz/attempt/{attempt.id}/summary") for c in clients]
    # Read before the threads: the attempt belongs to this thread's session, which two threads
    # must not load through at once.
    url = f"/quiz/attempt/{attempt.id}/submit"
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit(index: int) -> None:
        with app.app_context():
            barrier.wait()
            response = clients[index].post(url, data={"csrf_token": tokens[index]})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303]
    grades = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "attempt.grade")
    )
    assert grades == 1
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == AttemptState.FINISHED


# --- review options ------------------------------------------------------------------------------


def finish_right(quiz, uid) -> Attempt:
    attempt = attempts.start_attempt(quiz, uid)
    positions = names_on_page(attempt)
    attempts.save_responses(
        attempt,
        quiz,
        {positions[n]: {f"q{positions[n]}-answer": [v]} for n, v in RIGHT.items()},
        utcnow(),
    )
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    return attempt


def test_review_follows_the_options_of_the_moment(client_in, quiz, uid):
    """Right after: answers but no marks or right answers; after close: everything."""
    quiz.review = {"after": {"marks": False, "right_answers": False, "feedback": False}}
    db.session.commit()
    attempt = finish_right(quiz, uid)
    page = client_in.get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    assert "tthc" in page  # the learner's own short answer
    assert "right-answer" not in page and "attempt-grade" not in page
    quiz = db.session.get(type(quiz), quiz.id)
    quiz.close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client_in.get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    assert page.count("right-answer") == 4 and "attempt-grade" in page


def test_review_hidden_entirely(client_in, quiz, uid):
    """With nothing to show, the review page shows no question."""
    quiz.review = {
        moment: dict.fromkeys(("answers", "marks", "right_answers", "feedback"), False)
        for moment in ("after", "open", "closed")
    }
    db.session.commit()
    attempt = finish_right(quiz, uid)
    page = client_in.get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    assert "tthc" not in page and 'class="question card"' not in page


def test_trainer_reviews_everything(client, quiz, uid, make_person, training_class):
    """The class's organizer sees answers, right answers and marks, whatever the options."""
    from lms.accounts.models import Role

    quiz.review = {"after": {"marks": False, "right_answers": False}}
    db.session.commit()
    attempt = finish_right(quiz, uid)
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=training_class.unit)
    page = login(client, organizer).get(f"/quiz/attempt/{attempt.id}/review")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Trần Thị Mai" in text
    assert text.count("right-answer") == 4 and "attempt-grade" in text


# --- queries -------------------------------------------------------------------------------------


def test_attempt_page_queries_do_not_grow_with_questions(
    client_in, training_class, uid, count_queries
):
    """Every question on one page: as many queries for 30 questions as for 4, and few."""
    counts = []
    for size in (4, 30):
        quiz = make_quiz(training_class, shipped_bank(), count=size, questions_per_page=0)
        attempt = attempts.start_attempt(quiz, uid)
        db.session.commit()
        client_in.get(f"/quiz/attempt/{attempt.id}")
        with count_queries() as statements:
            response = client_in.get(f"/quiz/attempt/{attempt.id}")
        assert response.get_data(as_text=True).count('class="question card"') == size
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts


def test_a_submit_writes_the_grade_with_its_audit_event(client_in, quiz, uid, count_queries):
    """The attempt's grade and its "attempt.grade" event: one statement on PostgreSQL (a WITH
    holding the UPDATE), the UPDATE and then the event on SQLite; the event is the same, and
    every question is graded."""
    attempt = start(client_in, quiz)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    with count_queries() as statements:
        done = client_in.post(f"/quiz/attempt/{attempt.id}/submit", data={"csrf_token": token})
    assert done.status_code == 303
    events = [s for s in statements if "lms_audit_events" in s]
    closing = [s for s in statements if "UPDATE lms_attempts SET" in s]
    postgres = db.session.get_bind().dialect.name == "postgresql"
    assert len(events) == 1 and len(closing) == 1, statements
    assert (events == closing) is postgres
    # The questions' grades: one UPDATE from arrays on PostgreSQL, an executemany here.
    grades = [s for s in statements if "UPDATE lms_attempt_questions" in s]
    assert len(grades) == 1 and ("FROM unnest(" in grades[0]) is postgres, grades
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attempt.grade")).one()
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert (event.object_type, event.object_id, event.actor_id) == ("attempt", str(attempt.id), uid)
    assert event.before == {"fraction": None}
    assert event.after == {"fraction": graded.fraction, "reason": "submit"}
    assert graded.state == AttemptState.FINISHED
    assert all(question.fraction is not None for question in graded.questions)


def test_autosave_is_a_few_queries_and_small_writes(client_in, training_class, uid, count_queries):
    """An autosave of one answer: a bounded number of queries, one small update (the answer's
    row; the attempt row is locked by the read of that question, not written)."""
    quiz = make_quiz(training_class, shipped_bank(), count=30, questions_per_page=0)
    attempt = attempts.start_attempt(quiz, uid)
    db.session.commit()
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    single = next(q.position for q in attempt.questions if q.question_version.qtype == "single")
    fields = {str(single): {f"q{single}-answer": [choice(attempt, single, 0)]}}
    with count_queries() as statements:
        response = autosave(client_in, attempt, fields, token)
    assert response.status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(statements) <= 8 and len(writes) == 1, statements


def test_empty_autosave_reports_the_time_left_without_writing(client_in, quiz, count_queries):
    """A ping (no answers) writes nothing and answers with the time left; 409 once it is over."""
    attempt = start(client_in, quiz)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    with count_queries() as statements:
        response = autosave(client_in, attempt, {}, token)
    assert response.status_code == 200 and response.json["remaining"] > 1100
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    move_back(attempt, 21)
    assert autosave(client_in, attempt, {}, token).status_code == 409


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_attempt_page_authorises_riding_or_not(client, quiz, learner, make_person, method):
    """GET reads the attempt in the log-in's statement (`login_rides`); HEAD does not ride,
    and reads it itself, as a host portal's log-in does: both refuse another learner's attempt
    (403) and a missing one (404), and open the learner's own."""
    attempt = attempts.start_attempt(quiz, str(learner.id))
    db.session.commit()
    path = f"/quiz/attempt/{attempt.id}"
    login(client, make_person("nguoikhac"))
    assert client.open(path, method=method).status_code == 403
    assert client.open("/quiz/attempt/999999", method=method).status_code == 404
    login(client, learner)
    assert client.open(path, method=method).status_code == 200


def test_a_learner_holding_grants_sees_each_question_once(
    client, quiz, learner, unit, make_unit, count_queries
):
    """A trainer or organizer taking a quiz: their grants multiply the rows of the log-in's
    statement the attempt rides in, and the page still shows each question once, in order,
    from one statement."""
    from lms.accounts.models import Role, RoleGrant

    for role, where in ((Role.TRAINER, unit), (Role.ORGANIZER, make_unit("SO-TP", "Sở Tư pháp"))):
        db.session.add(RoleGrant(user_id=str(learner.id), role=role, unit_id=where.id))
    attempt = attempts.start_attempt(quiz, str(learner.id))
    db.session.commit()
    login(client, learner)
    path = f"/quiz/attempt/{attempt.id}?page=1"
    with count_queries() as statements:
        page = client.get(path).get_data(as_text=True)
    assert len(statements) == 1, statements
    assert page.count('class="question card') == 2
    assert page.index('id="q1"') < page.index('id="q2"')
    # The question list: every question of the attempt once.
    assert [int(p) for p in re.findall(r'data-qnav="(\d+)"', page)] == [1, 2, 3, 4]
