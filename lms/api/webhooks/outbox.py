"""The outbox: when a certificate is issued or revoked, one delivery row per endpoint that
subscribes to the event and covers the learner's unit is written in the same transaction as
the change (so an event is sent if and only if the change committed), with the body each
attempt will send. Once that transaction commits, the background queue is asked to deliver.
"""

import json
import uuid

from sqlalchemy import select

from lms import db, signals
from lms.accounts.models import LearnerProfile
from lms.api import schemas
from lms.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from lms.api.services import certificate_row_by_id
from lms.api.webhooks import delivery
from lms.db import utcnow


def _subscribers(event_name: str, user_id: str) -> list[WebhookEndpoint]:
    """Live endpoints for this event whose unit subtree holds the learner."""
    profile = db.session.get(LearnerProfile, user_id)
    unit = profile.unit if profile is not None else None
    live = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.deleted_at.is_(None)))
    return [
        endpoint
        for endpoint in live
        if event_name in endpoint.event_list
        and (endpoint.unit is None or (unit is not None and endpoint.unit.contains(unit)))
    ]


def body(event_name: str, event_id: str, certificate: dict) -> str:
    """The JSON every attempt sends (and signs), byte for byte."""
    document = {
        "id": event_id,
        "type": event_name,
        "created_at": schemas.timestamp(utcnow()),
        "data": {"certificate": certificate},
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def record_event(event_name: str, certificate_id: int, user_id: str) -> list[WebhookDelivery]:
    """Write the deliveries of one event (none when no endpoint wants it)."""
    subscribers = _subscribers(event_name, user_id)
    if not subscribers:
        return []
    row = certificate_row_by_id(certificate_id)
    event_id = str(uuid.uuid4())
    payload = body(event_name, event_id, schemas.certificate_json(row))
    now = utcnow()
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=event_id,
            event=event_name,
            payload=payload,
            status=DeliveryStatus.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in subscribers
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    delivery.deliver_after_commit()
    return deliveries


def _issued(sender, certificate_id: int, user_id: str, **extra) -> None:
    record_event(WebhookEvent.CERTIFICATE_ISSUED.value, certificate_id, user_id)


def _revoked(sender, certificate_id: int, user_id: str, **extra) -> None:
    record_event(WebhookEvent.CERTIFICATE_REVOKED.value, certificate_id, user_id)


def connect() -> None:
    """Listen to the certificate signals (once per process; blinker ignores a second connect)."""
    signals.certificate_issued.connect(_issued, weak=False)
    signals.certificate_revoked.connect(_revoked, weak=False)
