"""Completion rules, learners' completion, trainers' sign-offs, certificate templates and the
certificates themselves (frozen at issue: PDF bytes, signed snapshot), their serial counters,
the public signing keys, and the background jobs that build bulk files.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow


class CompletionRule(Base):
    """One rule of a class's completion: its `kind` names a type of `rules.RULE_TYPES`."""

    __tablename__ = "lms_completion_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: The quiz a "quiz" rule asks to pass (at the quiz's own pass mark).
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("lms_quizzes.id"))
    #: The least attendance in percent an "attendance" rule asks for.
    min_percent: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<CompletionRule {self.class_id}:{self.kind}>"


class CertificatePolicy(Base):
    """How a class certifies: the template, whether completion issues at once, the validity."""

    __tablename__ = "lms_certificate_policies"

    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), primary_key=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("lms_certificate_templates.id"))
    #: Issue a certificate as soon as a learner meets every rule.
    auto_issue: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Months a certificate stays valid (courses that need renewal); None: no expiry.
    valid_months: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Completion(Base):
    """A learner's standing on a class's rules, kept current whenever something relevant
    changes (module completed, quiz graded, attendance marked, rules edited)."""

    __tablename__ = "lms_completions"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    #: When the learner first met every rule; None while a rule is missing.
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Each rule's outcome when last evaluated: [{"rule_id", "kind", "met", "detail"}].
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Completion {self.class_id}:{self.user_id} {self.completed_at}>"


class SignOff(Base):
    """A trainer's (or organizer's) manual confirmation that a learner completed the class."""

    __tablename__ = "lms_sign_offs"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    signed_by: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(255), default="")


class CertificateTemplate(Base):
    """How an organizer unit's certificates look: which registry fields print, in what order,
    and who signs. Editing a template never changes a certificate already issued."""

    __tablename__ = "lms_certificate_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    #: The title printed large ("GIẤY CHỨNG NHẬN").
    heading: Mapped[str] = mapped_column(String(255))
    #: The issuing body as printed top left (the superior body on the first line, if any).
    issuer: Mapped[str] = mapped_column(String(255))
    signer_name: Mapped[str] = mapped_column(String(255))
    signer_title: Mapped[str] = mapped_column(String(255))
    issue_place: Mapped[str] = mapped_column(String(128))
    #: Keys of `fields.CERTIFICATE_FIELDS` printed in the body, in order.
    fields: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CertificateTemplate {self.id} {self.name!r}>"


class SerialCounter(Base):
    """The last sequence number given per issuing unit and year. Incremented in the issuing
    transaction, whose row lock keeps concurrent issuers in line: no duplicate, and no gap
    unless a certificate was written and then deleted by hand."""

    __tablename__ = "lms_certificate_serials"

    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class SigningKey(Base):
    """A public Ed25519 key that signed certificates. Kept for good, so a rotated key still
    verifies what it signed; the private half lives only in the instance folder or config."""

    __tablename__ = "lms_signing_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The raw 32-byte public key, base64.
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a newer key took over signing.
    retired_at: Mapped[datetime | None] = mapped_column()


class Certificate(Base):
    """A certificate (giấy chứng nhận) as issued: the printed facts in a signed JSON snapshot
    and the exact PDF bytes, never regenerated. Revoking or reissuing adds to it; nothing
    printed changes."""

    __tablename__ = "lms_certificates"
    __table_args__ = (
        # One current certificate per learner and class, whoever issues at the same moment.
        Index(
            "uq_lms_certificates_current",
            "class_id",
            "user_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The issuing (organizer) unit, for queries by unit subtree.
    unit_id: Mapped[int] = mapped_column(ForeignKey("lms_units.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(index=True)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime | None] = mapped_column()
    #: The snapshot exactly as signed: canonical JSON (sorted keys, no spaces, UTF-8 text).
    snapshot_json: Mapped[str] = mapped_column(Text)
    #: Ed25519 signature of `snapshot_json`'s UTF-8 bytes, base64.
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(ForeignKey("lms_signing_keys.key_id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: False once a reissue replaced it; at most one current certificate per learner and class.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
    revoke_reason: Mapped[str] = mapped_column(String(500), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("lms_certificates.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_certificates.id"))

    replaces: Mapped["Certificate | None"] = relationship(
        foreign_keys=[replaces_id], remote_side=[id]
    )
    replaced_by: Mapped["Certificate | None"] = relationship(
        foreign_keys=[replaced_by_id], remote_side=[id]
    )

    def __repr__(self) -> str:
        return f"<Certificate {self.serial}>"


class CertificateJob(Base):
    """Bulk work on a class's certificates done by a worker (issue all eligible, build the
    ZIP), with the progress the page polls."""

    __tablename__ = "lms_certificate_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "issue" or "zip".
    kind: Mapped[str] = mapped_column(String(16))
    class_id: Mapped[int] = mapped_column(ForeignKey("lms_classes.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    #: The site's address for the QR codes of an issue job (the worker has no request).
    base_url: Mapped[str] = mapped_column(String(255), default="")
    #: "queued", "running", "done" or "failed".
    state: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    #: The built file's name in the job store (ZIP jobs), once done.
    file_name: Mapped[str] = mapped_column(String(255), default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<CertificateJob {self.id} {self.kind} {self.state}>"
