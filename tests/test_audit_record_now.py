"""`record_now` writes an audit event at once (no flush), by whoever is signed in, after any
event still pending in the session."""

import pytest
from sqlalchemy import literal, select

from lms import db
from lms.audit.models import AuditEvent
from lms.audit.services import event_values, insert_for_each, record, record_now


def test_an_event_recorded_now_is_stored_after_a_pending_one(app):
    with app.test_request_context():
        record("first.action", "thing", 1, after={"n": 1})
        record_now("second.action", "thing", 2, before={"n": 1}, after={"n": 2})
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [event.action for event in events] == ["first.action", "second.action"]
    second = events[1]
    assert (second.object_type, second.object_id, second.actor_id) == ("thing", "2", "")
    assert (second.before, second.after) == ({"n": 1}, {"n": 2})
    assert second.occurred_at is not None


def _changed_things(found: bool):
    """A WITH returning thing 7 as `id` (or nothing): the shape `insert_for_each` takes."""
    return select(literal(7).label("id")).where(literal(found)).cte("c")


def test_an_event_goes_with_each_row_a_change_returns(app):
    """`insert_for_each`: one event per row the change returned (here one, then none), with the
    signed-in user's id, the change's values and the row's id; the rowcount says how many."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite's WITH holds no UPDATE: the caller records apart there")
    with app.test_request_context():
        record("first.action", "thing", 1)
        values = event_values("thing.close", "thing", {"open": True}, {"open": False})
        written = db.session.execute(
            insert_for_each(_changed_things(True)).execution_options(preserve_rowcount=True),
            values,
        )
        assert written.rowcount == 1
        nothing = db.session.execute(
            insert_for_each(_changed_things(False)).execution_options(preserve_rowcount=True),
            event_values("thing.close", "thing"),
        )
        assert nothing.rowcount == 0
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [event.action for event in events] == ["first.action", "thing.close"]
    closed = events[1]
    assert (closed.object_type, closed.object_id, closed.actor_id) == ("thing", "7", "")
    assert (closed.before, closed.after) == ({"open": True}, {"open": False})
    assert closed.occurred_at is not None
