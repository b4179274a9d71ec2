"""Sending the outbox: every due delivery is claimed, signed at the moment it is sent, POSTed to
an address its endpoint's host resolves to *and* the target check passes, and its outcome
logged on the row. A 2xx answer delivers it; anything else (another status, a redirect, a
refused connection, a timeout, a target now refused) schedules the next attempt after an
exponentially growing wait (LMS_WEBHOOK_RETRY_SECONDS, doubled each time, at most 6 hours),
until LMS_WEBHOOK_MAX_ATTEMPTS have failed.

What runs it: the background queue (`lms worker`, which `lms serve` starts) is asked once the
transaction that wrote deliveries commits, and retries every minute what has come due; without
a worker, `lms webhooks deliver` does the same from cron. Claims make parallel senders safe: a
row is taken by moving its next attempt a lease ahead in one conditional UPDATE, so two senders
never send it together, and a sender that dies leaves it to be retried when the lease ends.
"""

import http.client
import logging
import socket
import ssl
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from huey import crontab
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from lms import db
from lms.api.models import DeliveryStatus, WebhookDelivery
from lms.api.webhooks import signing, targets
from lms.db import utcnow

log = logging.getLogger(__name__)

#: How long a claimed delivery is held before another sender may take it.
LEASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)
#: Bytes of an answer read (and then ignored): receivers need only say 2xx.
RESPONSE_LIMIT = 64 * 1024
ERROR_MAX = 500

#: Session.info key: the apps whose queue should deliver once the transaction commits.
PENDING = "lms_webhooks_due"
#: Each queue's delivery task, once the queue is built.
_TASKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass
class Report:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: the base, doubled each time, capped."""
    base = timedelta(seconds=float(current_app.config["LMS_WEBHOOK_RETRY_SECONDS"]))
    return min(base * 2 ** min(attempts - 1, 30), BACKOFF_MAX)


def due_ids(now: datetime, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def claim(delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for this sender (committed at once); False if another took it."""
    result = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 200) -> Report:
    """Send every delivery due at `now` (at most `limit`), committing each outcome."""
    now = now or utcnow()
    report = Report()
    for delivery_id in due_ids(now, limit):
        if not claim(delivery_id, now):
            continue
        status = attempt(delivery_id, now)
        if status == DeliveryStatus.DELIVERED:
            report.delivered += 1
        elif status == DeliveryStatus.FAILED:
            report.failed += 1
        elif status == DeliveryStatus.PENDING:
            report.retrying += 1
    return report


def attempt(delivery_id: int, now: datetime) -> str:
    """Send one claimed delivery and log the outcome; its status afterwards."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    if endpoint.deleted_at is not None:
        delivery.status = DeliveryStatus.CANCELLED
        db.session.commit()
        return delivery.status
    code, error = None, ""
    try:
        secret = signing.decrypt(endpoint.secret_encrypted)
        target = targets.check(endpoint.url)
        body = delivery.payload.encode()
        headers = signing.signed_headers(secret, body, delivery.event, delivery.event_id)
        code = post(target, body, headers, float(current_app.config["LMS_WEBHOOK_TIMEOUT"]))
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except targets.TargetError as refused:
        error = str(refused)
    except signing.SecretUnreadable:
        error = "The endpoint's secret cannot be read (was SECRET_KEY changed?)."
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}".strip()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = code
    delivery.last_error = error[:ERROR_MAX]
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= int(current_app.config["LMS_WEBHOOK_MAX_ATTEMPTS"]):
        delivery.status = DeliveryStatus.FAILED
        log.warning("webhook delivery %s failed for good: %s", delivery.id, error)
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    db.session.commit()
    return delivery.status


def _pinned(address: str):
    """http.client's connection factory, made to connect to the checked address only."""

    def create_connection(host_port, timeout=None, source_address=None):
        return socket.create_connection((address, host_port[1]), timeout, source_address)

    return create_connection


def post(target: targets.Target, body: bytes, headers: dict, timeout: float) -> int:
    """POST `body` to the target (trying its addresses in turn until one connects); the status.
    Redirects are not followed: a 3xx is a failed attempt like any other non-2xx."""
    failure: OSError | None = None
    for address in target.addresses:
        if target.scheme == "https":
            connection = http.client.HTTPSConnection(
                target.host, target.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        connection._create_connection = _pinned(address)
        try:
            try:
                connection.connect()
            except OSError as error:
                failure = error
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(RESPONSE_LIMIT)
            return response.status
        finally:
            connection.close()
    raise failure or OSError("no address to connect to")


def add_tasks(queue, app: Flask) -> None:
    """The queue's delivery task (asked after each commit that wrote deliveries) and a retry
    sweep every minute."""

    @queue.task(name="lms.api.webhooks.deliver")
    def deliver() -> None:
        with app.app_context():
            deliver_due()

    @queue.periodic_task(crontab(minute="*"), name="lms.api.webhooks.retry")
    def retry() -> None:
        with app.app_context():
            deliver_due()

    _TASKS[queue] = deliver


def deliver_after_commit() -> None:
    """Ask the background queue to deliver once the current transaction has committed."""
    db.session.info.setdefault(PENDING, set()).add(current_app._get_current_object())


@event.listens_for(Session, "after_commit")
def _deliver_committed(session: Session) -> None:
    for app in session.info.pop(PENDING, set()):
        try:
            enqueue(app)
        except Exception:
            # The change and its outbox rows are committed; the queue's minute sweep (or
            # `lms webhooks deliver`) sends them. A queue that is down must not fail the request.
            log.exception("could not queue webhook deliveries; the retry sweep will send them")


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def enqueue(app: Flask) -> None:
    """Ask the app's background queue to deliver what is due."""
    queue = app.extensions["lms"].jobs
    if queue is None:
        return
    task = _TASKS.get(queue.huey)
    if task is not None:
        task()
