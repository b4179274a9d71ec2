"""Evidence of external training: the scan an organizer uploads (a decision or certificate as
PDF, JPEG or PNG), checked by size and by its first bytes, kept in the instance folder (never a
public folder) under its SHA-256, and served only through the record's scope-checked view.
"""

from datetime import date
from pathlib import Path
from typing import BinaryIO

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.services import record as audit
from lms.courses import storage
from lms.records.models import ExternalKind, ExternalTraining
from lms.records.services import MAX_PERIODS, actor_id

#: Largest scan accepted unless LMS_RECORDS_SCAN_MAX_BYTES says otherwise.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: A scan is what its first bytes say, whatever its name or the browser claim.
MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


class ScanError(ServiceError):
    """A refused scan; `status` is 413 for a file too large, else 422."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def max_bytes() -> int:
    return int(current_app.config.get("LMS_RECORDS_SCAN_MAX_BYTES", DEFAULT_MAX_BYTES))


def scan_root() -> Path:
    return Path(current_app.instance_path) / "records"


def _path(sha256: str) -> Path:
    return storage.path_of(sha256, scan_root())


def read_scan(stream: BinaryIO) -> tuple[bytes, str]:
    """The scan's bytes and content type; ScanError when too large, empty or not PDF/JPEG/PNG."""
    limit = max_bytes()
    # One byte past the limit tells a file too large without reading more of it.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ScanError(
            _("The scan is larger than %(n)d MB.", n=max(limit // (1024 * 1024), 1)), 413
        )
    if not data:
        raise ScanError(_("The scan is empty."))
    for magic, content_type, _extension in MAGIC:
        if data.startswith(magic):
            return data, content_type
    raise ScanError(_("The scan must be a PDF, JPEG or PNG file."))


def add_external(
    user_id: str,
    *,
    kind: str,
    title: str,
    provider: str,
    starts_on: date | None,
    ends_on: date,
    periods: int,
    result: str,
    evidence_number: str,
    scan: BinaryIO | None,
) -> ExternalTraining:
    """Add training done elsewhere to an official's record, with its evidence (audited)."""
    if kind not in set(ExternalKind):
        raise ServiceError(_("Choose where the training took place."))
    if not 0 < periods <= MAX_PERIODS:
        raise ServiceError(_("The number of periods is out of range."))
    if starts_on is not None and starts_on > ends_on:
        raise ServiceError(_("The training cannot end before it starts."))
    item = ExternalTraining(
        user_id=user_id,
        kind=kind,
        title=title.strip(),
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        periods=periods,
        result=result.strip(),
        evidence_number=evidence_number.strip(),
        created_by=actor_id(),
    )
    if scan is not None:
        data, content_type = read_scan(scan)
        item.scan_sha256 = storage.save(data, scan_root())
        item.scan_type = content_type
        item.scan_size = len(data)
    db.session.add(item)
    db.session.flush()
    audit("records.external.add", "external_training", item.id, None, facts(item))
    return item


def delete_external(item: ExternalTraining) -> None:
    """Remove an external entry (the scan file stays: another entry may share its hash)."""
    audit("records.external.delete", "external_training", item.id, facts(item), None)
    db.session.delete(item)
    db.session.flush()


def facts(item: ExternalTraining) -> dict:
    return {
        "user_id": item.user_id,
        "kind": item.kind,
        "title": item.title,
        "provider": item.provider,
        "starts_on": item.starts_on.isoformat() if item.starts_on else None,
        "ends_on": item.ends_on.isoformat(),
        "periods": item.periods,
        "result": item.result,
        "evidence_number": item.evidence_number,
        "scan_sha256": item.scan_sha256,
    }


def send_scan(item: ExternalTraining) -> Response:
    """The stored scan, as a download (never rendered inline from the LMS's origin)."""
    path = _path(item.scan_sha256) if item.scan_sha256 else None
    if path is None or not path.is_file():
        abort(404)
    extension = next(ext for _m, content_type, ext in MAGIC if content_type == item.scan_type)
    response = send_file(
        path,
        mimetype=item.scan_type,
        as_attachment=True,
        download_name=f"minh-chung-{item.id}.{extension}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
