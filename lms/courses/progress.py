"""The learner's side of courses: a published course, classes open for self-enrolment, a learner's
classes with their progress and resume points, and module completion (recorded once).

Every function runs a fixed number of queries, however many courses, modules or classes there
are: pages built on them stay bounded (the tests count).
"""

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Select, String, bindparam, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, load_only, selectinload

from lms import db, signals
from lms.accounts.models import LearnerProfile
from lms.classes.enrolment import enrolment_window_open, window_not_over_clause
from lms.classes.models import (
    ClassTrainer,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    TrainingClass,
)
from lms.courses.models import Course, CourseVersion, Module, VersionStatus
from lms.courses.services import published_versions_query
from lms.db import utcnow

#: Module columns an outline shows; the body is only loaded for the module being read.
OUTLINE_COLUMNS = (
    Module.id,
    Module.version_id,
    Module.position,
    Module.title,
    Module.minutes,
    Module.required,
    Module.quiz_slug,
)

#: Course version columns no learner's class page shows (the catalogue's texts, JSON lists and
#: search text): left out of the queries those pages run on every request. Read anyway, each
#: loads on first use (one query), so leaving one out costs speed, never correctness.
VERSION_CATALOGUE_COLUMNS = (
    CourseVersion.summary,
    CourseVersion.audience,
    CourseVersion.objectives,
    CourseVersion.sources,
    CourseVersion.content_hash,
    CourseVersion.search_text,
)


def catalogue_columns_deferred() -> list:
    """Loader options leaving `VERSION_CATALOGUE_COLUMNS` out (below a version's load path)."""
    return [defer(column) for column in VERSION_CATALOGUE_COLUMNS]


# --- published courses --------------------------------------------------------------------------


def published_course(slug: str) -> CourseVersion | None:
    """The current published version of the course `slug`, its module outline loaded."""
    query = published_versions_query().options(
        selectinload(CourseVersion.modules).load_only(*OUTLINE_COLUMNS)
    )
    return db.session.scalar(query.join(Course).where(Course.slug == slug))


@dataclass
class SelfEnrolOffers:
    """Classes of a course a person may join on their own: open now, or opening later."""

    open_now: list[TrainingClass]
    #: Classes whose enrolment window opens after today (shown with the date, no button).
    upcoming: list[TrainingClass]


def self_enrol_offers(course_id: int, profile: LearnerProfile, on: date) -> SelfEnrolOffers:
    """Classes of this course the person may enrol in themselves on `on`, or later.

    Self-enrolment must be on, the class not ended, the window not closed, and the person's unit
    inside the class's self-enrolment unit (the organizer unit when none is named). A class is
    open now by the rule the enrolment itself checks (`enrolment_window_open`). Classes the
    person is already enrolled in are left out; full classes stay in (the page says they are
    full).
    """
    if profile.unit is None:
        return SelfEnrolOffers([], [])
    ancestors = [int(part) for part in profile.unit.path.strip("/").split("/") if part]
    already = select(Enrolment.class_id).where(
        Enrolment.user_id == profile.user_id, Enrolment.status == EnrolmentStatus.ENROLLED
    )
    query = (
        select(TrainingClass)
        .join(CourseVersion, TrainingClass.course_version_id == CourseVersion.id)
        .where(
            CourseVersion.course_id == course_id,
            TrainingClass.self_enrol.is_(True),
            window_not_over_clause(on),
            func.coalesce(TrainingClass.self_enrol_unit_id, TrainingClass.unit_id).in_(ancestors),
            TrainingClass.id.not_in(already),
        )
        .order_by(TrainingClass.starts_on, TrainingClass.code)
    )
    offers = SelfEnrolOffers([], [])
    for training_class in db.session.scalars(query):
        if enrolment_window_open(training_class, on):
            offers.open_now.append(training_class)
        else:
            offers.upcoming.append(training_class)
    return offers


# --- enrolments and progress --------------------------------------------------------------------


def find_enrolment(class_id: int, user_id: str) -> Enrolment | None:
    """The person's current (enrolled, not withdrawn) place in the class."""
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.class_id == class_id,
            Enrolment.user_id == user_id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )


def teaches(class_id: int, user_id: str) -> bool:
    return (
        db.session.scalar(
            select(ClassTrainer.id).where(
                ClassTrainer.class_id == class_id, ClassTrainer.user_id == user_id
            )
        )
        is not None
    )


@dataclass
class ModuleState:
    """One line of a class outline: a module and whether this learner has finished it."""

    module: Module
    done: bool


