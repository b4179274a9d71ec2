"""Recording audit events; callers pass plain before/after dicts of the fields they changed."""

from flask import has_request_context
from flask_login import current_user

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
