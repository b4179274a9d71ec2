"""`record_now` writes an audit event at once (no flush), by whoever is signed in, after any
event still pending in the session."""

from sqlalchemy import select

from lms import db
from lms.audit.models import AuditEvent
from lms.audit.services import record, record_now


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
