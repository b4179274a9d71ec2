"""Issue 9 §3: submit takes the attempt's lock before it reads the answers it grades. Real
concurrency (two clients on two threads, each request on its own connection; run it on PostgreSQL
with LMS_TEST_DATABASE_URL): an autosave landing during a submit is graded or refused, never
stored ungraded.
"""

import threading
import time

import pytest
from sqlalchemy import create_engine, exc, text

from lms import db
from lms.classes.models import TrainingClass
from lms.quizzes.attempts import autosave as autosaving
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.attempts import views as attempt_views
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


def run(*jobs, names: tuple[str, ...] = ()) -> None:
    """Run the jobs on threads at once (named, for a hook to tell them apart) and wait."""
    names = names or tuple(f"job-{n}" for n in range(len(jobs)))
    threads = [
        threading.Thread(target=job, name=name) for job, name in zip(jobs, names, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def stored(attempt_id: int, position: int):
    db.session.expire_all()
    attempt = attempts.load_attempt(attempt_id)
    question = next(q for q in attempt.questions if q.position == position)
    return attempt, question


def _autosave(client, attempt_id: int, token: str, body: dict, statuses: dict) -> None:
    response = client.post(
        f"/quiz/attempt/{attempt_id}/autosave",
        json=body,
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    statuses["autosave"] = response.status_code
    statuses["autosave_answer"] = response.get_json()


def _submit(client, attempt_id: int, token: str, statuses: dict) -> None:
    response = client.post(f"/quiz/attempt/{attempt_id}/submit", data={"csrf_token": token})
    statuses["submit"] = response.status_code


def test_an_autosave_written_when_submit_arrives_is_graded(app, learner, attempt, monkeypatch):
    """The autosave has written (on SQLite it still holds the write lock, not committed) when
    submit comes: submit waits for it if need be, then grades the answer it saved."""
    position, body = first_choice(attempt)
    attempt_id = attempt.id  # the threads read no object of this test's session
    (saver, submitter), (save_token, submit_token) = clients(app, learner, attempt)
    written = threading.Event()
    save = autosaving.save

    def slow_save(*args, **kwargs):
        saved = save(*args, **kwargs)
        written.set()
        time.sleep(HOLD)  # a slow phone's request: written, its request not yet over
        return saved

    monkeypatch.setattr(autosaving, "save", slow_save)
    statuses: dict[str, int] = {}

    def submit() -> None:
        assert written.wait(10)
        _submit(submitter, attempt_id, submit_token, statuses)

    run(lambda: _autosave(saver, attempt_id, save_token, body, statuses), submit)
    statuses.pop("autosave_answer", None)
    assert statuses == {"autosave": 200, "submit": 303}
    finished, question = stored(attempt_id, position)
    assert finished.state == AttemptState.FINISHED
    assert question.response == 0 and question.fraction == 1


def test_an_autosave_that_read_the_attempt_open_before_a_submit_is_refused(
    app, learner, attempt, monkeypatch
):
    """The autosave reads the attempt still in progress; a submit then grades and closes it;
    the autosave's write re-checks the attempt under its lock and writes nothing (409), so what
    is stored is what was graded."""
    position, body = first_choice(attempt)
    attempt_id = attempt.id  # the threads read no object of this test's session
    (saver, submitter), (save_token, submit_token) = clients(app, learner, attempt)
    read, submitted = threading.Event(), threading.Event()
    load = autosaving.load

    def load_then_wait(*args, **kwargs):
        found = load(*args, **kwargs)
        read.set()
        assert submitted.wait(10)
        return found

    monkeypatch.setattr(autosaving, "load", load_then_wait)
    statuses: dict[str, int] = {}

    def submit() -> None:
        assert read.wait(10)
        _submit(submitter, attempt_id, submit_token, statuses)
        submitted.set()

    run(lambda: _autosave(saver, attempt_id, save_token, body, statuses), submit)
    answer = statuses.pop("autosave_answer")
    assert statuses == {"autosave": 409, "submit": 303}
    # Told as it now stands: submitted (not "time is up"), and sent to the review, not back
    # to the confirm page the attempt it read would have gone to.
    assert answer["next"].endswith(f"/quiz/attempt/{attempt_id}/review")
    assert "submitted" in answer["error"] or "đã được nộp" in answer["error"]
    finished, question = stored(attempt_id, position)
    assert finished.state == AttemptState.FINISHED
    assert question.response is None and question.fraction == 0


def _lock_waiters(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
    finally:
        engine.dispose()


def _wait_for_waiters(database_url: str, count: int) -> None:
    for _ in range(200):
        if _lock_waiters(database_url) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"never {count} statements waiting for a lock")


def test_an_autosave_waiting_for_the_lock_before_submit_is_graded(
    app, learner, attempt, database_url
):
    """On PostgreSQL, the autosave's one statement and then a submit both wait for the attempt
    row (held here by a third connection). Released, the autosave writes first, and submit,
    which queued after it, grades what it wrote."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and their queue are PostgreSQL's")
    position, body = first_choice(attempt)
    attempt_id = attempt.id
    (saver, submitter), (save_token, submit_token) = clients(app, learner, attempt)
    statuses: dict[str, int] = {}
    holder_engine = create_engine(database_url)
    holder = holder_engine.connect()
    try:
        holder.execute(
            text("SELECT id FROM lms_attempts WHERE id = :id FOR UPDATE"), {"id": attempt_id}
        )
        threads = [
            threading.Thread(
                target=_autosave, args=(saver, attempt_id, save_token, body, statuses)
            ),
            threading.Thread(target=_submit, args=(submitter, attempt_id, submit_token, statuses)),
        ]
        threads[0].start()
        _wait_for_waiters(database_url, 1)
        threads[1].start()
        _wait_for_waiters(database_url, 2)
        holder.commit()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        holder.close()
        holder_engine.dispose()
    statuses.pop("autosave_answer", None)
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


def test_another_learners_submit_never_locks_the_attempt(
    app, learner, attempt, make_person, database_url, monkeypatch
):
    """A classmate posting a submit to this learner's attempt is refused (403) without ever
    having held its lock: the learner's own autosaves and submit never queue behind it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's (SQLite has one lock for the whole database)")
    attempt_id = attempt.id
    intruder = login(app.test_client(), make_person("kexam"))
    token = csrf_token(intruder)
    deciding, decided = threading.Event(), threading.Event()
    own = attempt_views._own

    def slow_own(found):
        deciding.set()  # read, not yet refused
        assert decided.wait(10)
        return own(found)

    monkeypatch.setattr(attempt_views, "_own", slow_own)
    statuses: dict[str, int] = {}
    locked: dict[str, bool] = {}

    def probe() -> None:
        assert deciding.wait(10)
        other = create_engine(database_url)
        try:
            with other.connect() as connection:
                nowait = text("SELECT id FROM lms_attempts WHERE id = :id FOR UPDATE NOWAIT")
                try:
                    connection.execute(nowait, {"id": attempt_id})
                    locked["attempt"] = False
                except exc.OperationalError:
                    locked["attempt"] = True
                connection.rollback()
        finally:
            other.dispose()
            decided.set()

    run(lambda: _submit(intruder, attempt_id, token, statuses), probe)
    assert statuses == {"submit": 403} and locked == {"attempt": False}
    assert stored(attempt_id, 1)[0].state == AttemptState.IN_PROGRESS
