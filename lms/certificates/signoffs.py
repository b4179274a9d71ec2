"""Trainers' sign-offs: a trainer of the class (or an organizer of its unit) confirms that a
learner completed it, for classes whose rules ask for that; withdrawing one is audited too.
The learner is re-evaluated in the same transaction (see `receivers.reevaluate`).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.audit.services import record
from lms.certificates.completion import enrolled_ids
from lms.certificates.models import SignOff
from lms.certificates.receivers import reevaluate
from lms.certificates.services import CertificateError

NOTE_MAX = 255


def find(class_id: int, user_id: str) -> SignOff | None:
    return db.session.scalar(
        select(SignOff).where(SignOff.class_id == class_id, SignOff.user_id == user_id)
    )


def sign_off(class_id: int, user_id: str, actor_id: str, note: str = "") -> SignOff:
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise CertificateError(_("At most %(n)d characters.", n=NOTE_MAX))
    if not enrolled_ids(class_id, [user_id]):
        raise CertificateError(_("No such learner in this class."))
    existing = find(class_id, user_id)
    if existing is not None:
        return existing
    sign = SignOff(class_id=class_id, user_id=user_id, signed_by=actor_id, note=note)
    db.session.add(sign)
    db.session.flush()
    record(
        "sign_off.create",
        "sign_off",
        sign.id,
        after={"class_id": class_id, "user_id": user_id, "note": note},
        actor_id=actor_id,
    )
    reevaluate(class_id, [user_id])
    return sign


def withdraw(class_id: int, user_id: str, actor_id: str) -> None:
    sign = find(class_id, user_id)
    if sign is None:
        raise CertificateError(_("There is no sign-off to withdraw."))
    record(
        "sign_off.withdraw",
        "sign_off",
        sign.id,
        before={"class_id": class_id, "user_id": user_id, "signed_by": sign.signed_by},
        actor_id=actor_id,
    )
    db.session.delete(sign)
    db.session.flush()
    reevaluate(class_id, [user_id])
