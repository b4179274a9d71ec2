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


# --- reads outside a transaction ------------------------------------------------------------------


def _state(connection) -> tuple[bool, str]:
    """The psycopg connection's autocommit flag and transaction status, by name."""
    dbapi_connection = connection.connection.dbapi_connection
    return dbapi_connection.autocommit, dbapi_connection.info.transaction_status.name


@pytest.fixture
def engine(postgres_app):
    return db.session.get_bind()


def test_a_read_opens_no_transaction_and_a_write_opens_one_that_holds_the_reads_after_it(engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert _state(connection) == (True, "IDLE")  # no BEGIN sent, none to COMMIT

        connection.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
        assert _state(connection) == (False, "INTRANS")
        # A read after a write stays in its transaction and sees the write.
        assert connection.execute(text("SELECT count(*) FROM scratch")).scalar_one() == 1
        assert _state(connection) == (False, "INTRANS")
        connection.rollback()

        # Rolled back: the write (here, the table itself) is gone; the next read is outside again.
        exists = "SELECT to_regclass('pg_temp.scratch') IS NOT NULL"
        assert connection.execute(text(exists)).scalar_one() is False
        assert _state(connection) == (True, "IDLE")


def test_a_locking_read_opens_the_transaction_and_holds_its_lock_until_the_commit(
    engine, database_url
):
    with engine.connect() as setup:
        setup.execute(text("CREATE TABLE IF NOT EXISTS lock_probe (id int PRIMARY KEY)"))
        setup.execute(text("INSERT INTO lock_probe VALUES (1) ON CONFLICT DO NOTHING"))
        setup.commit()
    other = create_engine(database_url)
    try:
        with engine.connect() as holder, other.connect() as waiter:
            holder.execute(text("SELECT id FROM lock_probe WHERE id = 1 FOR UPDATE"))
            assert _state(holder) == (False, "INTRANS")
            with pytest.raises(Exception, match="could not obtain lock"):
                waiter.execute(text("SELECT id FROM lock_probe WHERE id = 1 FOR UPDATE NOWAIT"))
            waiter.rollback()
            holder.commit()
            waiter.execute(text("SELECT id FROM lock_probe WHERE id = 1 FOR UPDATE NOWAIT"))
            waiter.rollback()
    finally:
        other.dispose()
        with engine.connect() as cleanup:
            cleanup.execute(text("DROP TABLE lock_probe"))
            cleanup.commit()


def test_a_savepoint_and_a_server_side_cursor_run_in_the_transaction_they_need(engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        with connection.begin_nested():  # SAVEPOINT needs a transaction block around it
            assert _state(connection) == (False, "INTRANS")
        connection.rollback()

        # A named cursor (yield_per streams through one) is declared inside a transaction.
        rows = connection.execution_options(yield_per=2).execute(
            text("SELECT generate_series(1, 5)")
        )
        assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
        connection.rollback()


@pytest.mark.parametrize(
    ("statement", "plain"),
    [
        ("SELECT a FROM t", True),
        ("  select a from t", True),
        ("SELECT a FROM t FOR UPDATE", False),
        ("SELECT a FROM t FOR NO KEY UPDATE OF t", False),
        ("SELECT a FROM t\nFOR SHARE", False),
        ("SELECT a FROM t FOR KEY SHARE SKIP LOCKED", False),
        ("WITH x AS (DELETE FROM t RETURNING a) SELECT a FROM x", False),
        ("INSERT INTO t VALUES (1)", False),
        ("SAVEPOINT sa_savepoint_1", False),
    ],
)
def test_only_plain_selects_run_outside_the_transaction(statement, plain):
    class Cursor:  # a client-side cursor: no name
        pass

    assert connections.is_plain_read(statement, Cursor(), executemany=False) is plain
    assert connections.is_plain_read(statement, Cursor(), executemany=True) is False


def test_an_isolation_level_the_code_chose_is_left_as_it_is(engine):
    """AUTOCOMMIT (which VACUUM needs) stays autocommit for every statement, and REPEATABLE READ
    keeps its reads in one transaction, on one snapshot."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE lms_accounts")
        assert _state(connection) == (True, "IDLE")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        connection.execute(text("SELECT 1"))
        assert _state(connection) == (False, "INTRANS")
        connection.rollback()


# --- a request that wrote nothing commits nothing -------------------------------------------------


def test_a_session_that_only_read_holds_nothing_to_commit_and_one_that_wrote_does(app):
    # Both databases: PostgreSQL reads outside a transaction, and so does SQLite's driver.
    db.session.close()
    assert connections.holds_uncommitted(db.session()) is False  # nothing ran yet
    db.session.execute(text("SELECT 1")).all()
    assert connections.holds_uncommitted(db.session()) is False

    db.session.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
    db.session.execute(text("INSERT INTO scratch VALUES (1)"))
    assert connections.holds_uncommitted(db.session()) is True
    db.session.commit()
    assert connections.holds_uncommitted(db.session()) is False


def test_a_change_not_yet_flushed_is_something_to_commit(app, make_unit):
    from lms.accounts.models import Unit

    db.session.close()
    unit = db.session.get(Unit, make_unit().id)
    assert connections.holds_uncommitted(db.session()) is False
    unit.name = "Đổi tên"
    assert connections.holds_uncommitted(db.session()) is True


def test_a_page_that_only_reads_does_not_commit_and_one_that_wrote_does(
    app, client, make_person, monkeypatch
):
    from datetime import timedelta

    from sqlalchemy import select, update

    from lms.accounts import sessions as login_sessions
    from lms.accounts.models import LoginSession
    from lms.db import utcnow
    from tests.conftest import login

    login(client, make_person())
    commits = []
    session_class = type(db.session())
    real_commit = session_class.commit

    def counted_commit(self):
        commits.append(1)
        return real_commit(self)

    monkeypatch.setattr(session_class, "commit", counted_commit)

    assert client.get("/").status_code == 200
    assert commits == []  # read only: nothing to commit

    # "Last seen" is due again: the page writes it, and that write must land.
    long_ago = utcnow() - login_sessions._touch_interval() - timedelta(seconds=5)
    db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
    real_commit(db.session())
    assert client.get("/").status_code == 200
    assert commits == [1]
    db.session.close()
    assert db.session.scalars(select(LoginSession.last_seen_at)).one() > long_ago


def _session_on(dbapi_connection, **pending):
    """A stand-in for a session that ran a statement on `dbapi_connection`."""
    from types import SimpleNamespace

    connection = SimpleNamespace(connection=SimpleNamespace(dbapi_connection=dbapi_connection))
    return SimpleNamespace(
        new=pending.get("new", ()),
        dirty=(),
        deleted=(),
        info=pending.get("info", {}),
        in_transaction=lambda: True,
        connection=lambda: connection,
    )


def test_psycopg2s_plain_number_status_is_read_as_well():
    # A host's `postgresql://` address gets psycopg2, whose status is an int, not an enum.
    from types import SimpleNamespace

    def psycopg2_like(status: int):
        return SimpleNamespace(info=SimpleNamespace(transaction_status=status))

    assert connections.holds_uncommitted(_session_on(psycopg2_like(0))) is False  # idle
    assert connections.holds_uncommitted(_session_on(psycopg2_like(2))) is True  # in a transaction


def test_something_waiting_for_the_commit_is_something_to_commit():
    from types import SimpleNamespace

    idle = SimpleNamespace(info=SimpleNamespace(transaction_status=0))
    waiting = _session_on(idle, info={"lms_pending_jobs": [("app", 1)]})
    assert connections.holds_uncommitted(waiting) is True
    assert connections.holds_uncommitted(_session_on(idle, info={"lms_pending_jobs": []})) is False


def test_a_statement_s_result_is_described_once_per_connection(postgres_app):
    """`DescribedOnceCursor`: the same text's description comes from the memo (the same columns,
    read once); another text, or one run with executemany, is described afresh."""
    engine = db.session.get_bind()
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        assert isinstance(cursor, connections.DescribedOnceCursor)
        cursor.execute("SELECT 1 AS one, 'a'::text AS letter")
        first = cursor.description
        cursor.execute("SELECT 1 AS one, 'a'::text AS letter")
        again = cursor.description
        assert [column.name for column in again] == ["one", "letter"]
        assert [a is b for a, b in zip(first, again, strict=True)] == [True, True]
        cursor.execute("SELECT 2 AS two")
        assert [column.name for column in cursor.description] == ["two"]
        cursor.execute("SELECT 1 AS one, 'a'::text AS letter")
        assert cursor.description[0] is first[0]
        cursor.executemany("SELECT %s::int AS n", [(1,), (2,)], returning=True)
        assert [column.name for column in cursor.description] == ["n"]
        cursor.execute("SELECT 1 AS first; SELECT 2 AS second")
        assert [column.name for column in cursor.description] == ["first"]
        assert cursor.nextset()
        assert [column.name for column in cursor.description] == ["second"]
        assert [row for row in cursor.stream("SELECT 1 AS one, 'a'::text AS letter")] == [(1, "a")]
        with cursor.copy("COPY (SELECT 3 AS three) TO STDOUT") as copy:
            # psycopg's own description of a COPY: unnamed columns.
            assert [column.name for column in cursor.description] == ["column_1"]
            list(copy)
        cursor.execute("CREATE TEMP TABLE described (n int)")
        assert cursor.description is None
        cursor.close()
