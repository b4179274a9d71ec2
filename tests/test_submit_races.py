"""Issue 9 §3: submit takes the attempt's lock before it reads the answers it grades. Real
concurrency (two clients on two threads, each request on its own connection; run it on PostgreSQL
with LMS_TEST_DATABASE_URL): an autosave landing during a submit is graded or refused, never
stored ungraded.
"""

import threading
import time

import pytest

from lms import db
from lms.classes.models import TrainingClass
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.grading import scoring
from lms.quizzes.models import Attempt, AttemptState
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login

#: How long the first request keeps the lock: long enough for the second to arrive and wait.
HOLD = 1.0


@pytest.fixture
def learner(make_person, make_unit):
    unit = make_unit("SO-NV", "Sở Nội vụ")
    learner = make_person("hocvien", unit=unit, full_name="Trần Thị Mai")
    enrol(make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa"), learner)
    return learner


@pytest.fixture
def attempt(app, learner):
    training_class = db.session.query(TrainingClass).one()
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False, questions_per_page=0)
    with app.test_request_context():
        attempt = attempts.start_attempt(quiz, str(learner.id))
        db.session.commit()
    return attempt


def first_choice(attempt: Attempt) -> tuple[int, dict]:
    """The single-choice question's position and the autosave body choosing its right answer."""
    position = next(q.position for q in attempt.questions if q.question_version.qtype == "single")
    value = tokens.value_token(attempt.id, position, 0)
    return position, {"answers": {str(position): {f"q{position}-answer": [value]}}}


def clients(app, learner, attempt, count: int = 2):
    made = [login(app.test_client(), learner) for _ in range(count)]
    return made, [csrf_token(c, f"/quiz/attempt/{attempt.id}/summary") for c in made]


def run(*jobs) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def stored(attempt_id: int, position: int):
    db.session.expire_all()
    attempt = attempts.load_attempt(attempt_id)
    question = next(q for q in attempt.questions if q.position == position)
    return attempt, question


def test_an_autosave_in_flight_when_submit_arrives_is_graded(app, learner, attempt, monkeypatch):
    """The autosave holds the lock (written, not committed) when submit comes: submit waits for
    it, then grades the answer it saved."""
    position, body = first_choice(attempt)
    attempt_id = attempt.id  # the threads read no object of this test's session
    (saver, submitter), (save_token, submit_token) = clients(app, learner, attempt)
    written = threading.Event()
    save = attempts.save_responses

    def slow_save(*args, **kwargs):
        saved = save(*args, **kwargs)
        written.set()
        time.sleep(HOLD)  # a slow phone's request: written, not yet committed
        return saved

    monkeypatch.setattr(attempts, "save_responses", slow_save)
    statuses: dict[str, int] = {}

    def autosave() -> None:
        response = saver.post(
            f"/quiz/attempt/{attempt_id}/autosave",
            json=body,
            headers={"Accept": "application/json", "X-CSRFToken": save_token},
        )
        statuses["autosave"] = response.status_code

    def submit() -> None:
        assert written.wait(10)
        response = submitter.post(
            f"/quiz/attempt/{attempt_id}/submit", data={"csrf_token": submit_token}
        )
        statuses["submit"] = response.status_code

    run(autosave, submit)
    assert statuses == {"autosave": 200, "submit": 303}
    finished, question = stored(attempt_id, position)
    assert finished.state == AttemptState.FINISHED
    assert question.response == 0 and question.fraction == 1


def test_an_autosave_arriving_during_submit_is_refused(app, learner, attempt, monkeypatch):
    """Submit holds the lock while it grades: an autosave then waits and is refused (409), and
    what is stored is what was graded."""
    position, body = first_choice(attempt)
    attempt_id = attempt.id  # the threads read no object of this test's session
    (saver, submitter), (save_token, submit_token) = clients(app, learner, attempt)
    grading = threading.Event()
    grade = scoring.grade_attempt

    def slow_grade(*args, **kwargs):
        grading.set()
        time.sleep(HOLD)
        grade(*args, **kwargs)

    monkeypatch.setattr(scoring, "grade_attempt", slow_grade)
    statuses: dict[str, int] = {}

    def submit() -> None:
        response = submitter.post(
            f"/quiz/attempt/{attempt_id}/submit", data={"csrf_token": submit_token}
        )
        statuses["submit"] = response.status_code

    def autosave() -> None:
        assert grading.wait(10)
        response = saver.post(
            f"/quiz/attempt/{attempt_id}/autosave",
            json=body,
            headers={"Accept": "application/json", "X-CSRFToken": save_token},
        )
        statuses["autosave"] = response.status_code

    run(submit, autosave)
    assert statuses == {"submit": 303, "autosave": 409}
    finished, question = stored(attempt_id, position)
    assert finished.state == AttemptState.FINISHED
    assert question.response is None and question.fraction == 0
