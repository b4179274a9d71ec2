"""Course content in the database: loading content folders as versions, exporting them back,
and the queries other areas use to find published courses.
"""

import dataclasses
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms import db
from lms.audit.services import record
from lms.content.model import CourseSource, ModuleSource
from lms.content.writer import write_course
from lms.courses import storage
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.courses.search.index import index_version
from lms.db import utcnow
from lms.text import fold


def source_hash(source: CourseSource) -> str:
    """The content hash without the version number, which the database assigns itself."""
    return dataclasses.replace(source, version=0).content_hash


def find_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def latest_version(course: Course, published_only: bool = False) -> CourseVersion | None:
    query = select(CourseVersion).where(CourseVersion.course_id == course.id)
    if published_only:
        query = query.where(CourseVersion.status != VersionStatus.DRAFT)
    return db.session.scalar(query.order_by(CourseVersion.number.desc()).limit(1))


def current_version(course: Course) -> CourseVersion | None:
    """The published version new classes use (the newest that is published)."""
    return db.session.scalar(
        select(CourseVersion)
        .where(
            CourseVersion.course_id == course.id, CourseVersion.status == VersionStatus.PUBLISHED
        )
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def version_search_text(title: str, summary: str) -> str:
    return fold(f"{title} {summary}")


@dataclass
class LoadResult:
    slug: str
    #: "created", "updated" (a new version) or "unchanged".
    outcome: str
    version: int


def load_source(source: CourseSource, actor_id: str = "") -> LoadResult:
    """Upsert a course read from a folder: a changed course gets a new published version; the
    versions classes already use are archived, never edited, so learners keep their progress.
    """
    course = find_course(source.slug)
    outcome = "updated"
    if course is None:
        course = Course(slug=source.slug)
        db.session.add(course)
        db.session.flush()
        outcome = "created"
    digest = source_hash(source)
    latest = latest_version(course)
    if latest is not None and latest.content_hash == digest:
        return LoadResult(source.slug, "unchanged", latest.number)
    _store_assets(course, source, actor_id)
    number = max(source.version, (latest.number + 1) if latest else 1)
    for older in course.versions:
        if older.status == VersionStatus.PUBLISHED:
            older.status = VersionStatus.ARCHIVED
    version = version_from_source(
        source,
        course=course,
        number=number,
        status=VersionStatus.PUBLISHED,
        content_hash=digest,
        published_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    index_version(version)
    record(
        "course.load",
        "course",
        course.id,
        after={"slug": course.slug, "version": number},
        actor_id=actor_id,
    )
    return LoadResult(source.slug, outcome, number)


def version_from_source(source: CourseSource, **fields) -> CourseVersion:
    """A new version holding `source`'s details and modules; `fields` sets the rest (course,
    number, status, ...). Loading a folder and starting a draft both build versions here.
    """
    return CourseVersion(
        title=source.title,
        summary=source.summary,
        topic=source.topic,
        hours=source.hours,
        audience=source.audience,
        objectives=list(source.objectives),
        sources=list(source.sources),
        quiz_slug=source.quiz,
        pass_mark=source.pass_mark,
        search_text=version_search_text(source.title, source.summary),
        modules=[
            Module(
                position=m.position,
                slug=m.filename.removesuffix(".md"),
                title=m.title,
                minutes=m.minutes,
                required=m.required,
                quiz_slug=m.quiz,
                body=m.body,
                reviewed=m.reviewed,
            )
            for m in source.modules
        ],
        **fields,
    )


def _store_assets(course: Course, source: CourseSource, actor_id: str) -> None:
    names = {asset.as_posix() for module in source.modules for asset in module.assets}
    existing = {
        a.name: a
        for a in db.session.scalars(select(Attachment).where(Attachment.course_id == course.id))
    }
    for relative in sorted(names):
        data = (source.path / relative).read_bytes()
        name = relative.removeprefix("assets/")
        digest = storage.save(data)
        attachment = existing.get(name)
        if attachment is None:
            attachment = Attachment(course_id=course.id, name=name, uploaded_by=actor_id)
            db.session.add(attachment)
        attachment.sha256, attachment.size = digest, len(data)
        attachment.content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"


def version_as_source(version: CourseVersion, folder: Path | None = None) -> CourseSource:
    """A version as plain content, its attachments copied into `folder/assets/`; without a
    folder, the text alone (no assets), which is all a copy of the version needs.
    """
    attachments = (
        list(
            db.session.scalars(select(Attachment).where(Attachment.course_id == version.course_id))
        )
        if folder is not None
        else []
    )
    for attachment in attachments:
        target = folder / "assets" / attachment.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(storage.path_of(attachment.sha256).read_bytes())
    modules = [
        ModuleSource(
            filename=f"{m.slug}.md",
            position=m.position,
            title=m.title,
            minutes=m.minutes,
            required=m.required,
            quiz=m.quiz_slug,
            body=m.body,
            assets=[Path("assets", a.name) for a in attachments if f"assets/{a.name}" in m.body],
            reviewed=m.reviewed,
        )
        for m in version.modules
    ]
    return CourseSource(
        slug=version.course.slug,
        title=version.title,
        summary=version.summary,
        topic=version.topic,
        hours=version.hours,
        version=version.number,
        audience=version.audience,
        objectives=list(version.objectives),
        modules=modules,
        quiz=version.quiz_slug,
        pass_mark=version.pass_mark,
        path=folder or Path(),
        sources=list(version.sources or []),
    )


def export_course(course: Course, folder: Path) -> Path:
    """Write the course's newest published version back to the content-folder format."""
    version = latest_version(course, published_only=True)
    if version is None:
        raise LookupError(course.slug)
    folder.mkdir(parents=True, exist_ok=True)
    return write_course(version_as_source(version, folder), folder)


def published_versions_query():
    """Select the current published version of every course (for the catalog), modules loaded."""
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
        .where(CourseVersion.status == VersionStatus.PUBLISHED)
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    return (
        select(CourseVersion)
        .join(
            newest,
            (CourseVersion.course_id == newest.c.course_id)
            & (CourseVersion.number == newest.c.number),
        )
        .options(selectinload(CourseVersion.modules), selectinload(CourseVersion.course))
    )
