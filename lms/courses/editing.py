"""Authoring services: who may edit a course, the trainer's list, drafts, publishing, modules.

Published versions never change: every edit lands in the course's one draft version, which a
trainer starts by copying the newest published version and publishes when it is complete.
"""

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import can, in_scope_clause, roles_held
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import TrainingClass
from lms.content.fields import SLUG
from lms.content.loader import MIN_BODY_WORDS
from lms.content.model import MINUTES_PER_PERIOD
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.courses.search.index import index_version
from lms.courses.services import (
    find_course,
    source_hash,
    version_as_source,
    version_from_source,
    version_search_text,
)
from lms.db import utcnow
from lms.text import fold, vi_sort_key

#: Module file names are `NN-name.md`: two digits, so a course holds at most 99 modules.
MAX_MODULES = 99
ASSET_LINK = re.compile(r"assets/([\w.\-]+)")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_NUMBER_PREFIX = re.compile(r"^\d+-")


# --- who may edit ----------------------------------------------------------------------------


def can_edit(course: Course, need: str = Role.TRAINER) -> bool:
    """Trainers edit courses of their subtrees; shipped courses (no owner) belong to trainers of
    a whole tree (a top-level unit) and to admins.
    """
    if course.owner_unit_id is None:
        return can(need, None) or Role.ADMIN in roles_held()
    return can(need, db.session.get(Unit, course.owner_unit_id))


def editable_clause(need: str = Role.TRAINER):
    """SQL condition on `Course`: the signed-in user may edit it (the same rule as `can_edit`)."""
    clause = in_scope_clause(Course.owner_unit_id, need)
    if Role.ADMIN in roles_held():
        clause = or_(clause, Course.owner_unit_id.is_(None))
    return clause


def get_course_or_404(course_id: int, need: str = Role.TRAINER) -> Course:
    """Load a course, then check the user may edit it (404 when missing, 403 when not)."""
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    if not can_edit(course, need):
        abort(403)
    return course


def get_version_or_404(course: Course, number: int) -> CourseVersion:
    version = db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course.id, CourseVersion.number == number)
        .options(selectinload(CourseVersion.modules))
    )
    if version is None:
        abort(404)
    return version


def get_module_or_404(version: CourseVersion, position: int) -> Module:
    module = next((m for m in version.modules if m.position == position), None)
    if module is None:
        abort(404)
    return module


# --- the trainer's list of courses -----------------------------------------------------------


@dataclass
class ClassUse:
    code: str
    name: str


