"""Issuing, revoking and reissuing certificates. Services flush and never commit.

Issuing freezes a certificate: the facts are gathered once into a snapshot, the PDF is printed
from it (in the default language: a certificate is an official Vietnamese document), the PDF's
SHA-256 joins the snapshot, and the snapshot is signed. Nothing is regenerated later: edits to
the learner's profile, the course or the template leave issued certificates as they are.
"""

import calendar
import hashlib
import json
from datetime import datetime

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import db, signals
from lms.accounts.models import LearnerProfile, Unit
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.certificates import completion, pdf, serials, signing
from lms.certificates.fields import Facts, snapshot_facts
from lms.certificates.models import Certificate, CertificateTemplate
from lms.classes.models import TrainingClass
from lms.db import utcnow
from lms.i18n import local_time


class CertificateError(ServiceError):
    """A certificate action that cannot be done; the message says why."""


class AlreadyIssued(CertificateError):
    """The learner already holds a current certificate for the class."""


# --- status --------------------------------------------------------------------------------------


def status_of(certificate: Certificate, now: datetime | None = None) -> str:
    """ "revoked", "replaced", "expired" or "valid" (the first that applies)."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.replaced_by_id is not None:
        return "replaced"
    if certificate.expires_at is not None and (now or utcnow()) >= certificate.expires_at:
        return "expired"
    return "valid"


def facts_of(certificate: Certificate) -> dict:
    """The facts the certificate printed, as frozen at issue."""
    return json.loads(certificate.snapshot_json)


def find(serial: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial.strip()))


def current_certificate(class_id: int, user_id: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.class_id == class_id,
            Certificate.user_id == user_id,
            Certificate.is_current.is_(True),
        )
    )


def certified_ids(class_id: int) -> set[str]:
    """Learners of the class holding a current certificate (valid, revoked or expired)."""
    return set(
        db.session.scalars(
            select(Certificate.user_id).where(
                Certificate.class_id == class_id, Certificate.is_current.is_(True)
            )
        )
    )


# --- what a certificate prints ------------------------------------------------------------------


def template_for(training_class: TrainingClass) -> CertificateTemplate:
    """The class's chosen template, else the newest template of its unit or the nearest unit
    above it; CertificateError when there is none."""
    policy = completion.policy_of(training_class.id)
    if policy.template_id is not None:
        template = db.session.get(CertificateTemplate, policy.template_id)
        if template is not None:
            return template
    ancestors = [int(part) for part in training_class.unit.path.strip("/").split("/") if part]
    candidates = list(
        db.session.scalars(
            select(CertificateTemplate)
            .join(Unit, Unit.id == CertificateTemplate.unit_id)
            .where(CertificateTemplate.unit_id.in_(ancestors))
            .order_by(CertificateTemplate.id.desc())
        )
    )
    if not candidates:
        raise CertificateError(
            _("No certificate template for %(u)s: create one first.", u=training_class.unit.name)
        )
    candidates.sort(key=lambda template: -ancestors.index(template.unit_id))
    return candidates[0]


def public_base_url() -> str:
    """The site's address printed in QR codes: LMS_PUBLIC_URL, else the request's own."""
    configured = current_app.config.get("LMS_PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    raise CertificateError(
        _("Set LMS_PUBLIC_URL (the site's address, for the QR codes) to issue from here.")
    )


def verify_url(base_url: str, serial: str) -> str:
    return f"{base_url.rstrip('/')}{current_app.extensions['lms'].url_prefix}/verify/{serial}"


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# --- issue, revoke, reissue ---------------------------------------------------------------------


def issue(
    class_id: int,
    user_id: str,
    actor_id: str = "",
    base_url: str | None = None,
    replaces: Certificate | None = None,
    now: datetime | None = None,
) -> Certificate:
    """Issue the learner's certificate for the class: they must meet every rule and hold no
    current certificate (a reissue, `replaces`, takes the old one's place instead)."""
    training_class = db.session.get(TrainingClass, class_id)
    profile = db.session.get(LearnerProfile, user_id)
    if training_class is None or profile is None:
        raise CertificateError(_("No such learner in this class."))
    if user_id not in completion.enrolled_ids(class_id, [user_id]):
        raise CertificateError(_("%(n)s is not enrolled in this class.", n=profile.full_name))
    standing = completion.standings(training_class, [user_id])[user_id]
    if replaces is None:
        if not standing.complete:
            raise CertificateError(
                _("%(n)s has not met every completion rule yet.", n=profile.full_name)
            )
        if current_certificate(class_id, user_id) is not None:
            raise AlreadyIssued(_("%(n)s already has a certificate.", n=profile.full_name))
    template = template_for(training_class)
    base_url = base_url or public_base_url()
    now = (now or utcnow()).replace(microsecond=0)
    policy = completion.policy_of(class_id)
    expires_at = add_months(now, policy.valid_months) if policy.valid_months else None
    grades = [
        item.outcome.detail["grade"]
        for item in standing.rules
        if item.kind == "quiz" and item.outcome.detail.get("grade") is not None
    ]
    serial = serials.next_serial(training_class.unit.code, local_time(now).year)
    snapshot = snapshot_facts(Facts(training_class, profile, grades, expires_at), template.fields)
    snapshot.update(
        serial=serial,
        issued_at=_stamp(now),
        heading=template.heading,
        issuer=template.issuer,
        signer_name=template.signer_name,
        signer_title=template.signer_title,
        issue_place=template.issue_place,
        verify_url=verify_url(base_url, serial),
        replaces=replaces.serial if replaces is not None else None,
    )
    with force_locale(current_app.config["LMS_DEFAULT_LOCALE"]):
        document = pdf.render(snapshot)
    snapshot["pdf_sha256"] = hashlib.sha256(document).hexdigest()
    text, signature, key_id = signing.sign(snapshot)
    certificate = Certificate(
        serial=serial,
        class_id=class_id,
        user_id=user_id,
        unit_id=training_class.unit_id,
        issued_at=now,
        issued_by=actor_id,
        expires_at=expires_at,
        snapshot_json=text,
        signature=signature,
        key_id=key_id,
        pdf_sha256=snapshot["pdf_sha256"],
        pdf=document,
        is_current=True,
        replaces_id=replaces.id if replaces is not None else None,
    )
    if replaces is not None:
        replaces.is_current = False
        db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError as error:
        # Another request issued this learner's certificate a moment ago.
        raise AlreadyIssued(_("%(n)s already has a certificate.", n=profile.full_name)) from error
    if replaces is not None:
        replaces.replaced_by_id = certificate.id
    record(
        "certificate.reissue" if replaces is not None else "certificate.issue",
        "certificate",
        certificate.id,
        before={"serial": replaces.serial} if replaces is not None else None,
        after={"serial": serial, "class_id": class_id, "user_id": user_id, "key_id": key_id},
        actor_id=actor_id,
    )
    signals.certificate_issued.send(
        current_app._get_current_object(),
        certificate_id=certificate.id,
        class_id=class_id,
        user_id=user_id,
    )
    return certificate


def issue_all_eligible(
    class_id: int, actor_id: str = "", base_url: str | None = None, limit: int | None = None
) -> list[Certificate]:
    """Issue to every enrolled learner who meets the rules and holds no current certificate
    (at most `limit` of them: bulk jobs issue in batches)."""
    issued = []
    for user_id in eligible_ids(class_id)[:limit]:
        issued.append(issue(class_id, user_id, actor_id=actor_id, base_url=base_url))
    return issued


def eligible_ids(class_id: int) -> list[str]:
    """Complete learners without a current certificate, after re-evaluating the class."""
    completion.evaluate(class_id)
    holders = certified_ids(class_id)
    return [user_id for user_id in completion.completed_ids(class_id) if user_id not in holders]


REASON_MAX = 500


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError(_("Give the reason."))
    if len(reason) > REASON_MAX:
        raise CertificateError(_("At most %(n)d characters.", n=REASON_MAX))
    return reason


def revoke(certificate: Certificate, reason: str, actor_id: str = "") -> None:
    """Revoke a certificate: the verification page shows it revoked, with the date and reason."""
    reason = _reason(reason)
    if certificate.revoked_at is not None:
        raise CertificateError(_("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_by = actor_id
    certificate.revoke_reason = reason
    db.session.flush()
    record(
        "certificate.revoke",
        "certificate",
        certificate.id,
        before={"status": "valid"},
        after={"status": "revoked", "reason": reason, "serial": certificate.serial},
        actor_id=actor_id,
    )
    signals.certificate_revoked.send(
        current_app._get_current_object(),
        certificate_id=certificate.id,
        class_id=certificate.class_id,
        user_id=certificate.user_id,
    )


def reissue(
    certificate: Certificate, reason: str, actor_id: str = "", base_url: str | None = None
) -> Certificate:
    """A new certificate (new serial, today's facts) in place of a current one, linked both
    ways; the old one then shows "replaced by …"."""
    reason = _reason(reason)
    if not certificate.is_current:
        raise CertificateError(_("This certificate was already replaced."))
    new = issue(
        certificate.class_id,
        certificate.user_id,
        actor_id=actor_id,
        base_url=base_url,
        replaces=certificate,
    )
    record(
        "certificate.replace",
        "certificate",
        certificate.id,
        after={"replaced_by": new.serial, "reason": reason},
        actor_id=actor_id,
    )
    return new
