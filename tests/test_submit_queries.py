"""What one submit costs the database: an exam ends with every learner submitting at once, so a
submit must stay a fixed, small number of statements, whatever the size of the attempt, with
the questions' grades written in one batch.
"""

import re

import pytest
from sqlalchemy import select, update

from lms import db
from lms.audit.models import AuditEvent
from lms.audit.services import event_values
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import statements
from lms.quizzes.grading.scoring import GRADE_EVENT
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank
from tests.conftest import csrf_token, login

#: The signed-in account, the attempt with its quiz and the questions it grades under its lock,
#: the attempt closed with its grade, the questions' grades, the audit event, and the completion
#: engine's re-evaluation of the learner (class, enrolment, rules and stored standing read in one
#: statement, then its write).
#: It was 17 (a query per question grade column set, the attempt read twice, two writes of it),
#: then 11 (the re-evaluation read its class, enrolment, rules and standing apart), then 8 (the
#: attempt read, then read again under its lock). On PostgreSQL the questions' grades and the
#: audit event are written by the attempt's closing statement (WITHs holding the UPDATEs): two
#: fewer.
BUDGET = {"sqlite": 7, "postgresql": 5}


def on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


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


def submit(client, attempt_id: int):
    token = csrf_token(client, f"/quiz/attempt/{attempt_id}/summary")
    return lambda: client.post(f"/quiz/attempt/{attempt_id}/submit", data={"csrf_token": token})


def set_columns(statement: str) -> set[str]:
    """The columns an UPDATE sets, whatever the driver's parameter style."""
    assignments = re.search(r" SET (.*?) (?:FROM|WHERE) ", statement).group(1)
    return {part.split("=")[0].strip() for part in assignments.split(",")}


def test_submit_stays_within_its_budget_at_any_size(
    client_in, training_class, learner, count_queries
):
    """A submit of 4 questions runs as many statements as one of 30, at most BUDGET, each of
    them one SQLAlchemy compiles once, whatever the number of questions."""
    counts = []
    for size in (4, 30):
        send = submit(client_in, start(training_class, learner, size).id)
        with count_queries() as seen:
            assert send().status_code == 303
        assert not seen.uncached, "compiled on every submit (no cache key)"
        counts.append(len(seen))
    assert counts[0] == counts[1] <= BUDGET[db.session.get_bind().dialect.name], counts


def test_question_grades_go_in_one_batch_and_the_attempt_in_one_write(
    client_in, training_class, learner, sql
):
    """Every question's grade in one batched UPDATE (PostgreSQL: from three arrays, in the
    attempt's closing statement with its audit event; SQLite: an executemany); the attempt row
    written once, closed and graded together."""
    attempt = start(training_class, learner, 12)
    attempt_id, send = attempt.id, submit(client_in, attempt.id)
    with sql() as seen:
        assert send().status_code == 303
    questions = [(s, p) for s, p in seen if "UPDATE lms_attempt_questions" in s]
    assert len(questions) == 1
    statement, parameters = questions[0]
    rows = len(parameters["question_ids"]) if on_postgres() else len(parameters)
    assert rows == 12
    (closing,) = [s for s, _ in seen if "UPDATE lms_attempts" in s]
    assert set_columns(closing) == {"state", "finished_at", "fraction"}
    assert closing.startswith("WITH closed AS") is on_postgres()
    assert (statement == closing) is on_postgres()
    # Only the grades: the questions stay where they are (see `statements.CLOSED_ATTEMPT`).
    questions_set = statement[statement.index("UPDATE lms_attempt_questions") :]
    assert set_columns(questions_set) == {"fraction", "feedback"}
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt_id)
    assert stored.state == AttemptState.FINISHED
    graded = [q for q in stored.questions if q.question_version.qtype != "essay"]
    assert graded and all(q.fraction is not None for q in graded)
    # An essay waits for a person, and so does the attempt's grade.
    assert (stored.fraction is None) == (len(graded) < len(stored.questions))


def test_a_second_submit_writes_nothing(client_in, training_class, learner, sql):
    """A double click: the second submit reads, finds the attempt finished, and writes nothing."""
    attempt = start(training_class, learner, 12)
    send = submit(client_in, attempt.id)
    assert send().status_code == 303
    with sql() as seen:
        assert send().status_code == 303
    assert not [s for s, _ in seen if s.upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert db.session.query(AttemptQuestion).filter_by(attempt_id=attempt.id).count() == 12


def test_the_attempt_is_read_once_under_its_lock(client_in, training_class, learner, sql):
    """Submit reads the attempt once, with its quiz and questions, locked (on PostgreSQL, FOR
    UPDATE of the attempt and its questions): what it grades is what it read there."""
    attempt = start(training_class, learner, 12)
    send = submit(client_in, attempt.id)
    with sql() as seen:
        assert send().status_code == 303
    reads = [s for s, _ in seen if s.startswith("SELECT lms_attempts.")]
    assert len(reads) == 1 and "lms_quizzes" in reads[0] and "lms_attempt_questions" in reads[0]
    if db.session.get_bind().dialect.name == "postgresql":
        assert reads[0].endswith("FOR UPDATE OF lms_attempts, lms_attempt_questions")


def test_the_closing_statement_grades_only_the_attempt_it_closes(app, training_class, learner):
    """PostgreSQL's one closing statement writes the questions' grades only with the attempt's
    closing: sent for an attempt no longer in progress (the guard then refuses the submit), it
    closes nothing, grades nothing and records nothing; sent for one in progress, it grades
    that attempt's questions, no other's."""
    if not on_postgres():
        pytest.skip("SQLite runs the closing, the grades and the event apart")
    finished, open_ = (start(training_class, learner, 4) for _ in range(2))
    db.session.execute(
        update(Attempt).where(Attempt.id == finished.id).values(state=AttemptState.FINISHED)
    )
    db.session.commit()
    # Every question of both attempts, as if a grader had mixed them up.
    everyone = [q.id for attempt in (finished, open_) for q in attempt.questions]
    grades = statements.as_arrays(
        [{"question_id": qid, "fraction": 1, "feedback": ["ok"]} for qid in everyone]
    )

    def close(attempt: Attempt) -> int:
        with app.test_request_context():
            values = {
                statements.CLOSED_ATTEMPT: attempt.id,
                "state": AttemptState.FINISHED,
                "finished_at": utcnow(),
                "fraction": 1.0,
            }
            event = event_values(GRADE_EVENT, "attempt", None, {"fraction": 1.0})
            closed = db.session.execute(statements.finish_recorded(), values | grades | event)
            db.session.commit()
            return closed.rowcount

    assert close(finished) == 0
    assert close(open_) == 1
    db.session.expire_all()
    fractions = dict(
        db.session.execute(
            select(AttemptQuestion.id, AttemptQuestion.fraction).where(
                AttemptQuestion.id.in_(everyone)
            )
        ).all()
    )
    assert [fractions[q.id] for q in finished.questions] == [None] * 4
    assert [fractions[q.id] for q in open_.questions] == [1.0] * 4
    graded = select(AuditEvent.object_id).where(AuditEvent.action == GRADE_EVENT)
    assert list(db.session.scalars(graded)) == [str(open_.id)]
