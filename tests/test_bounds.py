"""Numbers in an address: ids past the database's INTEGER range and malformed query arguments get
a localized 404 or 400 with the security headers, on SQLite and on PostgreSQL alike.
"""

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from lms import db
from lms.accounts.models import Role
from lms.api.params import ApiIdConverter
from lms.quizzes.attempts import services as attempts
from lms.routing import ID_MAX, IdConverter, parse_id
from tests.access.grading import taught_class
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login

#: Past PostgreSQL's INTEGER (2³¹ − 1), and past any 64-bit integer SQLite can bind.
TOO_BIG = ("3000000000", "9" * 26)
#: Query-argument values that are no id or page number.
NOT_A_NUMBER = ("abc", "0", "-1", "²", "1.5")


def test_every_lms_route_takes_numbers_through_the_bounded_converter(app):
    """No LMS route reads a number with Flask's unbounded `int` converter."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("lms."):
            continue
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, IdConverter), f"{rule.rule} <{name}>"


def test_parse_id_accepts_exactly_the_integer_range():
    """1 to 2³¹ − 1 in ASCII digits; nothing else."""
    assert parse_id("1") == 1 and parse_id(" 42 ") == 42 and parse_id(str(ID_MAX)) == ID_MAX
    for text in ("", "0", str(ID_MAX + 1), "9" * 26, "²", "١٢", "+1", "1e3"):
        assert parse_id(text) is None, text


@pytest.fixture
def admin_client(client, make_unit, make_person):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    return login(client, make_person("quantri", role=Role.ADMIN, unit=province))


@pytest.mark.parametrize("value", TOO_BIG)
def test_ids_past_the_range_in_a_path_are_404(app, admin_client, value):
    """Every route with an id answers a too-big one with the localized 404 page. (The API's
    own ids answer its JSON 404 instead: tests/test_api_auth.py covers them.)"""
    for rule in app.url_map.iter_rules():
        numbers = [n for n, c in rule._converters.items() if isinstance(c, IdConverter)]
        if not numbers or any(isinstance(c, ApiIdConverter) for c in rule._converters.values()):
            continue
        values = {
            name: sorted(c.items)[0] if isinstance(c, AnyConverter) else "x"
            for name, c in rule._converters.items()
        } | dict.fromkeys(numbers, value)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        method = "GET" if "GET" in rule.methods else "POST"
        response = admin_client.open(url, method=method)
        assert response.status_code == 404, url
        assert "Không tìm thấy trang" in response.get_data(as_text=True), url
        assert response.headers["Content-Security-Policy"], url


@pytest.fixture
def places(make_unit, make_person):
    """An admin over a province; a class of one of its departments with a quiz, its bank, and
    a learner's attempt in progress."""
    unit = make_unit("SO-NV", "Sở Nội vụ", parent=make_unit("TINH", "Tỉnh", kind="province"))
    admin = make_person("quantri", role=Role.ADMIN, unit=unit.parent)
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    learner = make_person("hocvien", unit=unit)
    training_class = taught_class(unit, trainer, learner)
    questions = small_bank()
    quiz = make_quiz(training_class, questions)
    attempt = attempts.start_attempt(quiz, str(learner.id), db.utcnow())
    db.session.commit()
    return {
        "admin": admin,
        "learner": learner,
        "class": training_class.id,
        "bank": questions.id,
        "quiz": quiz.id,
        "attempt": attempt.id,
    }


#: (who, path, query argument): every page that reads a number from its query string.
QUERY_NUMBERS = [
    ("admin", "/admin/people", "unit"),
    ("admin", "/admin/people", "page"),
    ("admin", "/organizer/people", "unit"),
    ("admin", "/organizer/people", "page"),
    ("admin", "/classes/", "unit"),
    ("admin", "/classes/", "course"),
    ("admin", "/classes/", "page"),
    ("admin", "/classes/{class}/roster", "page"),
    ("admin", "/classes/{class}/enrol", "unit"),
    ("admin", "/classes/{class}/enrol", "page"),
    ("admin", "/courses/", "page"),
    ("admin", "/grading/", "quiz"),
    ("admin", "/quizzes/class/{class}/new", "bank"),
    ("admin", "/results/class/{class}", "unit"),
    ("admin", "/results/quiz/{quiz}", "unit"),
    ("admin", "/results/quiz/{quiz}", "page"),
    ("admin", "/banks/{bank}", "page"),
    ("learner", "/quiz/attempt/{attempt}", "page"),
]


@pytest.mark.parametrize(("who", "path", "argument"), QUERY_NUMBERS)
def test_a_number_that_cannot_be_in_a_query_argument_is_a_400_naming_it(
    client, places, who, path, argument
):
    """Too big for the database, or no whole number at all: 400, saying which argument."""
    login(client, places[who])
    url = path.format(**places)
    for value in (*TOO_BIG, *NOT_A_NUMBER):
        response = client.get(url, query_string={argument: value})
        body = response.get_data(as_text=True)
        assert response.status_code == 400, (url, value)
        assert f"Địa chỉ có giá trị không hợp lệ cho “{argument}”" in body, (url, value)
        assert response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("who", "path", "argument"), QUERY_NUMBERS)
def test_a_fitting_number_in_a_query_argument_is_read(client, places, who, path, argument):
    """The same pages still take a number in range (the first page; an id that may not exist)."""
    login(client, places[who])
    response = client.get(path.format(**places), query_string={argument: "1"})
    assert response.status_code in (200, 302, 404), path


def test_a_posted_question_id_past_the_range_is_a_form_error(client, places):
    """A quiz row naming question 10²⁶ is refused beside the form, not with a 500."""
    login(client, places["admin"])
    url = f"/quizzes/class/{places['class']}/new?bank={places['bank']}"
    for source in ("q" + "9" * 26, "c3000000000"):
        data = {
            "csrf_token": csrf_token(client, url),
            "title": "Bài kiểm tra",
            "slots-0-source": source,
            "slots-0-count": "1",
            "slots-0-mark": "1",
        }
        response = client.post(url, data=data)
        assert response.status_code == 422, source


def test_posted_question_ids_past_the_range_are_a_form_error(client, places):
    """Moving question 3000000000 of a bank is refused beside the form, not with a 500."""
    login(client, places["admin"])
    bank_page = f"/banks/{places['bank']}"
    for value in TOO_BIG:
        data = {
            "csrf_token": csrf_token(client, bank_page),
            "questions": value,
            "target": "thu-nghiem/02-nang-cao",
        }
        response = client.post(f"{bank_page}/questions/move", data=data)
        assert response.status_code == 422, value