@dataclass
class ClassProgress:
    """A class seen by one learner (or by a trainer previewing it, with no enrolment)."""

    training_class: TrainingClass
    enrolment: Enrolment | None
    modules: list[ModuleState]

    @property
    def required_total(self) -> int:
        return sum(1 for state in self.modules if state.module.required)

    @property
    def required_done(self) -> int:
        return sum(1 for state in self.modules if state.module.required and state.done)

    @property
    def percent(self) -> int:
        """Done over required, to the nearest percent (1 of 6 is 17%, not 16%); never 0% once
        something is done, never 100% before everything is."""
        if not self.required_total:
            return 100 if self.modules else 0
        done, total = self.required_done, self.required_total
        nearest = (done * 200 + total) // (2 * total)  # half up, in whole numbers
        if done and nearest == 0:
            return 1
        return 99 if done < total and nearest == 100 else nearest

    @property
    def finished(self) -> bool:
        return bool(self.modules) and self.required_done == self.required_total

    @property
    def resume_position(self) -> int | None:
        """Where "resume" goes: the last module opened, else the first one not done yet."""
        if not self.modules:
            return None
        last_id = self.enrolment.last_module_id if self.enrolment else None
        for state in self.modules:
            if state.module.id == last_id:
                return state.module.position
        for state in self.modules:
            if not state.done:
                return state.module.position
        return self.modules[0].module.position


def outlines(version_ids: list[int]) -> dict[int, list[Module]]:
    """Module outlines (no bodies) of several course versions, in one query."""
    result: dict[int, list[Module]] = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return result
    modules = db.session.scalars(
        select(Module)
        .options(load_only(*OUTLINE_COLUMNS))
        .where(Module.version_id.in_(version_ids))
        .order_by(Module.version_id, Module.position)
    )
    for module in modules:
        result[module.version_id].append(module)
    return result


def completed_module_ids(enrolment_ids: list[int]) -> dict[int, set[int]]:
    """The modules each enrolment has finished, in one query."""
    result: dict[int, set[int]] = {enrolment_id: set() for enrolment_id in enrolment_ids}
    if not enrolment_ids:
        return result
    rows = db.session.execute(
        select(ModuleCompletion.enrolment_id, ModuleCompletion.module_id).where(
            ModuleCompletion.enrolment_id.in_(enrolment_ids)
        )
    )
    for enrolment_id, module_id in rows:
        result[enrolment_id].add(module_id)
    return result


@dataclass(frozen=True)
class ModuleView:
    """A module of a published course version as plain data, safe to share between requests."""

    id: int
    version_id: int
    position: int
    slug: str
    title: str
    minutes: int
    required: bool
    quiz_slug: str | None
    body: str
    reviewed: date | None


#: Modules of published (or archived) course versions, which never change: a change is a new
#: version (see `services.load_source`, `editing.publish`). Keyed by the database, the version
#: and its publication time, so a new version or another database never meets a stale entry and
#: a publish is visible at once. Course content only, nothing of any learner.
_PUBLISHED_MODULES: dict[tuple, tuple[ModuleView, ...]] = {}
#: Entries kept before the memo starts over (a few hundred course versions at most in practice).
PUBLISHED_MODULES_MAX = 256


def _module_view(m: Module) -> ModuleView:
    return ModuleView(
        m.id,
        m.version_id,
        m.position,
        m.slug,
        m.title,
        m.minutes,
        m.required,
        m.quiz_slug,
        m.body,
        m.reviewed,
    )


def version_modules(version_id: int, key: tuple | None) -> tuple[ModuleView, ...]:
    """All modules of a course version, in order; from the memo when `key` (a published
    version's, see `version_cache_key`) is given, else straight from the database."""
    return versions_modules({version_id: key})[version_id]


def versions_modules(keys: dict[int, tuple | None]) -> dict[int, tuple[ModuleView, ...]]:
    """All modules of several course versions (version id: its memo key, see `version_modules`),
    in order: the memo's where it has them, the others in one query, however many."""
    found = {vid: _PUBLISHED_MODULES[key] for vid, key in keys.items() if key in _PUBLISHED_MODULES}
    missing = [vid for vid in keys if vid not in found]
    if not missing:
        return found
    loaded: dict[int, list[ModuleView]] = {vid: [] for vid in missing}
    for m in db.session.scalars(_modules_statement(), {"version_ids": missing}):
        loaded[m.version_id].append(_module_view(m))
    for vid, views in loaded.items():
        found[vid] = modules = tuple(views)
        key = keys[vid]
        if key is not None:
            if len(_PUBLISHED_MODULES) >= PUBLISHED_MODULES_MAX:
                _PUBLISHED_MODULES.clear()
            _PUBLISHED_MODULES[key] = modules
    return found


@functools.cache
def _modules_statement() -> Select:
    return (
        select(Module)
        .where(Module.version_id.in_(bindparam("version_ids", expanding=True)))
        .order_by(Module.version_id, Module.position)
    )


def version_cache_key(version_id: int, status: str, published_at) -> tuple | None:
    """The memo key of a course version's modules; None for a draft, which may still change."""
    if status == VersionStatus.DRAFT or published_at is None:
        return None
    return (_database_name(db.session.get_bind()), version_id, published_at)


@functools.lru_cache(maxsize=16)
def _database_name(engine) -> str:
    """The engine's URL as text, rendered once per engine (an app has one or two): rendering
    it on every call was a visible part of the class page's own Python."""
    return str(engine.url)


