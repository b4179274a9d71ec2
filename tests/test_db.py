"""The database layer: savepoints nest inside the request's transaction on every database."""

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Unit


def _unit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_savepoint_as_first_write_rolls_back_with_its_transaction(app):
    """A savepoint opened before any other write is undone when the request rolls back."""
    with app.app_context():
        before = _unit_count()
        with db.session.begin_nested():
            db.session.add(Unit(code="TAM", name="Tạm", kind="department", path="/tam/"))
        db.session.rollback()
        assert _unit_count() == before


def test_rolled_back_savepoint_keeps_the_rest_of_the_transaction(app):
    """Undoing a savepoint leaves earlier writes of the same transaction in place."""
    with app.app_context():
        db.session.add(Unit(code="GIU", name="Giữ", kind="department", path="/giu/"))
        db.session.flush()
        savepoint = db.session.begin_nested()
        db.session.add(Unit(code="BO", name="Bỏ", kind="department", path="/bo/"))
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
        codes = set(db.session.scalars(select(Unit.code)))
        assert "GIU" in codes
        assert "BO" not in codes


def test_concurrent_savepoint_writers_wait_for_each_other(app):
    """Transactions that read inside a savepoint before writing queue for SQLite's write lock
    instead of failing with "database is locked" (a deferred BEGIN cannot upgrade to a write
    once another writer has committed; an immediate one waits its turn)."""
    import threading

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    errors: list[Exception] = []
    start = threading.Barrier(4)

    def writer(number: int) -> None:
        with app.app_context():
            try:
                start.wait()
                with db.session.begin_nested():
                    taken = _unit_count()
                    db.session.add(
                        Unit(
                            code=f"W{number}",
                            name=f"{taken}",
                            kind="department",
                            path=f"/w{number}/",
                        )
                    )
                db.session.commit()
            except Exception as error:
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {f"W{n}" for n in range(4)} <= set(db.session.scalars(select(Unit.code)))
