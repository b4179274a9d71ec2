"""What one autosave costs the database: the exam-day request (every learner, every 15 seconds)
must stay a few small reads and one small write, whatever the size of the attempt.
"""

import random
import re
from dataclasses import fields

import pytest
from sqlalchemy import select, update

from lms import db
from lms.demo import answer_form
from lms.quizzes.attempts import autosave as autosaving
from lms.quizzes.attempts import forms, statements, tokens
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank.services import as_data
from lms.quizzes.display import stamp
from lms.quizzes.models import Attempt, AttemptQuestion, Quiz
from lms.quizzes.types import get_question_type
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank
from tests.conftest import csrf_token, login

JSON = {"Accept": "application/json"}
#: The reads of an autosave: one, the signed-in account with the attempt, its quiz and the
#: questions posted riding along (`sessions.LoginRide`; the attempt row's lock is taken by the
#: write itself).
MOST_READS = 1


@pytest.fixture
def training_class(learner, unit):
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    return training_class


@pytest.fixture
def client_in(client, learner):
    return login(client, learner)


def start(training_class, learner, size: int) -> Attempt:
    """An attempt of `size` questions of the one-stop bank, all on one page."""
    quiz = make_quiz(training_class, shipped_bank(), count=size, questions_per_page=0)
    attempt = attempts.start_attempt(quiz, str(learner.id))
    db.session.commit()
    return attempt


def body(attempt: Attempt, positions: list[int], right: bool = True) -> dict:
    """The autosave body attempt.js sends for these questions (built before any measuring)."""
    rng = random.Random(7)
    answers = {}
    for question in attempt.questions:
        if question.position in positions:
            version = question.question_version
            prefix = attempts.field_prefix(question.position)
            fields = answer_form(version.qtype, version.data, prefix, right, rng)
            # As the page sends them: opaque values, not the author's indexes.
            answers[str(question.position)] = tokens.encode(
                get_question_type(version.qtype),
                as_data(version, ""),
                fields,
                attempt.id,
                question.position,
            )
    return answers


def autosave(client, attempt_id: int, answers: dict, token: str):
    return client.post(
        f"/quiz/attempt/{attempt_id}/autosave",
        json={"answers": answers},
        headers={**JSON, "X-CSRFToken": token},
    )


