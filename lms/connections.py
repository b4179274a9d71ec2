"""Keeping the standalone app's PostgreSQL connections alive without a round trip per request.

SQLAlchemy's `pool_pre_ping` sends a statement every time a request takes a connection from the
pool. On a learner page that is one round trip in five (and its Python on both sides), paid on a
busy server whose connections are never stale. Here a connection is pinged only when it has sat
in the pool for `IDLE_PING_SECONDS` or more: under load nothing is pinged; after a quiet spell,
or a database restart (which a pool sees as idle connections gone dead), the first request still
gets a live connection instead of an error. A connection that dies while a request uses it fails
that request, as it did with pre-ping. The mechanism is SQLAlchemy's own: a `checkout` listener
that raises `DisconnectionError` makes the pool throw the connection away and take another.

Reads run outside a transaction (`read_outside_transaction`): psycopg sends BEGIN and COMMIT as
round trips of their own, so a page that only reads paid four where two do. Each round trip is
a send, a wake-up of the server process and a receive, through the kernel on both sides: about
70 µs of the worker's CPU measured here (a sampling profiler had shown more, counting the waits),
plus the server's own.
"""

import functools
import re
import time
import weakref

import psycopg
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

#: A connection back in the pool for this long is pinged before its next use. Short enough that
#: a restart during a quiet minute costs no request; long beside the milliseconds between two
#: requests of a busy worker.
IDLE_PING_SECONDS = 10.0

#: Where a connection's last return to the pool is noted (its record's `info`, which lives as
#: long as the database connection itself: a replacement starts without it, so is not pinged).
RETURNED_AT = "lms_returned_at"


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Ping the engine's pooled connections before use only after `idle_seconds` unused."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(RETURNED_AT)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("pooled connection found dead") from error


#: Execution option of a write that is atomic on its own and is the only write of its request
#: (an autosave of one answer): outside a transaction it runs in autocommit, one round trip
#: instead of three (BEGIN, the statement, COMMIT). Inside one, it stays in it like any other.
ATOMIC_ALONE = "lms_atomic_alone"

#: A SELECT that locks rows (FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE): its lock
#: must be held by a transaction until the commit.
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


def is_plain_read(statement: str, cursor, executemany: bool) -> bool:
    """Whether a statement only reads and takes no lock: a SELECT (not WITH, which may hide a
    write), no locking clause, not through a server-side (named) cursor, which lives in a
    transaction. Everything else (writes, DDL, SAVEPOINT) needs the transaction."""
    return not executemany and getattr(cursor, "name", None) is None and _reads_only(statement)


@functools.lru_cache(maxsize=1024)
def _reads_only(statement: str) -> bool:
    # Kept per text: SQLAlchemy hands back the same compiled string for a cached statement
    # (its hash kept with it), where searching a joined read's few thousand characters is not
    # free on every request.
    return statement.lstrip()[:6].lower() == "select" and not _LOCKING.search(statement)


def read_outside_transaction(engine: Engine) -> None:
    """Run a connection's reads in autocommit until its first write, then open the transaction.

    Under PostgreSQL's READ COMMITTED (the default, and what the app runs at) every statement
    sees the data committed before it started, inside a transaction or not, and a plain SELECT
    takes no row lock: a read sees and holds the same either way. What a transaction gives a
    request is its writes and locks, all or none: those still open it (psycopg sends BEGIN before
    the first of them) and stay in it until the commit or rollback, reads after them included,
    so a request reads its own writes and a failure rolls every write back. A request that only
    reads sends neither BEGIN nor COMMIT (psycopg's commit sends nothing when no transaction is
    open). A write marked `ATOMIC_ALONE` runs like a read: alone, it is its own transaction.
    """
    idle = engine.dialect.loaded_dbapi.pq.TransactionStatus.IDLE

    @event.listens_for(engine, "before_cursor_execute")
    def _choose(connection, cursor, statement, _parameters, context, executemany) -> None:
        if (
            "isolation_level" in connection.get_execution_options()
            or connection.dialect.default_isolation_level != "READ COMMITTED"
        ):
            # Chosen by the code (AUTOCOMMIT for a VACUUM, REPEATABLE READ for a snapshot) or
            # by the server's settings: the reasoning above holds for READ COMMITTED only.
            return
        dbapi = cursor.connection
        wanted = is_plain_read(statement, cursor, executemany) or (
            context is not None and context.execution_options.get(ATOMIC_ALONE, False)
        )
        # Switched only between transactions: inside one, everything stays in it.
        if dbapi.autocommit != wanted and dbapi.info.transaction_status == idle:
            dbapi.autocommit = wanted


