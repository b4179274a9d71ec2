"""Query budgets of the learner's pages and the autosave: a fixed number of statements per
request, the same for a small and a large course, class and attempt, and never one statement
repeated per row (a query inside a loop).
"""

import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from lms import db
from lms.attendance.models import AttendanceNotice, AttendanceSession
from lms.classes.models import Enrolment, ModuleCompletion
from lms.courses import services
from lms.db import utcnow
from lms.demo import answer_form
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.bank.services import as_data
from lms.quizzes.types import get_question_type
from tests.access.learning import enrol, make_class, small_source
from tests.access.quizzes import make_quiz, shipped_bank
from tests.conftest import Counted, csrf_token, login

#: A statement may repeat this often in one request before it counts as a query per row.
REPEATS = 2


def normalised(statement: str) -> str:
    """The statement with its literals and parameter lists folded, so the same query for
    different rows compares equal."""
    text = re.sub(r"\s+", " ", statement)
    text = re.sub(r"'(?:[^']|'')*'", "?", text)
    text = re.sub(r"\b\d+\b", "?", text)
    text = re.sub(r"\((?:\s*(?:\?|%\(\w+\)s|:\w+|__\[POSTCOMPILE_\w+\])\s*,?)+\)", "(?)", text)
    return text


def assert_no_query_per_row(statements: list[str]) -> None:
    """Fails when one normalised statement ran more than REPEATS times in the request."""
    repeated = {s: n for s, n in Counter(map(normalised, statements)).items() if n > REPEATS}
    assert not repeated, f"a query inside a loop over rows: {repeated}"


def statements_of(client, count_queries, method: str, url: str, **kwargs) -> Counted:
    """The statements of one request, after a first one warmed the same path up."""
    call = getattr(client, method)
    assert call(url, **kwargs).status_code == 200, url  # warm up: the same work either way
    with count_queries() as statements:
        response = call(url, **kwargs)
    assert response.status_code == 200, url
    return statements


class World:
    """A learner in a class of a course of `modules` modules with `others` other learners, a
    quiz of `questions` questions with an attempt in progress, a submitted one and `quizzes`
    more, `sessions` coming class sessions and as many attendance notices, and `classes`
    further classes."""

    def __init__(
        self,
        tmp_path,
        make_person,
        unit,
        slug,
        modules,
        others,
        questions,
        classes,
        quizzes,
        sessions,
    ):
        self.learner = make_person(f"hv-{slug}", unit=unit, full_name="Trần Thị Mai")
        services.load_source(small_source(tmp_path, slug, modules=modules))
        version = services.current_version(services.find_course(slug))
        for number in range(classes):
            extra = make_class(version, unit, f"{slug.upper()}-{number}")
            enrol(extra, self.learner, last_module_id=version.modules[1].id)
        self.training_class = make_class(version, unit, slug.upper())
        seat = enrol(self.training_class, self.learner)
        for module in version.modules[:3]:
            db.session.add(ModuleCompletion(enrolment_id=seat.id, module_id=module.id))
        db.session.execute(
            insert(Enrolment),
            [{"class_id": self.training_class.id, "user_id": f"{slug}-{n}"} for n in range(others)],
        )
        ids = db.session.scalars(
            select(Enrolment.id).where(
                Enrolment.class_id == self.training_class.id, Enrolment.id != seat.id
            )
        ).all()
        db.session.execute(
            insert(ModuleCompletion),
            [{"enrolment_id": i, "module_id": version.modules[0].id} for i in ids],
        )
        question_bank = shipped_bank()
        done = make_quiz(
            self.training_class,
            question_bank,
            count=questions,
            title="Đã nộp",
            questions_per_page=0,
        )
        finished = attempts.start_attempt(done, str(self.learner.id))
        attempts.submit_attempt(finished, done)
        self.quiz = make_quiz(
            self.training_class, question_bank, count=questions, questions_per_page=0
        )
        self.attempt = attempts.start_attempt(self.quiz, str(self.learner.id))
        for number in range(quizzes):
            make_quiz(self.training_class, question_bank, count=1, title=f"Thêm {number}")
        self.add_sessions_and_notices(sessions)
        rng = random.Random(13)
        question = next(q for q in self.attempt.questions if q.question_version.qtype != "essay")
        version = question.question_version
        prefix = attempts.field_prefix(question.position)
        # The right and a wrong answer, in turn, so every autosave changes the answer; as the
        # page sends them (opaque values: author indexes would read as no answer, and no write).
        self.answers = [
            {
                str(question.position): tokens.encode(
                    get_question_type(version.qtype),
                    as_data(version, ""),
                    answer_form(version.qtype, version.data, prefix, right, rng),
                    self.attempt.id,
                    question.position,
                )
            }
            for right in (True, False)
        ]
        self.finished_id = finished.id
        db.session.commit()
        self.class_id = self.training_class.id
        self.quiz_id = self.quiz.id
        self.attempt_id = self.attempt.id

    def add_sessions_and_notices(self, count: int) -> None:
        """`count` sessions of the class in the coming days (the pages list the next few) and
        as many attendance notices to the learner (the class page shows the latest)."""
        now = utcnow()
        db.session.execute(
            insert(AttendanceSession),
            [
                {
                    "class_id": self.training_class.id,
                    "starts_at": now + timedelta(days=day + 1),
                    "ends_at": now + timedelta(days=day + 1, hours=3),
                }
                for day in range(count)
            ],
        )
        db.session.execute(
            insert(AttendanceNotice),
            [
                {
                    "class_id": self.training_class.id,
                    "user_id": str(self.learner.id),
                    "percent": 50.0,
                    "low_percent": 80,
                    "sent_at": now - timedelta(days=day),
                }
                for day in range(count)
            ],
        )


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ", kind="department")


