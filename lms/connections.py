"""Keeping the standalone app's PostgreSQL connections alive without a round trip per request.

SQLAlchemy's `pool_pre_ping` sends a statement every time a request takes a connection from the
pool. On a learner page that is one round trip in five (and its Python on both sides), paid on a
busy server whose connections are never stale. Here a connection is pinged only when it has sat
in the pool for `IDLE_PING_SECONDS` or more: under load nothing is pinged; after a quiet spell,
or a database restart (which a pool sees as idle connections gone dead), the first request still
gets a live connection instead of an error. A connection that dies while a request uses it fails
that request, as it did with pre-ping. The mechanism is SQLAlchemy's own: a `checkout` listener
that raises `DisconnectionError` makes the pool throw the connection away and take another.
"""

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

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