@dataclass
class CourseRow:
    """A course as the trainer's list shows it: current version, draft, classes per version."""

    course: Course
    current: CourseVersion | None
    draft: CourseVersion | None
    #: version number → classes that use it.
    classes: dict[int, list[ClassUse]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        shown = self.draft or self.current or self.course.versions[-1]
        return shown.title


def course_rows(need: str = Role.TRAINER) -> list[CourseRow]:
    """Every course the user may edit, in Vietnamese title order (three queries, however many)."""
    courses = db.session.scalars(
        select(Course).where(editable_clause(need)).options(selectinload(Course.versions))
    ).all()
    uses = classes_by_version([course.id for course in courses])
    rows = []
    for course in courses:
        row = CourseRow(course, current_of(course), draft_of(course))
        row.classes = {v.number: uses[v.id] for v in course.versions if v.id in uses}
        rows.append(row)
    return sorted(rows, key=lambda row: vi_sort_key(row.title))


def classes_by_version(course_ids: list[int]) -> dict[int, list[ClassUse]]:
    """The classes (code, name) of the given courses, per course-version id, by code."""
    if not course_ids:
        return {}
    found: dict[int, list[ClassUse]] = {}
    rows = db.session.execute(
        select(TrainingClass.course_version_id, TrainingClass.code, TrainingClass.name)
        .join(CourseVersion, CourseVersion.id == TrainingClass.course_version_id)
        .where(CourseVersion.course_id.in_(course_ids))
        .order_by(TrainingClass.code)
    )
    for version_id, code, name in rows:
        found.setdefault(version_id, []).append(ClassUse(code, name))
    return found


def draft_of(course: Course) -> CourseVersion | None:
    return next((v for v in course.versions if v.status == VersionStatus.DRAFT), None)


def current_of(course: Course) -> CourseVersion | None:
    published = [v for v in course.versions if v.status == VersionStatus.PUBLISHED]
    return published[-1] if published else None


# --- courses and versions --------------------------------------------------------------------


@dataclass
class CourseDetails:
    """What a trainer writes about a course (course.yaml without slug, hours and modules)."""

    title: str
    summary: str
    topic: str
    audience: str
    objectives: list[str]
    pass_mark: int
    quiz_slug: str | None
    #: Numbers of the legal documents the course relies on.
    sources: list[str] = field(default_factory=list)


def create_course(slug: str, details: CourseDetails, owner_unit: Unit) -> CourseVersion:
    """A new course owned by `owner_unit`, with an empty draft version 1."""
    require_free_slug(slug)
    course = add_course(slug, owner_unit)
    version = CourseVersion(course=course, number=1, status=VersionStatus.DRAFT, title="")
    _apply_details(version, details)
    db.session.add(version)
    db.session.flush()
    record("course.create", "course", course.id, after={"slug": slug, "unit": owner_unit.code})
    return version


def add_course(slug: str, owner_unit: Unit) -> Course:
    """Write a new course row under `slug`, already checked free by `require_free_slug`.

    Two trainers may pick the same name at the same moment: the unique constraint decides, and
    the loser's insert is undone in its savepoint and told the name is taken, not shown a 500.
    """
    course = Course(slug=slug, owner_unit_id=owner_unit.id)
    try:
        with db.session.begin_nested():
            db.session.add(course)
    except IntegrityError:
        raise ServiceError(_("The short name %(s)s is taken.", s=slug)) from None
    return course


def require_free_slug(slug: str) -> None:
    """Refuse a short name that is malformed or already names a course."""
    if not SLUG.fullmatch(slug):
        raise ServiceError(_("Write the short name in lowercase letters, digits and dashes."))
    if find_course(slug) is not None:
        raise ServiceError(_("The short name %(s)s is taken.", s=slug))


def update_details(version: CourseVersion, details: CourseDetails) -> None:
    _require_draft(version)
    _apply_details(version, details)
    db.session.flush()


def _apply_details(version: CourseVersion, details: CourseDetails) -> None:
    version.title = details.title.strip()
    version.summary = details.summary.strip()
    version.topic = details.topic
    version.audience = details.audience.strip()
    version.objectives = [line.strip() for line in details.objectives if line.strip()]
    version.sources = [number.strip() for number in details.sources if number.strip()]
    version.pass_mark = details.pass_mark
    version.quiz_slug = details.quiz_slug or None
    version.search_text = version_search_text(version.title, version.summary)


def _require_draft(version: CourseVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ServiceError(_("A published version cannot change; start a new draft to edit."))


def start_draft(course: Course) -> CourseVersion:
    """The course's draft; when there is none, a copy of the newest version, numbered after it."""
    existing = draft_of(course)
    if existing is not None:
        return existing
    newest = course.versions[-1]
    draft = version_from_source(
        version_as_source(newest),
        course=course,
        number=newest.number + 1,
        status=VersionStatus.DRAFT,
    )
    db.session.add(draft)
    db.session.flush()
    record("course.draft", "course", course.id, after={"version": draft.number})
    return draft


def publish_problems(version: CourseVersion) -> list[str]:
    """Why the draft cannot be published yet (empty when it can)."""
    problems = []
    if not all([version.title, version.summary, version.audience, version.objectives]):
        problems.append(_("Fill in the course details: title, summary, audience and objectives."))
    if not version.modules:
        return [*problems, _("Add at least one module before publishing.")]
    names = set(
        db.session.scalars(select(Attachment.name).where(Attachment.course_id == version.course_id))
    )
    for m in version.modules:
        words = len(re.findall(r"\w+", m.body))
        if words < MIN_BODY_WORDS:
            problems.append(
                _(
                    "Module %(n)s (%(t)s) has %(w)s words; a module needs at least %(m)s.",
                    n=m.position,
                    t=m.title,
                    w=words,
                    m=MIN_BODY_WORDS,
                )
            )
        for name in sorted(set(ASSET_LINK.findall(m.body)) - names):
            problems.append(
                _(
                    "Module %(n)s links to assets/%(f)s, which is not uploaded.",
                    n=m.position,
                    f=name,
                )
            )
    over = version.minutes % MINUTES_PER_PERIOD
    if over:
        problems.append(
            _(
                "The modules add up to %(m)s minutes: a course lasts whole periods of 45 minutes, "
                "so add %(a)s minutes or remove %(r)s.",
                m=version.minutes,
                a=MINUTES_PER_PERIOD - over,
                r=over,
            )
        )
    return problems


def publish(version: CourseVersion) -> CourseVersion:
    """Publish the draft: new classes get it; the version it replaces is archived, and classes
    already using that one keep it.
    """
    _require_draft(version)
    problems = publish_problems(version)
    if problems:
        raise ServiceError(" ".join(problems))
    replaced = [
        v
        for v in version.course.versions
        if v.status == VersionStatus.PUBLISHED and v.id != version.id
    ]
    for older in replaced:
        older.status = VersionStatus.ARCHIVED
    version.hours = version.minutes // MINUTES_PER_PERIOD
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    with tempfile.TemporaryDirectory() as folder:
        # The same hash `lms content load` computes: loading this course's export adds nothing.
        version.content_hash = source_hash(version_as_source(version, Path(folder)))
    db.session.flush()
    index_version(version)
    record(
        "course.publish",
        "course_version",
        version.id,
        before={"status": VersionStatus.DRAFT, "published": [v.number for v in replaced]},
        after={"status": VersionStatus.PUBLISHED, "number": version.number, "hours": version.hours},
    )
    return version


# --- modules ---------------------------------------------------------------------------------


@dataclass
class ModuleDetails:
    title: str
    minutes: int
    required: bool
    quiz_slug: str | None
    body: str
    #: When the trainer last checked the text against the law.
    reviewed: date | None = None


def add_module(version: CourseVersion, details: ModuleDetails) -> Module:
    """Append a module to the draft; its file-name slug comes from the title."""
    _require_draft(version)
    if len(version.modules) >= MAX_MODULES:
        raise ServiceError(_("A course has at most %(n)s modules.", n=MAX_MODULES))
    position = len(version.modules) + 1
    stem = _NON_SLUG.sub("-", fold(details.title)).strip("-")[:60].strip("-") or "module"
    module = Module(version=version, position=position, slug=stem)
    _apply_module(module, details)
    db.session.add(module)
    db.session.flush()
    _renumber(version)
    return module


def update_module(module: Module, details: ModuleDetails) -> None:
    _require_draft(module.version)
    _apply_module(module, details)
    db.session.flush()


def _apply_module(module: Module, details: ModuleDetails) -> None:
    module.title = details.title.strip()
    module.minutes = details.minutes
    module.required = details.required
    module.quiz_slug = details.quiz_slug or None
    module.reviewed = details.reviewed
    # Browsers send CRLF from a textarea; the content files use LF.
    module.body = details.body.replace("\r\n", "\n").strip()


def delete_module(module: Module) -> None:
    """Remove a module from the draft; the modules after it move up one place."""
    version = module.version
    _require_draft(version)
    later = [m for m in version.modules if m.position > module.position]
    db.session.delete(module)
    db.session.flush()
    # One row at a time, in order, so (version, position) stays unique after every statement.
    for m in later:
        m.position -= 1
        db.session.flush()
    _renumber(version)


def move_module(module: Module, step: int) -> None:
    """Swap a draft module with its neighbour above (step -1) or below (step +1)."""
    version = module.version
    _require_draft(version)
    target = module.position + step
    other = next((m for m in version.modules if m.position == target), None)
    if other is None:
        return
    # A temporary place no module holds (ids are positive) frees the moving module's place
    # without breaking the unique (version, position) pair at any statement.
    old = module.position
    other.position = -other.id
    db.session.flush()
    module.position = target
    db.session.flush()
    other.position = old
    db.session.flush()
    _renumber(version)


def _renumber(version: CourseVersion) -> None:
    """Keep every slug's NN- prefix equal to its place, so exported files stay in order."""
    db.session.expire(version, ["modules"])
    for m in version.modules:
        m.slug = f"{m.position:02d}-{_NUMBER_PREFIX.sub('', m.slug, count=1)}"
    db.session.flush()