@pytest.fixture
def worlds(app, tmp_path, make_person, unit):
    return (
        World(
            tmp_path,
            make_person,
            unit,
            "nho",
            modules=5,
            others=10,
            questions=4,
            classes=1,
            quizzes=0,
            sessions=1,
        ),
        World(
            tmp_path,
            make_person,
            unit,
            "lon",
            modules=80,
            others=2000,
            questions=30,
            classes=40,
            quizzes=8,
            sessions=30,
        ),
    )


PAGES = {
    # name: (budget, url of a world). The account, its log-in session, grants and profile are
    # one query; a class page reads the class, the learner's enrolment and done modules in one.
    # Home and my classes: the enrolments with their classes and finished modules in one query
    # (module outlines of published versions come from the memo), and home's coming sessions.
    "home": (3, lambda w: "/"),
    "my classes": (2, lambda w: "/learn/"),
    # The seat (in the log-in's statement, `login_rides`), the quizzes with the learner's
    # attempts and overrides, sessions, notices (the worlds have some; a learner without any
    # costs one query less).
    "class page": (4, lambda w: f"/learn/{w.class_id}"),
    # The seat (in the log-in's), the visit, the module's quiz.
    "module page": (3, lambda w: f"/learn/{w.class_id}/modules/2"),
    "class quizzes": (4, lambda w: f"/quiz/class/{w.class_id}"),
    # The quiz with its slots and the learner's override, the seat, the attempts.
    "quiz page": (4, lambda w: f"/quiz/{w.quiz_id}"),
    # The attempt with its questions and versions, its quiz and the learner's override, in the
    # log-in's own statement (`login_rides`): one.
    "attempt page": (1, lambda w: f"/quiz/attempt/{w.attempt_id}"),
    "attempt summary": (2, lambda w: f"/quiz/attempt/{w.attempt_id}/summary"),
    "review": (4, lambda w: f"/quiz/attempt/{w.finished_id}/review"),
}


@pytest.mark.parametrize("page", PAGES)
def test_learner_page_budget(client, worlds, count_queries, page):
    """Each learner page runs at most its budget of statements, as many for a small course,
    class and attempt as for a large one, and none of them once per row."""
    budget, url = PAGES[page]
    counts = []
    for world in worlds:
        login(client, world.learner)
        statements = statements_of(client, count_queries, "get", url(world))
        assert_no_query_per_row(statements)
        assert not statements.uncached, "compiled on every request (no cache key)"
        counts.append(len(statements))
    assert counts[0] == counts[1] <= budget, counts


def test_autosave_budget(client, worlds, count_queries):
    """An autosave of one changed answer: 2 statements at both sizes, the log-in with the
    attempt's read riding in it, and the write (the answer's row, which locks the attempt row
    and re-checks it still takes answers; the attempt row is not written)."""
    counts = []
    for world in worlds:
        login(client, world.learner)
        token = csrf_token(client, f"/quiz/attempt/{world.attempt_id}")
        url = f"/quiz/attempt/{world.attempt_id}/autosave"
        for field in world.answers:
            with count_queries() as statements:
                response = client.post(
                    url,
                    json={"answers": field},
                    headers={"Accept": "application/json", "X-CSRFToken": token},
                )
            assert response.status_code == 200
        assert_no_query_per_row(statements)
        assert not statements.uncached, "compiled on every request (no cache key)"
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 2, counts


def test_the_loop_detector_fails_on_a_query_per_row():
    """The helper folds literals and parameters, so one query per row is caught."""
    per_row = [f"SELECT name FROM lms_module WHERE id = {n}" for n in range(3)]
    with pytest.raises(AssertionError, match="inside a loop"):
        assert_no_query_per_row(per_row)
    bound = ["SELECT a FROM t WHERE id IN (?, ?)", "SELECT a FROM t WHERE id IN (?, ?, ?)"] * 2
    with pytest.raises(AssertionError):
        assert_no_query_per_row(bound)
    assert_no_query_per_row(["SELECT 1", "SELECT 2 FROM t", "UPDATE t SET a = 1"])


@pytest.mark.parametrize(
    "page, with_profile",
    [("home", True), ("module page", False), ("attempt page", False), ("class page", False)],
)
def test_the_log_in_query_brings_the_profile_only_where_the_page_reads_it(
    client, worlds, count_queries, page, with_profile
):
    """The home page reads the learner profile on every visit, so it comes with the log-in
    query (one round trip fewer); the other learner pages do not pay for its columns, and none
    reads it separately."""
    world = worlds[0]
    login(client, world.learner)
    statements = statements_of(client, count_queries, "get", PAGES[page][1](world))
    log_in, *rest = statements
    assert "lms_login_sessions" in log_in
    assert ("lms_profiles" in log_in) is with_profile
    assert not any("FROM lms_profiles" in statement for statement in rest)
