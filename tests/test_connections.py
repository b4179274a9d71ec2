"""PostgreSQL connections are pinged only after sitting idle in the pool (`lms.connections`):
a busy server sends no ping, and a connection that died while idle (a database restart) is
replaced before a request uses it."""

import pytest
from sqlalchemy import create_engine, text

from lms import connections, db


@pytest.fixture
def postgres_app(app):
    if app.extensions["sqlalchemy"].engine.dialect.name != "postgresql":
        pytest.skip("the idle ping is installed on PostgreSQL only")
    return app


def _pooled_backend_pid() -> int:
    """The server process of the connection the pool holds (the one requests take)."""
    with db.session.get_bind().connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(url, pid: int) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()
    engine.dispose()


def _later(monkeypatch, seconds: float) -> None:
    clock = connections.time.monotonic
    monkeypatch.setattr(connections.time, "monotonic", lambda: clock() + seconds)


def test_a_connection_that_died_while_idle_is_replaced_before_a_request_uses_it(
    postgres_app, client, monkeypatch, database_url
):
    db.session.close()  # the test's own session gives its connection back to the pool
    assert client.get("/healthz").status_code == 200
    dead = _pooled_backend_pid()
    _terminate(database_url, dead)
    _later(monkeypatch, connections.IDLE_PING_SECONDS + 1)

    response = client.get("/healthz")

    assert response.status_code == 200, response.get_json()
    assert _pooled_backend_pid() != dead


def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(
    postgres_app, client, monkeypatch
):
    pings = []
    dialect = db.session.get_bind().dialect
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(connection))
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert pings == []

    _later(monkeypatch, connections.IDLE_PING_SECONDS + 1)
    assert client.get("/healthz").status_code == 200
    assert len(pings) == 1