def class_progress(
    training_class: TrainingClass,
    enrolment: Enrolment | None,
    modules=None,
    done: frozenset[int] | None = None,
) -> ClassProgress:
    """One class's outline with this learner's done marks (two queries; none for what the
    caller gives: the version's `modules`, the ids of the modules `done`)."""
    if modules is None:
        modules = outlines([training_class.course_version_id])[training_class.course_version_id]
    if done is None:
        done = completed_module_ids([enrolment.id])[enrolment.id] if enrolment else frozenset()
    return ClassProgress(training_class, enrolment, [ModuleState(m, m.id in done) for m in modules])


@functools.cache
def _my_classes_statement() -> Select:
    """`my_classes`' statement, built once (the home page runs it on every request): the
    person's enrolments, each with its class, version and unit (joined by the relationships)
    and the ids of the modules it has finished, folded in as a subquery."""
    finished = (
        select(func.aggregate_strings(cast(ModuleCompletion.module_id, String), ","))
        .where(ModuleCompletion.enrolment_id == Enrolment.id)
        .scalar_subquery()
    )
    return (
        select(Enrolment, finished)
        .options(
            joinedload(Enrolment.training_class)
            .joinedload(TrainingClass.course_version)
            .options(*catalogue_columns_deferred())
        )
        .where(
            Enrolment.user_id == bindparam("user_id"),
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
    )


def my_classes(user_id: str) -> list[ClassProgress]:
    """Every class the person is enrolled in, newest first, with progress: one query, and one
    more for the outlines of course versions the memo does not hold (drafts, a first visit)."""
    rows = db.session.execute(_my_classes_statement(), {"user_id": user_id}).all()
    versions = {e.training_class.course_version for e, _done in rows}
    outlines_by_version = versions_modules(
        {v.id: version_cache_key(v.id, v.status, v.published_at) for v in versions}
    )
    result = []
    for enrolment, finished in rows:
        done = {int(i) for i in (finished or "").split(",") if i}
        modules = outlines_by_version[enrolment.training_class.course_version_id]
        states = [ModuleState(module, module.id in done) for module in modules]
        result.append(ClassProgress(enrolment.training_class, enrolment, states))
    return result


def enrolments_in_course(course_id: int, user_id: str) -> list[Enrolment]:
    """The person's current places in classes of any version of this course."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(TrainingClass, Enrolment.class_id == TrainingClass.id)
            .join(CourseVersion, TrainingClass.course_version_id == CourseVersion.id)
            .where(
                CourseVersion.course_id == course_id,
                Enrolment.user_id == user_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .order_by(Enrolment.enrolled_at.desc())
        )
    )


# --- reading and completing ---------------------------------------------------------------------


def find_module(version_id: int, position: int) -> Module | None:
    return db.session.scalar(
        select(Module).where(Module.version_id == version_id, Module.position == position)
    )


def next_position(version_id: int, position: int) -> int | None:
    """The position of the module after `position` (positions may have gaps after edits)."""
    return db.session.scalar(
        select(Module.position)
        .where(Module.version_id == version_id, Module.position > position)
        .order_by(Module.position)
        .limit(1)
    )


#: How old "last activity" may grow while a learner stays on one module before a view writes it
#: again. The roster shows it to the minute; writing on every reload would make each read of the
#: most-read page a write (on SQLite, a turn at the database's one write lock).
VISIT_TOUCH_INTERVAL = timedelta(minutes=5)


def record_visit(enrolment: Enrolment, module: Module) -> None:
    """Remember where the learner is, for "resume" and the roster's last activity."""
    now = utcnow()
    last = enrolment.last_activity_at
    if enrolment.last_module_id == module.id and last and now - last < VISIT_TOUCH_INTERVAL:
        return
    enrolment.last_module_id = module.id
    enrolment.last_activity_at = now


def completes_by_reading(module: Module) -> bool:
    """A module with a quiz completes when the quiz is passed, not by reading to the end."""
    return not module.quiz_slug


def is_completed(enrolment: Enrolment, module: Module) -> bool:
    return (
        db.session.scalar(
            select(ModuleCompletion.id).where(
                ModuleCompletion.enrolment_id == enrolment.id,
                ModuleCompletion.module_id == module.id,
            )
        )
        is not None
    )


def complete_module(enrolment: Enrolment, module: Module) -> bool:
    """Record that the learner finished `module`; False when it was recorded already.

    Two tabs or a double click may send this at once: the unique constraint decides, and the
    loser's insert is undone in its savepoint without touching the rest of the request.
    """
    # Writing the enrolment first takes its row lock, so on PostgreSQL a second tab waits here
    # and then finds the completion recorded.
    enrolment.last_activity_at = utcnow()
    db.session.flush()
    if is_completed(enrolment, module):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ModuleCompletion(enrolment_id=enrolment.id, module_id=module.id))
    except IntegrityError:
        return False
    signals.module_completed.send(
        current_app._get_current_object(),
        class_id=enrolment.class_id,
        user_id=enrolment.user_id,
        module_id=module.id,
    )
    return True
