"""The statements the attempt pages, autosave and submit run on every request, each built once.

An exam day sends an autosave every few seconds per learner and a burst of submits at the end;
building these statements anew (columns, joins, comparisons, their cache keys) cost about as much
Python as running them. Built once with `bindparam`s, each request only binds its values (see
`lms.accounts.sessions._account_statement` for the same pattern).
"""

import functools
import json

from sqlalchemy import (
    Insert,
    Select,
    Text,
    Update,
    and_,
    bindparam,
    case,
    cast,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import defer, joinedload, selectinload

from lms.audit.services import insert_for_each
from lms.connections import ATOMIC_ALONE
from lms.quizzes.attempts.rules import takes_answers_clause
from lms.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    QuestionVersion,
    Quiz,
    QuizOverride,
)


def _override_of_attempt():
    """The override of the attempt's quiz for the attempt's learner (an outer join's clause)."""
    return (QuizOverride.quiz_id == Attempt.quiz_id) & (QuizOverride.user_id == Attempt.user_id)


def _with_questions() -> list:
    """The attempt's questions and their versions, joined: one row each, one round trip instead
    of a second SELECT for them (about 1 ms less on PostgreSQL, though each row repeats the
    attempt's and the quiz's columns)."""
    return [joinedload(Attempt.questions).joinedload(AttemptQuestion.question_version)]


def _answering_only() -> list:
    """Leave out the columns only a review or the grading reads: the joined rows repeat the
    quiz's columns once per question, and psycopg decodes every value of every row (the quiz's
    review options, JSON, twelve times for a 12-question quiz); the deferred ones are loaded on
    first use if the overdue rule grades the attempt on the way."""
    questions = joinedload(Attempt.questions)
    version = questions.joinedload(AttemptQuestion.question_version)
    return [
        defer(Quiz.review),
        defer(Quiz.created_at),
        questions.defer(AttemptQuestion.feedback),
        questions.defer(AttemptQuestion.fraction),
        questions.defer(AttemptQuestion.grader_comment),
        questions.defer(AttemptQuestion.graded_by),
        questions.defer(AttemptQuestion.graded_at),
        version.defer(QuestionVersion.content_hash),
        version.defer(QuestionVersion.created_at),
    ]


@functools.cache
def attempt_page() -> Select:
    """An attempt with its questions and their versions, its quiz and its learner's override
    (`services.load_attempt_quiz`): every attempt page runs it. Binds `attempt_id`."""
    return (
        select(Attempt, Quiz, QuizOverride)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(QuizOverride, _override_of_attempt())
        .where(Attempt.id == bindparam("attempt_id"))
        .options(*_with_questions())
    )


@functools.cache
def attempt_to_answer() -> Select:
    """`attempt_page` for the page a learner answers on (the `attempt` view), without the
    columns only a review or the grading reads. Binds `attempt_id`."""
    return attempt_page().options(*_answering_only())


def attempt_to_answer_with(login: Select) -> Select:
    """`attempt_to_answer` added to the log-in's statement (`login_rides.LoginRide.attach`): the
    attempt, its quiz and the override outer-joined, so the log-in stands without them; the
    attempt page's one statement. Binds `attempt_id`."""
    return (
        login.add_columns(Attempt, Quiz, QuizOverride)
        .outerjoin(Attempt, Attempt.id == bindparam("attempt_id"))
        .outerjoin(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(QuizOverride, _override_of_attempt())
        .options(*_with_questions(), *_answering_only())
    )


@functools.cache
def attempt_with_quiz() -> Select:
    """An attempt row and its quiz (no questions): what submit needs to authorise and decide.
    Binds `attempt_id`."""
    return (
        select(Attempt, Quiz)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.id == bindparam("attempt_id"))
    )


def _unread(*question_columns) -> list:
    """Loader options leaving out what neither answering nor grading reads, for a statement
    loading a quiz and attempt questions (with their versions): the quiz's review options and
    creation time, the versions' hash and creation time, and these question columns. Joined
    rows repeat the quiz once per question, and psycopg decodes every value of every row."""
    version = joinedload(AttemptQuestion.question_version)
    return [
        defer(Quiz.review),
        defer(Quiz.created_at),
        *(defer(column) for column in question_columns),
        version.defer(QuestionVersion.content_hash),
        version.defer(QuestionVersion.created_at),
    ]


