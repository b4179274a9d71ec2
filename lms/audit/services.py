"""Recording audit events; callers pass plain before/after dicts of the fields they changed."""

import functools

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import Insert, insert

from lms import db
from lms.audit.models import AuditEvent


def _actor_id() -> str:
    if has_request_context() and current_user and current_user.is_authenticated:
        return str(current_user.get_id())
    return ""


def record(
    action: str,
    object_type: str,
    object_id: object,
    before: dict | None = None,
    after: dict | None = None,
    actor_id: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits with the change it records)."""
    event = AuditEvent(
        actor_id=actor_id if actor_id is not None else _actor_id(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_now(
    action: str,
    object_type: str,
    object_id: object,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """`record` for a request that writes nothing else through the ORM (a submit): the event is
    inserted at once by a statement built once, so the request needs no flush of its own, whose
    unit of work cost more Python than the INSERT. Pending ORM changes are flushed first (a Core
    statement does not autoflush; with nothing pending the flush returns at once), so events
    keep the order they were recorded in."""
    db.session.flush()
    db.session.execute(
        _insert_statement(),
        {
            "actor_id": _actor_id(),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": before,
            "after": after,
        },
    )


@functools.cache
def _insert_statement() -> Insert:
    return insert(AuditEvent.__table__)
