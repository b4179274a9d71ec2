"""API tokens, webhook endpoints and the webhook outbox (one row per event and endpoint, written
in the transaction of the change it announces, then delivered and retried from there).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Unit
from lms.db import Base, utcnow


class Scope(StrEnum):
    """What a token may do; a token holds one or more."""

    CERTIFICATES_READ = "certificates:read"
    RECORDS_READ = "records:read"
    WEBHOOKS_MANAGE = "webhooks:manage"


class ApiToken(Base):
    """A bearer token of an outside system (the qualification-records system, say). Only the
    SHA-256 of the secret is kept: the token is shown once, when it is created."""

    __tablename__ = "lms_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: The token's first characters ("lms_AbCd1234"), so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the whole token; the token itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Space-separated `Scope` values.
    scopes: Mapped[str] = mapped_column(String(255))
    #: The unit subtree the token may read; None: the whole unit tree.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: User id of the admin who created it; empty for the command line.
    created_by: Mapped[str] = mapped_column(String(64), default="")
    #: Written at most once a minute (tokens.TOUCH_SECONDS), not on every request.
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str] = mapped_column(String(64), default="")

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r}>"


class WebhookEvent(StrEnum):
    CERTIFICATE_ISSUED = "certificate.issued"
    CERTIFICATE_REVOKED = "certificate.revoked"


class WebhookEndpoint(Base):
    """An address that receives signed events about certificates of its unit subtree."""

    __tablename__ = "lms_webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(255), default="")
    #: Space-separated `WebhookEvent` values it subscribes to.
    events: Mapped[str] = mapped_column(String(255))
    #: Only events about learners of this subtree are sent; None: the whole unit tree.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("lms_units.id"), index=True)
    #: The signing secret, encrypted with a key derived from the app's secret key.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    #: The token that created it through the API (revoking the token stops its endpoints).
    token_id: Mapped[int | None] = mapped_column(ForeignKey("lms_api_tokens.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    #: Deleted endpoints keep their delivery log but receive nothing more.
    deleted_at: Mapped[datetime | None] = mapped_column()

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def event_list(self) -> list[str]:
        return self.events.split()

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    #: Every attempt failed; an admin may send it again.
    FAILED = "failed"
    #: The endpoint was deleted (or its token revoked) before it went out.
    CANCELLED = "cancelled"


class WebhookDelivery(Base):
    """One event for one endpoint: the outbox row and its delivery log at once."""

    __tablename__ = "lms_webhook_deliveries"
    __table_args__ = (Index("ix_lms_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("lms_webhook_endpoints.id"), index=True)
    #: The event's id, the same for every endpoint told of it (receivers drop duplicates by it).
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event: Mapped[str] = mapped_column(String(64))
    #: The JSON body exactly as sent (and signed) on every attempt.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the next attempt is due; a sender holds a row by moving this a lease ahead.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    delivered_at: Mapped[datetime | None] = mapped_column()

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event} {self.status}>"
