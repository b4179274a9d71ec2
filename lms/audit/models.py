"""The audit event table."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class AuditEvent(Base):
    """One change made by a person (or the system), with before and after values."""

    __tablename__ = "lms_audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: User id of whoever made the change; empty for the system and the CLI.
    actor_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type}:{self.object_id}>"
