"""Shared fixtures: an app per test on a clean database (SQLite by default, PostgreSQL when
LMS_TEST_DATABASE_URL is set), factories for units and people, and a logged-in client helper.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.globals import _cv_app, _cv_request
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, inspect

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


class ProductionLikeClient(FlaskClient):
    """Runs every request the way gunicorn does: with no application context around it.

    A test's set-up and assertions run in contexts of their own (the `app` fixture's, a
    `test_request_context()`...). Before each request the client closes every one of them (their
    database session ends, as it would between two real requests), runs the request, reads the
    whole body and closes the response with still no context open (a streamed export reads its
    rows there, as it does in production), then reopens the test's contexts. The objects the
    test had loaded join the reopened session expired, so the test reads them afresh from the
    database, as a second request would.
    """

    def open(self, *args, buffered: bool = False, **kwargs):
        loaded = list(db.session.identity_map.values()) if _cv_app.get(None) else []
        suspended = _close_test_contexts()
        try:
            return super().open(*args, buffered=True, **kwargs)
        finally:
            for context in reversed(suspended):
                context.push()
            if loaded:
                _read_again(loaded)


def _close_test_contexts() -> list:
    """Pop every request and app context the test holds, innermost first; return them."""
    closed: list = []
    while (context := _cv_request.get(None)) is not None:
        context.pop()
        closed.append(context)
    while (context := _cv_app.get(None)) is not None:
        context.pop()
        closed.append(context)
    return closed


def _read_again(objects: list) -> None:
    """Attach the test's objects to its new session, expired: their next read hits the database."""
    for instance in objects:
        if inspect(instance).detached:
            db.session.add(instance)
    db.session.expire_all()


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    """The standalone app on the clean test database. The test's set-up and assertions run in an
    app context of this fixture's, which the client closes around every request (see
    `ProductionLikeClient`): no context outlives a request's, as under a real server.
    """
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LMS_PASSWORD_METHOD": "pbkdf2:sha256:1000",
            "LMS_UPLOAD_PATH": str(tmp_path / "uploads"),
            "LMS_JOBS_IMMEDIATE": True,
        }
    )
    app.test_client_class = ProductionLikeClient
    # Keys and job files the test makes (the certificate signing key) stay in its own folder.
    app.instance_path = str(tmp_path / "instance")
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
    """Sign a test client in as `account` without going through the log-in form (its server-side
    session record included)."""
    from flask import has_app_context

    from lms.accounts import sessions as login_sessions

    account_id, version = account.id, account.session_version
    if has_app_context():
        # The test's pending rows would hold SQLite's write lock against the record below; a
        # request sees only committed rows anyway.
        db.session.commit()
    with client.application.app_context():
        token = login_sessions.start(account_id, "pytest")
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(account_id)
        session["_fresh"] = True
        session["lms_account_version"] = version
        session[login_sessions.LOGIN_SESSION_KEY] = token
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


class Counted(list):
    """The statements a block ran, and (`uncached`) those SQLAlchemy had to compile because they
    have no cache key: compiled again on every request, a cost no statement count shows (an
    UPDATE from a VALUES list was 15 % of a submit)."""

    def __init__(self) -> None:
        super().__init__()
        self.uncached: list[str] = []


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it (a `Counted`)."""
    from contextlib import contextmanager

    from sqlalchemy.engine.interfaces import CacheStats

    @contextmanager
    def counting():
        engine = app.extensions["sqlalchemy"].engine
        statements = Counted()

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)
            compiled = getattr(context, "compiled", None) is not None
            if compiled and context.cache_hit == CacheStats.NO_CACHE_KEY:
                statements.uncached.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
