"""When an attempt takes answers: the Python rule and the SQL condition the guarded writes
re-check (`lms.quizzes.attempts.rules`) give the same answer for every state and deadline."""

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import bindparam, select, update

from lms import db
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts.rules import takes_answers, takes_answers_clause
from lms.quizzes.models import Attempt, AttemptState
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank

#: Deadlines around `now`, to the microsecond (None: untimed).
DEADLINES = (
    None,
    timedelta(minutes=-5),
    timedelta(microseconds=-1),
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(minutes=5),
)


@pytest.fixture
def attempt_id(learner, unit) -> int:
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    quiz = make_quiz(training_class, shipped_bank(), count=2)
    attempt = attempts.start_attempt(quiz, str(learner.id))
    db.session.commit()
    return attempt.id


@pytest.mark.parametrize(("state", "offset"), list(product(AttemptState, DEADLINES)))
def test_python_and_sql_agree(attempt_id, state, offset):
    now = utcnow().replace(microsecond=500_000)
    deadline = None if offset is None else now + offset
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id).values(state=state, deadline_at=deadline)
    )
    db.session.commit()
    attempt = db.session.get(Attempt, attempt_id)
    in_sql = db.session.scalar(
        select(Attempt.id).where(
            Attempt.id == attempt_id,
            takes_answers_clause(Attempt.state, Attempt.deadline_at, bindparam("now")),
        ),
        {"now": now},
    )
    assert takes_answers(attempt, now) == (in_sql is not None)
    # And the table's columns, as the autosave's write names them.
    table = Attempt.__table__
    in_core = db.session.scalar(
        select(table.c.id).where(
            table.c.id == attempt_id, takes_answers_clause(table.c.state, table.c.deadline_at, now)
        )
    )
    assert in_core == in_sql
    # In progress until the deadline's very moment, and never once closed.
    expected = state == AttemptState.IN_PROGRESS and (offset is None or offset >= timedelta(0))
    assert takes_answers(attempt, now) == expected