def holds_uncommitted(session: Session) -> bool:
    """Whether the session has anything a commit would write or set off: changes not yet
    flushed, something waiting for the commit in `session.info` (the certificate jobs and
    webhook deliveries to start), or a database transaction open on its connection (a write
    ran; on PostgreSQL reads run outside one, `read_outside_transaction`, as SQLite's driver
    runs them). A request that only read skips the commit and its bookkeeping: the connection
    goes back to the pool when the session is closed at the request's end, as after a commit."""
    if session.new or session.dirty or session.deleted or any(session.info.values()):
        return True
    if not session.in_transaction():
        return False  # no statement ran: no connection was taken
    dbapi = session.connection().connection.dbapi_connection
    status = getattr(getattr(dbapi, "info", None), "transaction_status", None)
    if status is not None:
        # psycopg 3 (an IntEnum) and psycopg2 (an int, a host's default driver) alike: 0 is idle.
        return int(status) != 0
    # sqlite3, and any other driver: in_transaction where it has it, else assume a write.
    return getattr(dbapi, "in_transaction", True)


#: Result descriptions kept per connection before its memo starts afresh: an app runs a few
#: hundred distinct statements (an IN list of each length is a text of its own).
DESCRIPTIONS_KEPT = 1024


class DescribedOnceCursor(psycopg.Cursor):
    """A psycopg cursor (the standalone app's `cursor_factory`) that describes a statement's
    result once per connection and text, not on every execution.

    SQLAlchemy asks for `cursor.description` after every SELECT, and psycopg answers with a new
    list, one `Column` per result column, each read from the result through five calls: the
    attempt page's one statement has 72 columns, and describing them took 5 % of the page. A
    statement's text gives the same columns every time on a connection (SQLAlchemy keeps its
    result metadata per compiled statement on the same assumption, and PostgreSQL refuses a
    prepared statement whose result changed shape). Kept per connection, as type oids differ
    between databases; a query that is not plain text, or run otherwise than by `execute`, is
    described every time."""

    _lms_statement: str | bytes | None = None

    def execute(self, query, params=None, **kwargs):
        self._lms_statement = query if isinstance(query, str | bytes) else None
        return super().execute(query, params, **kwargs)

    # Whatever else gives the cursor a result, or another result of the same statement (a text
    # of several statements), is described as psycopg does.

    def executemany(self, query, params_seq, **kwargs):
        self._lms_statement = None
        return super().executemany(query, params_seq, **kwargs)

    def stream(self, query, params=None, **kwargs):
        self._lms_statement = None
        return super().stream(query, params, **kwargs)

    def copy(self, statement, params=None, **kwargs):
        self._lms_statement = None
        return super().copy(statement, params, **kwargs)

    def nextset(self):
        self._lms_statement = None
        return super().nextset()

    @property
    def description(self):
        result, statement = self.pgresult, self._lms_statement
        if statement is None or result is None or not result.nfields:
            return super().description
        kept = _descriptions.setdefault(self.connection, {})
        key = (statement, result.nfields)
        found = kept.get(key)
        if found is None:
            if len(kept) >= DESCRIPTIONS_KEPT:
                kept.clear()
            found = kept[key] = tuple(super().description)
        return list(found)


#: Each connection's described results (`DescribedOnceCursor`), gone with the connection.
_descriptions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
