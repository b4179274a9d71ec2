"""Webhook endpoints: create one (its signing secret shown once), list those of a unit subtree,
delete one, stop those of a revoked token, read a delivery log and send a failed delivery again.
Services flush and never commit.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from lms import db
from lms.accounts.models import Unit
from lms.accounts.services import ServiceError
from lms.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from lms.api.webhooks import delivery as sender
from lms.api.webhooks import signing, targets
from lms.audit.services import record
from lms.db import utcnow

DESCRIPTION_MAX = 255
#: Live endpoints one unit subtree may have (each event is sent to every one of them).
ENDPOINTS_MAX = 20


class WebhookError(ServiceError):
    """A webhook request that cannot be done; the message says why."""


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    #: The signing secret: shown to the creator once.
    secret: str


def clean_events(events: list[str] | None) -> list[str]:
    """The events in canonical order (all of them when none are named)."""
    if not events:
        return [event.value for event in WebhookEvent]
    unknown = sorted({event for event in events if event not in set(WebhookEvent)})
    if unknown:
        raise WebhookError(_("Unknown event: %(e)s.", e=", ".join(unknown)))
    return [event.value for event in WebhookEvent if event.value in events]


def _scope_clause(unit: Unit | None):
    """SQL: endpoints whose unit lies in `unit`'s subtree (every endpoint when None)."""
    if unit is None:
        return WebhookEndpoint.id.is_not(None)
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path))
    return WebhookEndpoint.unit_id.in_(subtree)


def live_endpoints(unit: Unit | None) -> list[WebhookEndpoint]:
    """Endpoints not deleted within `unit`'s subtree (all when None), oldest first."""
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(_scope_clause(unit), WebhookEndpoint.deleted_at.is_(None))
            .order_by(WebhookEndpoint.id)
        )
    )


def endpoints_in_scopes(tops: list[Unit]) -> list[WebhookEndpoint]:
    """Every endpoint (deleted ones too, for their logs) within an admin's subtrees."""
    conditions = [_scope_clause(top) for top in tops]
    if any(top.parent_id is None for top in tops):
        conditions.append(WebhookEndpoint.unit_id.is_(None))
    if not conditions:
        return []
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(or_(*conditions))
            .order_by(WebhookEndpoint.deleted_at.is_not(None), WebhookEndpoint.id.desc())
        )
    )


def create_endpoint(
    url: str,
    events: list[str] | None,
    unit: Unit | None,
    description: str = "",
    token_id: int | None = None,
    actor_id: str = "",
) -> NewEndpoint:
    """A new endpoint for events about learners of `unit`'s subtree (all when None)."""
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise WebhookError(_("A description has at most %(n)d characters.", n=DESCRIPTION_MAX))
    chosen = clean_events(events)
    target = targets.check(url)
    if len(live_endpoints(unit)) >= ENDPOINTS_MAX:
        raise WebhookError(
            _("This unit already has %(n)d webhook endpoints; delete one first.", n=ENDPOINTS_MAX)
        )
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        url=url.strip(),
        description=description,
        events=" ".join(chosen),
        unit_id=unit.id if unit is not None else None,
        secret_encrypted=signing.encrypt(secret),
        token_id=token_id,
        created_at=utcnow(),
        created_by=actor_id,
    )
    db.session.add(endpoint)
    db.session.flush()
    record(
        "webhook.create",
        "webhook_endpoint",
        endpoint.id,
        after={
            "url": endpoint.url,
            "host": target.host,
            "events": chosen,
            "unit": unit.code if unit else None,
            "token_id": token_id,
        },
        actor_id=actor_id,
    )
    return NewEndpoint(endpoint, secret)


def _cancel_pending(endpoint_ids) -> None:
    db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id.in_(endpoint_ids),
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.CANCELLED)
    )


def delete_endpoint(endpoint: WebhookEndpoint, actor_id: str = "") -> None:
    """Stop sending to an endpoint; its log stays, what was still waiting is cancelled."""
    if endpoint.deleted_at is not None:
        raise WebhookError(_("This webhook endpoint is already deleted."))
    endpoint.deleted_at = utcnow()
    _cancel_pending([endpoint.id])
    db.session.flush()
    record(
        "webhook.delete",
        "webhook_endpoint",
        endpoint.id,
        before={"url": endpoint.url},
        actor_id=actor_id,
    )


def stop_endpoints_of_token(token_id: int, actor_id: str = "") -> int:
    """Delete the live endpoints a (revoked) token created; how many there were."""
    live = list(
        db.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.token_id == token_id, WebhookEndpoint.deleted_at.is_(None)
            )
        )
    )
    for endpoint in live:
        delete_endpoint(endpoint, actor_id)
    return len(live)


def deliveries_of(endpoint_id: int, limit: int = 100) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries first."""
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def send_again(delivery: WebhookDelivery, actor_id: str = "") -> None:
    """Queue a failed delivery for one more attempt now (its payload unchanged)."""
    if delivery.status != DeliveryStatus.FAILED or delivery.endpoint.deleted_at is not None:
        raise WebhookError(_("Only a failed delivery to a live endpoint can be sent again."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    sender.deliver_after_commit()
    record(
        "webhook.send_again",
        "webhook_delivery",
        delivery.id,
        before={"status": DeliveryStatus.FAILED.value},
        after={"status": DeliveryStatus.PENDING.value},
        actor_id=actor_id,
    )
