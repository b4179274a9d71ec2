"""Course attachments: uploads checked by type, size and real content, the Markdown to paste,
deletion while no published version links to them, and serving them with safe headers.
"""

import re
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, abort, current_app, has_request_context, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.courses import storage
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.text import fold

#: Magic bytes of the types browsers show inline; an upload must really be what its name says.
SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
}
INLINE_TYPES = frozenset(content_type for content_type, _magic in SIGNATURES.values())


class UploadError(ServiceError):
    """A refused upload; `status` is 413 for a file too large, else 422."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def attachment_name(filename: str) -> str:
    """A safe, readable file name: "Sơ đồ quy trình.PNG" → "so-do-quy-trinh.png"."""
    folded = re.sub(r"\s+", "-", fold(filename))
    name = secure_filename(folded).lower()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip("._-")[:100] or "tep"
    return f"{stem}.{ext}" if ext else stem


def upload_attachment(course: Course, filename: str, stream: BinaryIO) -> Attachment:
    """Store an uploaded file for the course, refusing other types, large files and files whose
    content does not match their name.
    """
    allowed = allowed_extensions()
    name = attachment_name(filename)
    extension = name.rpartition(".")[2] if "." in name else ""
    if extension not in allowed:
        raise UploadError(_("Only these file types can be uploaded: %(t)s.", t=", ".join(allowed)))
    limit = int(current_app.config["LMS_UPLOAD_MAX_BYTES"])
    # Read one byte past the limit: enough to know the file is too large, never more.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(_("The file is larger than %(s)s.", s=size_label(limit)), status=413)
    if not data:
        raise UploadError(_("The file is empty."))
    content_type, signatures = SIGNATURES.get(extension, ("application/octet-stream", ()))
    if signatures and not _looks_like(extension, data, signatures):
        raise UploadError(
            _("The file's content does not match its %(t)s extension.", t=extension.upper())
        )
    attachment = Attachment(
        course_id=course.id,
        name=_free_name(course, name),
        content_type=content_type,
        size=len(data),
        sha256=storage.save(data),
        uploaded_by=_actor(),
    )
    db.session.add(attachment)
    db.session.flush()
    record("attachment.upload", "course", course.id, after={"name": attachment.name})
    return attachment


def _looks_like(extension: str, data: bytes, signatures: tuple[bytes, ...]) -> bool:
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data.startswith(signatures)


def _free_name(course: Course, name: str) -> str:
    """`name`, or `name-2`, `name-3`…: an existing file is never replaced, because published
    versions (which classes use) link to it.
    """
    taken = set(
        db.session.scalars(select(Attachment.name).where(Attachment.course_id == course.id))
    )
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{ext}"
    return candidate


def allowed_extensions() -> list[str]:
    return sorted({e.lower().lstrip(".") for e in current_app.config["LMS_UPLOAD_EXTENSIONS"]})


def size_limit_label() -> str:
    return size_label(int(current_app.config["LMS_UPLOAD_MAX_BYTES"]))


def size_label(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _actor() -> str:
    if has_request_context() and current_user.is_authenticated:
        return str(current_user.get_id())
    return ""


def course_attachments(course: Course) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.course_id == course.id).order_by(Attachment.name)
        )
    )


def attachment_snippet(attachment: Attachment) -> str:
    """The Markdown a trainer pastes into a module: an image, or a link for other files."""
    label = attachment.name.rpartition(".")[0] or attachment.name
    if attachment.content_type.startswith("image/"):
        return f"![{label}](assets/{attachment.name})"
    return f"[{label}](assets/{attachment.name})"


def versions_linking(attachment: Attachment) -> list[int]:
    """Numbers of the published or archived versions whose modules link to the file."""
    link = f"assets/{attachment.name}"
    return list(
        db.session.scalars(
            select(CourseVersion.number)
            .join(Module, Module.version_id == CourseVersion.id)
            .where(
                CourseVersion.course_id == attachment.course_id,
                CourseVersion.status != VersionStatus.DRAFT,
                Module.body.contains(link, autoescape=True),
            )
            .distinct()
            .order_by(CourseVersion.number)
        )
    )


def delete_attachment(attachment: Attachment) -> None:
    """Delete a file no published version links to (the stored bytes stay: they are shared)."""
    used = versions_linking(attachment)
    if used:
        raise ServiceError(
            _(
                "%(f)s cannot be deleted: version %(v)s links to it.",
                f=attachment.name,
                v=", ".join(str(n) for n in used),
            )
        )
    db.session.delete(attachment)
    db.session.flush()
    record("attachment.delete", "course", attachment.course_id, before={"name": attachment.name})


def find_attachment(course: Course, name: str) -> Attachment | None:
    return db.session.scalar(
        select(Attachment).where(Attachment.course_id == course.id, Attachment.name == name)
    )


def attachment_response(attachment: Attachment) -> Response:
    """The stored file with its type; images and PDFs inline, anything else as a download."""
    path = storage.path_of(attachment.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=attachment.content_type, conditional=True, etag=attachment.sha256
    )
    inline = attachment.content_type in INLINE_TYPES
    response.headers["Content-Disposition"] = content_disposition(attachment.name, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


def content_disposition(name: str, inline: bool) -> str:
    """RFC 6266 header with an ASCII fallback and the exact name as RFC 5987 `filename*`."""
    fallback = secure_filename(fold(name)) or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
