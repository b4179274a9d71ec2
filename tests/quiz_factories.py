"""Set-up shared by the quiz-area tests: signing in for services (grading, regrading), the
essay-class fixtures (a unit, its trainer and learner, a class the trainer teaches) and the class
of four learners in three units that the results tests read.

Loaded as a pytest plugin by tests/conftest.py; a test module's own fixture of the same name wins.
"""

from contextlib import contextmanager

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import event

from lms import db
from lms.accounts.models import Role
from lms.classes.models import ClassTrainer
from tests.access.grading import taught_class
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.access.results import RIGHT, WRONG


@pytest.fixture
def in_request(app):
    """Services speak the user's language and see who is signed in, so they run in a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def trainer(make_person, unit):
    return make_person("giangvien", role=Role.TRAINER, unit=unit, full_name="Lê Văn Giảng")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def training_class(unit, trainer, learner):
    """A class of `unit` that `trainer` teaches and `learner` attends."""
    return taught_class(unit, trainer, learner)


@pytest.fixture
def sql(app):
    """Records the statements a block runs, with their parameters (a list for a batch)."""

    @contextmanager
    def recording():
        engine = app.extensions["sqlalchemy"].engine
        seen: list[tuple[str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            seen.append((" ".join(statement.split()), parameters))

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return recording


def act_as(account) -> None:
    """Sign `account` in for the services (and forget the grants of whoever was before)."""
    login_user(account)
    g.pop("_lms_cache", None)


def right_of(count: int) -> dict:
    """Responses with the first `count` of the four small-bank questions right."""
    return {p: RIGHT[p] if p <= count else WRONG[p] for p in RIGHT}


def results_class(make_unit, make_person) -> dict:
    """A class of a province: department A (with division A1) and department B, a trainer who
    teaches it, and learners entered in scrambled order.
    """
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    dept_a = make_unit("SO-A", "Sở A", parent=province)
    division = make_unit("PHONG-A1", "Phòng A1", parent=dept_a, kind="division")
    dept_b = make_unit("SO-B", "Sở B", parent=province)
    make_unit("SO-C", "Sở C", parent=province)  # nobody of it in the class
    trainer = make_person("giangvien", role=Role.TRAINER, unit=province)
    training_class = make_class(shipped_version(), province, "KQ-01", "Lớp kết quả")
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    people = {}
    for username, name, unit, code in (
        ("hvdung", "Hoàng Văn Dũng", dept_b, "CB004"),
        ("hvan", "Trần Văn An", dept_a, "CB001"),
        ("hvbinh", "Lê Văn Bình", division, "CB003"),
        ("hvanh", "Nguyễn Thị Ánh", dept_a, "CB002"),
    ):
        person = make_person(username, unit=unit, full_name=name, official_code=code)
        enrol(training_class, person)
        people[username.removeprefix("hv")] = person
    quiz = make_quiz(training_class, small_bank(), shuffle_questions=False, shuffle_choices=False)
    db.session.commit()
    return {
        "class": training_class,
        "quiz": quiz,
        "trainer": trainer,
        "people": people,
        "units": {"province": province, "a": dept_a, "a1": division, "b": dept_b},
    }


def uid(klass, username: str) -> str:
    return str(klass["people"][username].id)