#: What an autosave reads of each table (`attempt_to_autosave`), by the names its snapshots
#: (`autosave.AttemptAsRead` and the others) and the services reading them use.
AUTOSAVE_ATTEMPT = ("id", "user_id", "state", "deadline_at", "current_page")
AUTOSAVE_QUIZ = ("navigation", "questions_per_page", "overdue_rule", "grace_minutes")
AUTOSAVE_QUESTION = ("id", "position", "response")
AUTOSAVE_VERSION = ("qtype", "name", "stem", "general_feedback", "default_mark", "data")


@functools.cache
def attempt_to_autosave() -> Select:
    """An attempt, its quiz's settings and the questions at the positions an autosave sent
    (with their versions' content), one row per question (a single row with the questions'
    columns None when none matches): what an autosave reads, without a lock, before its guarded
    write (`save_answer`). The columns of `AUTOSAVE_*`, in that order, as Core rows: no ORM
    objects, which cost as much Python again as the columns read. Binds `attempt_id` and
    `positions` (a list)."""
    attempts, quizzes = Attempt.__table__, Quiz.__table__
    questions, versions = AttemptQuestion.__table__, QuestionVersion.__table__
    posted = and_(
        questions.c.attempt_id == attempts.c.id,
        questions.c.position.in_(bindparam("positions", expanding=True)),
    )
    return (
        select(
            *(attempts.c[name] for name in AUTOSAVE_ATTEMPT),
            *(quizzes.c[name] for name in AUTOSAVE_QUIZ),
            *(questions.c[name] for name in AUTOSAVE_QUESTION),
            *(versions.c[name] for name in AUTOSAVE_VERSION),
        )
        .join(quizzes, quizzes.c.id == attempts.c.quiz_id)
        .outerjoin(questions, posted)
        .outerjoin(versions, versions.c.id == questions.c.question_version_id)
        .where(attempts.c.id == bindparam("attempt_id"))
    )


@functools.cache
def attempt_state() -> Select:
    """An attempt's state and deadline, for an autosave refused by its write: what closed it.
    Binds `attempt_id`."""
    attempts = Attempt.__table__
    return select(attempts.c.state, attempts.c.deadline_at).where(
        attempts.c.id == bindparam("attempt_id")
    )


@functools.cache
def save_answer() -> Update:
    """Write one question's response if its attempt still takes answers, in one statement that
    locks the attempt row first (the order submit locks in) and re-checks the condition on its
    latest version once it holds the lock: after a submit it waited for, it writes nothing. The
    saved time moves only when the stored response differs (compared as stored, as text: equal
    texts are equal answers). Returns the question's position and saved time; no row when the
    attempt takes no more answers. On its own it is atomic, so it needs no transaction around
    it (`ATOMIC_ALONE`, for a save of one question). Binds `question_id`, `open_attempt` (its
    attempt's id), `answer` (the response) and `now` (names no column has: an UPDATE reserves
    those)."""
    # Core tables, not the mapped classes: a statement naming one of those runs through the
    # ORM's bulk UPDATE (session synchronisation, a new cache key per run) for a row the
    # session does not hold; under cProfile, the save took 2,5 ms a request that way, 1,0 now.
    table, attempts = AttemptQuestion.__table__, Attempt.__table__
    still_open = (
        select(attempts.c.id)
        .where(
            attempts.c.id == bindparam("open_attempt"),
            takes_answers_clause(attempts.c.state, attempts.c.deadline_at, bindparam("now")),
        )
        .with_for_update()
    )
    response = bindparam("answer", type_=table.c.response.type)
    # SQL NULL (never written) and JSON null (written as None) are the same nothing.
    changed = func.coalesce(cast(table.c.response, Text), "null").is_distinct_from(
        func.coalesce(cast(response, Text), "null")
    )
    return (
        update(table)
        .where(table.c.id == bindparam("question_id"), table.c.attempt_id.in_(still_open))
        .values(
            response=response,
            saved_at=case((changed, bindparam("now")), else_=table.c.saved_at),
        )
        .returning(table.c.position, table.c.saved_at)
    )


@functools.cache
def save_answer_alone() -> Update:
    """`save_answer` for an autosave of one question: outside a transaction, alone."""
    return save_answer().execution_options(**{ATOMIC_ALONE: True})


