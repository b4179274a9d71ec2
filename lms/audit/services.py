"""Recording audit events; callers pass plain before/after dicts of the fields they changed."""

import functools

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import CTE, Insert, bindparam, cast, insert, select

from lms import db
from lms.audit.models import AuditEvent
from lms.db import utcnow


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


#: The values `insert_for_each` binds (as `event_<name>`, apart from the change's own).
EVENT_PARAMETERS = ("occurred_at", "actor_id", "action", "object_type", "before", "after")


def insert_for_each(changed: CTE) -> Insert:
    """An INSERT of one audit event for each row of `changed`, a WITH holding a change and
    RETURNING its object's id (`id`): the change and its event in one statement, one round trip
    instead of two, and the INSERT's rowcount says how many rows the change changed. PostgreSQL
    only (SQLite's WITH holds no UPDATE: there, run the change, then `record_now`). Binds the
    event's values as `event_values` names them; build it once, as any statement run per
    request."""
    events = AuditEvent.__table__
    column = events.c
    return insert(events).from_select(
        [*EVENT_PARAMETERS, "object_id"],
        select(
            *(
                bindparam(f"event_{name}", type_=getattr(column, name).type)
                for name in EVENT_PARAMETERS
            ),
            cast(changed.c.id, column.object_id.type),
        ).select_from(changed),
    )


def event_values(
    action: str, object_type: str, before: dict | None = None, after: dict | None = None
) -> dict:
    """What `insert_for_each` binds for an event: who (the signed-in user), and the change. Pending
    ORM changes are flushed first, as `record_now` does, so events keep their order."""
    db.session.flush()
    return {
        "event_occurred_at": utcnow(),
        "event_actor_id": _actor_id(),
        "event_action": action,
        "event_object_type": object_type,
        "event_before": before,
        "event_after": after,
    }
