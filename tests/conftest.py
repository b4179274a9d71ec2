"""Shared fixtures: an app per test on a clean database (SQLite by default, PostgreSQL when
LMS_TEST_DATABASE_URL is set), factories for units and people, and a logged-in client helper.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event

import lms.models  # noqa: F401  (every table on the metadata)
from lms import create_app, db
from lms.accounts import services
from lms.accounts.models import Account, Role, Unit
from lms.db import Base

#: Fixtures and factories the quiz-area tests share (a module's own fixture of the same name wins).
pytest_plugins = ["tests.quiz_factories"]

TEST_PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """One schema for the whole run; each test starts from empty tables."""
    url = os.environ.get("LMS_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'lms-test.sqlite3'}"
    )
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()


class RequestPerContextClient(FlaskClient):
    """Gives every request its own app context (and so its own `g` and session), as a real
    server does, even while the test holds an app context of its own.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test's own session must not show values older than what the request committed.
        db.session.expire_all()
        return response


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LMS_PASSWORD_METHOD": "pbkdf2:sha256:1000",
            "LMS_UPLOAD_PATH": str(tmp_path / "uploads"),
        }
    )
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_unit(app):
    counter = iter(range(1, 10_000))

    def make(
        code: str | None = None,
        name: str | None = None,
        parent: Unit | None = None,
        kind: str = "department",
    ) -> Unit:
        number = next(counter)
        unit = services.create_unit(code or f"U{number}", name or f"Đơn vị {number}", kind, parent)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_person(app):
    counter = iter(range(1, 100_000))

    def make(
        username: str | None = None,
        role: str = Role.LEARNER,
        unit: Unit | None = None,
        full_name: str | None = None,
        **profile,
    ) -> Account:
        number = next(counter)
        account = services.create_person(
            services.NewPerson(
                username=username or f"nguoi{number}",
                full_name=full_name or f"Nguyễn Văn Số {number}",
                password=TEST_PASSWORD,
                role=role,
                unit=unit,
                **profile,
            )
        )
        db.session.commit()
        return account

    return make


def login(client: FlaskClient, account: Account) -> FlaskClient:
    """Sign a test client in as `account` without going through the log-in form."""
    with client.session_transaction() as session:
        session["_user_id"] = str(account.id)
        session["_fresh"] = True
        session["lms_account_version"] = account.session_version
    return client


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, url: str = "/healthz-form") -> str:
    """A valid CSRF token for this client's session, read from a page that has a form."""
    response = client.get(url if url != "/healthz-form" else "/login")
    if response.status_code == 302:
        response = client.get("/profile")
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        engine = app.extensions["sqlalchemy"].engine
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