@functools.cache
def claim() -> Update:
    """The no-op UPDATE that takes the attempt row's lock if it still takes answers. Binds
    `attempt_id` and `now`."""
    return (
        update(Attempt)
        .where(
            Attempt.id == bindparam("attempt_id"),
            takes_answers_clause(Attempt.state, Attempt.deadline_at, bindparam("now")),
        )
        # A no-op assignment: the point is the row lock and the re-checked condition.
        .values(current_page=Attempt.current_page)
        .execution_options(synchronize_session=False)
    )


@functools.cache
def claimed_questions() -> Select:
    """Some questions of an attempt that still takes answers (their versions joined, as the
    relationship loads them), locked with the attempt row: on PostgreSQL a second writer waits
    for both and then re-checks the condition on their latest versions, so it compares the
    answer it sends with the one saved last and finds a submitted attempt closed. No row when
    the attempt takes no more answers. Binds `attempt_id`, `positions` (a list) and `now`."""
    return (
        select(AttemptQuestion)
        .select_from(Attempt)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .where(
            Attempt.id == bindparam("attempt_id"),
            takes_answers_clause(Attempt.state, Attempt.deadline_at, bindparam("now")),
            AttemptQuestion.position.in_(bindparam("positions", expanding=True)),
        )
        # The attempt row first, then the questions: the order submit locks and writes them
        # in (PostgreSQL locks in the order `OF` names), or the two would deadlock. Not the
        # versions: the eager outer join's side cannot be locked, nor need it be.
        .with_for_update(of=[Attempt, AttemptQuestion])
        .execution_options(populate_existing=True)
    )


@functools.cache
def locked_questions() -> Select:
    """The attempt and each of its questions (with its version), attempt row and questions
    locked in one statement. PostgreSQL hands back the latest version of every row it had to
    wait for (an autosave that held the attempt and wrote a question), so what this reads is
    what is stored once the lock is held. The attempt row first, then the questions: the order
    an autosave locks them in. Binds `attempt_id`."""
    return (
        select(Attempt, AttemptQuestion)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .where(Attempt.id == bindparam("attempt_id"))
        .order_by(AttemptQuestion.position)
        .with_for_update(of=[Attempt, AttemptQuestion])
        .execution_options(populate_existing=True)
    )


@functools.cache
def locked_attempt_with_quiz() -> Select:
    """`locked_questions` with the attempt's quiz (not locked: a quiz's settings are not what
    two requests race on), for submit, which reads nothing before it: only the learner's own
    attempt, so nobody else's is locked even for a moment. Without the columns grading does not
    read: each row repeats the quiz, and psycopg decodes every value of every row (the quiz's
    review options, JSON, once per question). Binds `attempt_id` and `user_id`."""
    return (
        select(Attempt, Quiz, AttemptQuestion)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .where(Attempt.id == bindparam("attempt_id"), Attempt.user_id == bindparam("user_id"))
        .order_by(AttemptQuestion.position)
        .with_for_update(of=[Attempt, AttemptQuestion])
        .options(*_unread(AttemptQuestion.grader_comment, AttemptQuestion.graded_by))
        .execution_options(populate_existing=True)
    )


@functools.cache
def locked_attempt() -> Select:
    """The attempt under its row lock, then its questions with their versions. Two statements,
    not one joined: on PostgreSQL a statement that waited for the lock re-reads only the locked
    row, while rows it joined come from the snapshot taken before the wait, so an autosave
    committed meanwhile would go ungraded. Binds `attempt_id`."""
    return (
        select(Attempt)
        .where(Attempt.id == bindparam("attempt_id"))
        .with_for_update(of=Attempt)
        .options(selectinload(Attempt.questions).joinedload(AttemptQuestion.question_version))
        .execution_options(populate_existing=True)
    )


#: The attempt's id as `finish` binds it. Not `attempt_id`: SQLAlchemy sets every column a
#: statement's parameters name that an UPDATE does not set itself, in a WITH too, and the
#: questions' table has an `attempt_id` (in `finish_recorded`, their UPDATE would move every
#: question graded).
CLOSED_ATTEMPT = "closed_attempt_id"