def writes(seen) -> list[tuple[str, object]]:
    return [(s, p) for s, p in seen if s.upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def set_columns(statement: str) -> set[str]:
    """The columns an UPDATE sets, whatever the driver's parameter style."""
    assignments = re.search(r" SET (.*?) WHERE ", statement).group(1)
    # `column=value` pairs; a value may hold commas of its own (a function's arguments).
    return set(re.findall(r"(?:^|, )(\w+)=", assignments))


def rows_in(parameters) -> int:
    return (
        len(parameters)
        if isinstance(parameters, list | tuple)
        and parameters
        and (isinstance(parameters[0], dict | list | tuple))
        else 1
    )


def test_one_answer_is_a_few_reads_and_one_small_write(client_in, training_class, learner, sql):
    """One changed answer: two reads, and one UPDATE of that answer's row, which locks the
    attempt row and re-checks that it still takes answers: the attempt row is not written."""
    attempt = start(training_class, learner, 30)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    answers, attempt_id = body(attempt, [1]), attempt.id
    with sql() as seen:
        response = autosave(client_in, attempt_id, answers, token)
    assert response.status_code == 200
    ((write, parameters),) = writes(seen)
    assert len(seen) - 1 <= MOST_READS, seen
    assert write.startswith("UPDATE lms_attempt_questions")
    # The claim is inside the write: the attempt row, locked, still in progress.
    assert "lms_attempts.state" in write
    if db.session.get_bind().dialect.name == "postgresql":
        assert "FOR UPDATE" in write
    assert set_columns(write) == {"response", "saved_at"} and rows_in(parameters) == 1
    saved = db.session.get(AttemptQuestion, attempt.questions[0].id)
    assert saved.response is not None and saved.saved_at is not None
    assert response.get_json()["saved"] == {"1": stamp(saved.saved_at)}


def reads_of(seen, table: str) -> list[str]:
    """The statements loading rows of `table` (their first columns are that table's)."""
    return [s for s, _ in seen if s.startswith(f"SELECT {table}.")]


def test_only_the_posted_questions_are_read(client_in, training_class, learner, sql):
    """Two answers of a 30-question attempt: only those two questions and their versions load,
    with the attempt row and its quiz, in one read: the log-in's."""
    attempt = start(training_class, learner, 30)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    answers, attempt_id = body(attempt, [4, 17]), attempt.id
    with sql() as seen:
        assert autosave(client_in, attempt_id, answers, token).status_code == 200
    assert not reads_of(seen, "lms_attempt_questions") and not reads_of(seen, "lms_attempts")
    (row,) = [s for s, _ in seen if s.startswith("SELECT")]
    assert "lms_login_sessions" in row
    # `IN (?, ?)` on SQLite, `IN (%(positions_1_1)s, %(positions_1_2)s)` with psycopg.
    posted = re.search(r"lms_attempt_questions\.position IN \((.*?)\)(\s|$)", row).group(1)
    assert len(posted.split(",")) == 2
    assert "lms_quizzes" in row and "lms_question_versions" in row


def test_a_ping_reads_no_question(client_in, training_class, learner, sql):
    """An autosave with no answers (asking for the time left) reads no question at all."""
    attempt = start(training_class, learner, 30)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    attempt_id = attempt.id
    with sql() as seen:
        assert autosave(client_in, attempt_id, {}, token).status_code == 200
    assert not reads_of(seen, "lms_attempt_questions") and not writes(seen)
    assert len(seen) <= MOST_READS, [s[:50] for s, _ in seen]


def test_no_audit_event_or_insert_per_autosave(client_in, training_class, learner, sql):
    """Autosaves add no rows (no audit event, no history): the table sizes stay as they were."""
    attempt = start(training_class, learner, 12)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    answers, attempt_id = body(attempt, [1, 2, 3]), attempt.id
    with sql() as seen:
        assert autosave(client_in, attempt_id, answers, token).status_code == 200
    assert not [s for s, _ in seen if s.upper().startswith(("INSERT", "DELETE"))]


def test_reads_do_not_grow_with_the_attempt(client_in, training_class, learner, sql):
    """An autosave runs as many statements for 4 questions as for 30."""
    counts = []
    for size in (4, 30):
        attempt = start(training_class, learner, size)
        token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
        answers, attempt_id = body(attempt, [1]), attempt.id
        with sql() as seen:
            assert autosave(client_in, attempt_id, answers, token).status_code == 200
        counts.append(len(seen))
        attempt = db.session.get(Attempt, attempt_id)
        attempts.submit_attempt(attempt, attempt_quiz(attempt))
        db.session.commit()
    assert counts[0] == counts[1], counts


def attempt_quiz(attempt: Attempt) -> Quiz:
    return db.session.get(Quiz, attempt.quiz_id)


def test_several_answers_are_written_together(client_in, training_class, learner, sql):
    """Three changed answers: the same two reads, and one UPDATE of each answer's row, in one
    transaction (all or none)."""
    attempt = start(training_class, learner, 30)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    three, attempt_id = body(attempt, [2, 3, 4]), attempt.id
    with sql() as seen:
        response = autosave(client_in, attempt_id, three, token)
    assert response.status_code == 200
    assert len(writes(seen)) == 3 and len(seen) - 3 <= MOST_READS
    assert set(response.get_json()["saved"]) == {"2", "3", "4"}


def test_an_answer_sent_again_keeps_its_saved_time(client_in, training_class, learner):
    """Sending again the answer already saved (a retry) changes nothing stored: the answer and
    its saved time stay as they were."""
    attempt = start(training_class, learner, 30)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    answers, attempt_id = body(attempt, [1]), attempt.id
    first = autosave(client_in, attempt_id, answers, token).get_json()["saved"]
    again = autosave(client_in, attempt_id, answers, token)
    assert again.status_code == 200 and again.get_json()["saved"] == first
    changed = autosave(client_in, attempt_id, body(attempt, [1], right=False), token)
    assert changed.get_json()["saved"]["1"] > first["1"]


def test_an_autosave_naming_more_answers_than_any_page_holds_is_refused(
    client_in, training_class, learner, sql
):
    """More than MAX_ANSWERS answers in one autosave is a 400, and the attempt is read without
    them (only to refuse someone else's first): the read would name every position sent, before
    the attempt is known to be the sender's."""
    attempt = start(training_class, learner, 4)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    attempt_id = attempt.id
    many = {str(position): {} for position in range(1, forms.MAX_ANSWERS + 2)}
    with sql() as seen:
        response = autosave(client_in, attempt_id, many, token)
    assert response.status_code == 400 and "error" in response.get_json()
    with sql() as pinged:
        assert autosave(client_in, attempt_id, {}, token).status_code == 200
    # The read (the log-in's, the attempt riding) binds no more values than a ping's: the
    # log-in's and the attempt's id, no position.
    ((read, _),) = [(s, p) for s, p in seen if s.startswith("SELECT")]
    ((ping, _),) = [(s, p) for s, p in pinged if s.startswith("SELECT")]
    assert read.count("?") + read.count("%(") == ping.count("?") + ping.count("%(")


def test_the_read_fills_each_snapshot_field_from_its_own_column():
    """`load` fills the snapshots by position from the statement's column lists: the two must
    name the same fields in the same order, or a value would land in a neighbour's field."""
    for snapshot, columns in (
        (autosaving.AttemptAsRead, statements.AUTOSAVE_ATTEMPT),
        (autosaving.QuizAsRead, statements.AUTOSAVE_QUIZ),
        (autosaving.VersionAsRead, statements.AUTOSAVE_VERSION),
    ):
        assert tuple(field.name for field in fields(snapshot)) == columns
    names = tuple(field.name for field in fields(autosaving.QuestionAsRead))
    assert names == (*statements.AUTOSAVE_QUESTION, "question_version")


def test_the_autosave_statements_stay_off_the_orm():
    """Neither the read nor the guarded write names a mapped class: the ORM's loading and its
    bulk-UPDATE path cost an autosave more Python than the statements themselves."""
    for statement in (statements.attempt_to_autosave(), statements.save_answer()):
        assert statement._propagate_attrs.get("compile_state_plugin") != "orm"


def test_an_autosave_of_an_ended_session_reads_and_writes_nothing(
    client_in, training_class, learner, sql
):
    """The attempt's read rides the log-in's statement: a session that has ended reads no
    attempt and writes no answer (a 401 for attempt.js to tell the learner to log in again)."""
    from lms.accounts.models import LoginSession
    from lms.db import utcnow

    attempt = start(training_class, learner, 4)
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}")
    answers, attempt_id = body(attempt, [1]), attempt.id
    db.session.execute(update(LoginSession).values(expires_at=utcnow()))
    db.session.commit()
    with sql() as seen:
        response = autosave(client_in, attempt_id, answers, token)
    assert response.status_code == 401
    assert not writes(seen) and not reads_of(seen, "lms_attempts")
    stored = db.session.scalars(
        select(AttemptQuestion.response).where(AttemptQuestion.attempt_id == attempt_id)
    ).all()
    assert stored == [None] * len(stored)
