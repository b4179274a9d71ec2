"""The certificate register (sổ cấp giấy chứng nhận) as XLSX or CSV, for one class or for the
command line's list. Each row is what the certificate printed (read from its frozen snapshot),
with its status now; rows stream from the database `YIELD_PER` at a time and are written by
`lms.tabular.writing`, so memory stays flat for any number of certificates.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from lms import db
from lms.certificates.models import Certificate
from lms.certificates.services import status_of
from lms.classes.models import TrainingClass
from lms.db import utcnow
from lms.tabular.writing import Column, Table

YIELD_PER = 500


def status_label(status: str) -> str:
    return {
        "valid": _("Valid"),
        "revoked": _("Revoked"),
        "replaced": _("Replaced"),
        "expired": _("Expired"),
    }[status]


REGISTER_COLUMNS = (
    Column("number", _l("No."), "number", 6),
    Column("serial", _l("Serial number"), width=20),
    Column("full_name", _l("Full name"), width=28),
    Column("date_of_birth", _l("Date of birth"), "date", 12),
    Column("unit", _l("Unit"), width=30),
    Column("class_code", _l("Class"), width=14),
    Column("course_title", _l("Course"), width=36),
    Column("hours", _l("Training periods"), "number", 10),
    Column("issued_at", _l("Issued on"), "date", 12),
    Column("expires_at", _l("Valid until"), "date", 12),
    Column("status", _l("Status"), width=12),
    Column("revoked_at", _l("Revoked on"), "date", 12),
    Column("revoke_reason", _l("Reason for revoking"), width=30),
    Column("replaces", _l("Replaces"), width=20),
    Column("replaced_by", _l("Replaced by"), width=20),
)


def register_query(class_id: int | None = None) -> Select:
    """Certificates (of one class, or all), by serial, with their class and replacement."""
    successor = aliased(Certificate)
    query = (
        select(
            Certificate,
            TrainingClass.code.label("class_code"),
            successor.serial.label("replaced_by"),
        )
        .join(TrainingClass, TrainingClass.id == Certificate.class_id)
        .outerjoin(successor, successor.id == Certificate.replaced_by_id)
        .order_by(Certificate.serial)
    )
    if class_id is not None:
        query = query.where(Certificate.class_id == class_id)
    return query


def _day(value: str | None) -> date | datetime | None:
    if not value:
        return None
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date.fromisoformat(value)


def register_rows(class_id: int | None = None) -> Iterator[dict]:
    now = utcnow()
    query = register_query(class_id).execution_options(yield_per=YIELD_PER)
    for number, (certificate, class_code, replaced_by) in enumerate(
        db.session.execute(query), start=1
    ):
        facts = json.loads(certificate.snapshot_json)
        yield {
            "number": number,
            "serial": certificate.serial,
            "full_name": facts["full_name"],
            "date_of_birth": _day(facts.get("date_of_birth")),
            "unit": facts.get("unit", ""),
            "class_code": class_code,
            "course_title": facts["course_title"],
            "hours": facts["hours"],
            "issued_at": certificate.issued_at,
            "expires_at": certificate.expires_at,
            "status": status_label(status_of(certificate, now)),
            "revoked_at": certificate.revoked_at,
            "revoke_reason": certificate.revoke_reason,
            "replaces": facts.get("replaces") or "",
            "replaced_by": replaced_by or "",
        }


@dataclass(frozen=True)
class Export:
    file_stem: str
    title: object
    columns: tuple[Column, ...]
    rows: Callable[[int | None], Iterator[dict]]


#: The certificate exports, by the name in their address.
EXPORTS: dict[str, Export] = {
    "register": Export(
        "so-cap-giay-chung-nhan", _l("Certificate register"), REGISTER_COLUMNS, register_rows
    ),
}


def table(export: Export, class_id: int | None) -> Table:
    """The export as a table to write; its rows are read where the file is written (for a CSV,
    while the response streams, after the view's session has ended)."""
    return Table(str(export.title), export.columns, lambda: export.rows(class_id))