@functools.cache
def finish() -> Update:
    """Close an attempt still in progress, with its grade, in one UPDATE. Binds
    `CLOSED_ATTEMPT` (the attempt's id), `state`, `finished_at` and `fraction`. A Core
    statement on the table: the ORM's bulk UPDATE path (its own compile state and session
    bookkeeping, which `synchronize_session=False` did not skip) was a tenth of a submit's
    Python; the caller sets the values it wrote as committed on the attempt it holds."""
    table = Attempt.__table__
    return (
        update(table)
        .where(table.c.id == bindparam(CLOSED_ATTEMPT), table.c.state == AttemptState.IN_PROGRESS)
        .values(
            state=bindparam("state", type_=table.c.state.type),
            finished_at=bindparam("finished_at", type_=table.c.finished_at.type),
            fraction=bindparam("fraction", type_=table.c.fraction.type),
        )
    )


@functools.cache
def finish_recorded() -> Insert:
    """`finish`, the questions' grades and the attempt's "attempt.grade" audit event as one
    statement (PostgreSQL, see `audit.services.insert_for_each`): two round trips fewer than
    the three statements apart. Its rowcount is finish's: 1 when the attempt was still in
    progress and is now closed, 0 otherwise (then no event and no grade either). Binds
    `finish`'s values, the questions' grades as `question_grades_at_once` does (`as_arrays`)
    and the event's (`audit.services.event_values`)."""
    closed = finish().returning(Attempt.__table__.c.id).cte("closed")
    questions = AttemptQuestion.__table__
    # A WITH that nothing reads is left out unless added: PostgreSQL runs every data-modifying
    # WITH of a statement once, read or not. Only the questions of the attempt just closed.
    graded = question_grades_at_once().where(
        questions.c.attempt_id.in_(select(closed.c.id).scalar_subquery())
    )
    # An INSERT's rowcount is read from the cursor only when asked for (for an UPDATE it is
    # kept): kept here, as the guard reads it.
    return (
        insert_for_each(closed)
        .add_cte(graded.cte("grades"))
        .execution_options(preserve_rowcount=True)
    )


@functools.cache
def question_grades() -> Update:
    """Every graded question's fraction and feedback, one executemany for the attempt (a Core
    statement: no autoflush, the caller keeps the identity map in step). Binds `question_id`,
    `fraction` and `feedback` per row."""
    table = AttemptQuestion.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("question_id"))
        .values(
            fraction=bindparam("fraction", type_=table.c.fraction.type),
            feedback=bindparam("feedback", type_=table.c.feedback.type),
        )
    )


@functools.cache
def question_grades_at_once() -> Update:
    """`question_grades` as one UPDATE from three arrays unnested side by side (PostgreSQL,
    run inside `finish_recorded`): psycopg runs an executemany as a pipeline of one statement
    per row, whose Python cost a submit about 7 %. One statement whatever the number of
    questions, so SQLAlchemy compiles it once (a VALUES list of bound rows, the form before,
    has no cache key: it was compiled again on every submit, 15 % of one). Binds
    `question_ids`, `fractions` and `feedbacks`, the feedback as JSON text (`as_arrays`)."""
    table = AttemptQuestion.__table__
    graded = (
        func.unnest(
            bindparam("question_ids", type_=ARRAY(table.c.id.type)),
            bindparam("fractions", type_=ARRAY(table.c.fraction.type)),
            # Text, cast to JSON per row: an array of JSON arrays would bind as a
            # multidimensional array.
            bindparam("feedbacks", type_=ARRAY(Text)),
        )
        .table_valued("id", "fraction", "feedback")
        .render_derived(name="graded")
    )
    feedback = cast(graded.c.feedback, table.c.feedback.type)
    return (
        update(table)
        .where(table.c.id == graded.c.id)
        .values(fraction=graded.c.fraction, feedback=feedback)
    )


def as_arrays(rows: list[dict]) -> dict:
    """`question_grades` rows as `question_grades_at_once` binds them."""
    return {
        "question_ids": [row["question_id"] for row in rows],
        # Floats all: psycopg refuses a list mixing int and float, which a question type
        # answering a whole 1 or 0 would give.
        "fractions": [None if row["fraction"] is None else float(row["fraction"]) for row in rows],
        "feedbacks": [json.dumps(row["feedback"]) for row in rows],
    }
