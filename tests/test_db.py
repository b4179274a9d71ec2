"""The database layer: savepoints nest inside the request's transaction on every database."""

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
