"""The LMS's own declarative base, and access to the host's Flask-SQLAlchemy session.

The LMS never creates a second Flask-SQLAlchemy: it maps its `lms_*` tables on its own metadata and
uses whatever session the host app's Flask-SQLAlchemy provides.
"""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

#: Constraint names are predictable, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every LMS model; its metadata holds only `lms_*` tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    return datetime.now(UTC)


def upsert_insert(dialect_name: str, refusal: str, advice: str = ""):
    """The dialect's `insert` (SQLite's or PostgreSQL's), whose statements take
    `on_conflict_do_update`: an INSERT that meets an existing row with the same key (a counter
    already started, a row another transaction just wrote) updates it instead of failing.
    `refusal` says what needs it, in the error any other database gets ("… need SQLite or
    PostgreSQL, not mysql"), followed by `advice` ("; set …")."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect_name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise RuntimeError(f"{refusal} need SQLite or PostgreSQL, not {dialect_name}{advice}.")
    return insert


def _get_session() -> Session:
    return current_app.extensions["sqlalchemy"].session


#: The host's scoped session (Flask-SQLAlchemy); services flush, the request commits once.
session: Session = LocalProxy(_get_session)  # type: ignore[assignment]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys and WAL for SQLite, which ships with both off."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_begin_before_savepoint(connection, name) -> None:
    """Open SQLite's transaction before a savepoint that would otherwise start it.

    pysqlite emits BEGIN only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first starts the
    transaction itself and its RELEASE commits for real: a later rollback could not undo it. An
    explicit BEGIN keeps the savepoint nested in the request's one transaction (SQLAlchemy's
    pysqlite notes describe the problem; this is the narrow form of their recipe, which leaves
    plain reads outside transactions as pysqlite has them). IMMEDIATE, because a savepoint wraps
    reads followed by writes: a deferred transaction that has read cannot take the write lock
    once another writer committed ("database is locked" at once, no waiting), while an
    immediate one waits its turn for the lock up to the busy timeout.
    """
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        cursor = dbapi_connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.close()
