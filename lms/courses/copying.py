"""Copying a course: a trainer starts from shipped material, or from another unit's course, with a
course of their own whose draft holds the source's current published version. The source and the
classes that use it are untouched; the copy shares no row with it.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.models import Unit
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.copies import COPY_SUFFIX, copy_slug, copy_title
from lms.courses import storage
from lms.courses.editing import ASSET_LINK, add_course, require_free_slug
from lms.courses.models import Attachment, Course, CourseVersion, VersionStatus
from lms.courses.services import version_as_source, version_from_source, version_search_text

SLUG_LIMIT = Course.slug.type.length
TITLE_LIMIT = CourseVersion.title.type.length


@dataclass
class CopyPlan:
    """What copying a course takes: its current published version and the files it links to."""

    version: CourseVersion
    attachments: list[Attachment]


def suggested_names(version: CourseVersion) -> tuple[str, str]:
    """The short name and title a copy of `version` is offered: free, and within bounds."""
    taken = db.session.scalars(
        select(Course.slug).where(Course.slug.contains(COPY_SUFFIX, autoescape=True))
    )
    return (
        copy_slug(version.course.slug, set(taken), SLUG_LIMIT),
        copy_title(version.title, TITLE_LIMIT),
    )


def plan_copy(version: CourseVersion) -> CopyPlan:
    """The copy of a published `version`: its modules, and the course files they link to."""
    names = {name for module in version.modules for name in ASSET_LINK.findall(module.body)}
    attachments = db.session.scalars(
        select(Attachment)
        .where(Attachment.course_id == version.course_id, Attachment.name.in_(names))
        .order_by(Attachment.name)
    )
    return CopyPlan(version, list(attachments))


def copy_course(plan: CopyPlan, slug: str, title: str, owner_unit: Unit) -> CourseVersion:
    """A new course owned by `owner_unit` whose draft version 1 holds the planned version's
    details, modules (bodies, law citations and review dates) and linked files.

    Everything is checked before anything is written, so a refusal leaves nothing behind.
    """
    source = plan.version
    if source.status != VersionStatus.PUBLISHED:
        raise ServiceError(_("Only a published version can be copied."))
    require_free_slug(slug)
    missing = [a.name for a in plan.attachments if not storage.path_of(a.sha256).is_file()]
    if missing:
        raise ServiceError(
            _("These files of the course are missing from storage: %(f)s.", f=", ".join(missing))
        )
    course = add_course(slug, owner_unit)
    draft = version_from_source(
        version_as_source(source), course=course, number=1, status=VersionStatus.DRAFT
    )
    draft.title = title.strip()
    draft.search_text = version_search_text(draft.title, draft.summary)
    db.session.add(draft)
    db.session.flush()
    # The stored bytes are content-addressed and never deleted, so the copy's rows own the same
    # file safely: deleting or replacing one course's file leaves the other's.
    db.session.add_all(
        Attachment(
            course_id=course.id,
            name=a.name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_by=a.uploaded_by,
        )
        for a in plan.attachments
    )
    db.session.flush()
    record(
        "course.copy",
        "course",
        course.id,
        before={"course": source.course.slug, "version": source.number},
        after={
            "slug": slug,
            "unit": owner_unit.code,
            "modules": len(draft.modules),
            "files": [a.name for a in plan.attachments],
        },
    )
    return draft
