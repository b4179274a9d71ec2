"""Classes and enrolment: open and edit classes, pick their trainers, enrol and withdraw learners
(every change leaves an EnrolmentEvent and an audit event), self-enrolment, and the counts pages
show. Services flush and never commit.

Who may act is passed in as `scope`: the top units of the actor's organizer subtrees (what
`permissions.scope_units("organizer")` returns), or None for the system and the command line.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lms import db
from lms.accounts.models import LearnerProfile, Role, RoleGrant, Unit
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import (
    ClassMode,
    ClassTrainer,
    Enrolment,
    EnrolmentEvent,
    EnrolmentSource,
    EnrolmentStatus,
    TrainingClass,
)
from lms.courses.models import CourseVersion, VersionStatus
from lms.db import utcnow
from lms.i18n import format_date, local_time

CLASS_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
ENROLLED, WITHDRAWN = EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN
#: How many ids go into one IN (...) list (SQLite allows a few thousand bound parameters).
CHUNK = 900

Scope = list[Unit] | None


def today() -> date:
    """Today in the LMS's time zone (enrolment windows are calendar dates there)."""
    return local_time(utcnow()).date()


def in_scope(unit: Unit | None, scope: Scope) -> bool:
    """True when `unit` lies in one of the `scope` subtrees (None means no restriction)."""
    if scope is None:
        return True
    if unit is None:
        # People not placed in a unit belong to whoever holds the role on a whole tree.
        return any(top.parent_id is None for top in scope)
    return any(top.contains(unit) for top in scope)


def organizer_scope(user_id: str) -> list[Unit]:
    """Top units where `user_id` holds the organizer (or admin) role, for callers outside a
    request; views use `permissions.scope_units` instead, which is cached per request.
    """
    grants = db.session.scalars(
        select(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.role.in_((Role.ORGANIZER, Role.ADMIN))
        )
    )
    return [grant.unit for grant in grants]


# --- classes ---------------------------------------------------------------------------------


class ClassInvalid(ServiceError):
    """A class form or command with problems: field name → translated message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass
class ClassData:
    """Everything an organizer sets on a class (from the form or the command line)."""

    code: str
    name: str
    course_version: CourseVersion | None
    unit: Unit | None
    mode: str = ClassMode.BLENDED
    starts_on: date | None = None
    ends_on: date | None = None
    location: str = ""
    capacity: int | None = None
    enrol_opens_on: date | None = None
    enrol_closes_on: date | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_issuer: str = ""
    self_enrol: bool = False
    self_enrol_unit: Unit | None = None
    description: str = ""
    trainer_ids: list[str] = field(default_factory=list)


#: Class attributes an edit may change, audited by name.
CLASS_FIELDS = (
    "code",
    "name",
    "course_version_id",
    "unit_id",
    "mode",
    "starts_on",
    "ends_on",
    "location",
    "capacity",
    "enrol_opens_on",
    "enrol_closes_on",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "self_enrol",
    "self_enrol_unit_id",
    "description",
)


#: Column sizes of the free-text fields (the command line has no form to check them).
TEXT_LIMITS = {"name": 255, "location": 255, "decision_number": 64, "decision_issuer": 255}


def find_class(code: str) -> TrainingClass | None:
    return db.session.scalar(
        select(TrainingClass).where(func.lower(TrainingClass.code) == code.strip().lower())
    )


def _problems(data: ClassData, current: TrainingClass | None, scope: Scope) -> dict[str, str]:
    """Every rule a class must meet, field by field (empty when all is well)."""
    problems: dict[str, str] = {}
    code = data.code.strip()
    if not CLASS_CODE_RE.match(code):
        problems["code"] = _("A class code has 1–32 letters, digits, dots, dashes or underscores.")
    else:
        holder = find_class(code)
        if holder is not None and holder is not current:
            problems["code"] = _("The class code %(c)s is taken.", c=code)
    if not data.name.strip():
        problems["name"] = _("The class name is required.")
    if data.mode not in set(ClassMode):
        problems["mode"] = _("Unknown class mode.")
    if data.unit is None:
        problems["unit"] = _("Choose the organizing unit.")
    elif not in_scope(data.unit, scope):
        problems["unit"] = _("You are not an organizer of %(u)s.", u=data.unit.name)
    elif data.unit.retired and (current is None or current.unit_id != data.unit.id):
        problems["unit"] = _("The unit %(u)s is retired.", u=data.unit.name)
    _check_version(data, current, problems)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems["ends_on"] = _("The class cannot end before it starts.")
    if data.enrol_opens_on and data.enrol_closes_on and data.enrol_closes_on < data.enrol_opens_on:
        problems["enrol_closes_on"] = _("Enrolment cannot close before it opens.")
    elif data.enrol_closes_on and data.ends_on and data.enrol_closes_on > data.ends_on:
        problems["enrol_closes_on"] = _("Enrolment must close by the day the class ends.")
    if data.capacity is not None:
        enrolled = enrolled_count(current) if current is not None else 0
        if data.capacity < 1:
            problems["capacity"] = _("The capacity is at least 1 (leave it empty for no limit).")
        elif data.capacity < enrolled:
            problems["capacity"] = _(
                "%(n)d learners are already enrolled; the capacity cannot be lower.", n=enrolled
            )
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name).strip()) > limit:
            problems.setdefault(name, _("At most %(n)d characters.", n=limit))
    if data.decision_date and not data.decision_number.strip():
        problems["decision_number"] = _("Give the decision number with its date.")
    if data.self_enrol_unit is not None and not in_scope(data.self_enrol_unit, scope):
        problems["self_enrol_unit"] = _(
            "You are not an organizer of %(u)s.", u=data.self_enrol_unit.name
        )
    bad_trainers = set(data.trainer_ids) - trainer_ids()
    if bad_trainers:
        problems["trainer_ids"] = _("Only people holding the trainer role can teach a class.")
    return problems


def _check_version(data: ClassData, current: TrainingClass | None, problems: dict) -> None:
    version = data.course_version
    if version is None:
        problems["course_version"] = _("Choose the course version.")
        return
    unchanged = current is not None and current.course_version_id == version.id
    if not unchanged and version.status != VersionStatus.PUBLISHED:
        problems["course_version"] = _("Only a published course version can be taught.")
    if current is not None and not unchanged and _has_enrolments(current):
        problems["course_version"] = _(
            "Learners are enrolled on this version; open a new class for the new version."
        )


def _has_enrolments(training_class: TrainingClass) -> bool:
    return (
        db.session.scalar(
            select(Enrolment.id).where(Enrolment.class_id == training_class.id).limit(1)
        )
        is not None
    )


def _apply(training_class: TrainingClass, data: ClassData) -> None:
    training_class.code = data.code.strip()
    training_class.name = " ".join(data.name.split())
    training_class.course_version_id = data.course_version.id
    training_class.course_version = data.course_version
    training_class.unit = data.unit
    training_class.unit_id = data.unit.id
    training_class.mode = data.mode
    training_class.starts_on, training_class.ends_on = data.starts_on, data.ends_on
    training_class.location = data.location.strip()
    training_class.capacity = data.capacity
    training_class.enrol_opens_on = data.enrol_opens_on
    training_class.enrol_closes_on = data.enrol_closes_on
    training_class.decision_number = data.decision_number.strip()
    training_class.decision_date = data.decision_date
    training_class.decision_issuer = data.decision_issuer.strip()
    training_class.self_enrol = data.self_enrol
    # Self-enrolment with no unit named means the organizing unit's own people.
    self_unit = (data.self_enrol_unit or data.unit) if data.self_enrol else data.self_enrol_unit
    training_class.self_enrol_unit_id = self_unit.id if self_unit else None
    training_class.description = data.description.strip()


def _snapshot(training_class: TrainingClass) -> dict:
    values = {}
    for name in CLASS_FIELDS:
        value = getattr(training_class, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def create_class(data: ClassData, scope: Scope = None, actor_id: str = "") -> TrainingClass:
    """Open a class; `scope` must hold its unit (the organizer opens classes for their units)."""
    problems = _problems(data, None, scope)
    if problems:
        raise ClassInvalid(problems)
    training_class = TrainingClass()
    _apply(training_class, data)
    db.session.add(training_class)
    db.session.flush()
    _save_trainers(training_class, data.trainer_ids)
    record(
        "class.create",
        "class",
        training_class.id,
        after=_snapshot(training_class) | {"trainers": sorted(data.trainer_ids)},
        actor_id=actor_id or None,
    )
    return training_class


def update_class(
    training_class: TrainingClass, data: ClassData, scope: Scope = None, actor_id: str = ""
) -> None:
    """Change a class; records the fields that changed."""
    problems = _problems(data, training_class, scope)
    if problems:
        raise ClassInvalid(problems)
    before = _snapshot(training_class) | {"trainers": sorted(class_trainer_ids(training_class))}
    _apply(training_class, data)
    _save_trainers(training_class, data.trainer_ids)
    db.session.flush()
    after = _snapshot(training_class) | {"trainers": sorted(data.trainer_ids)}
    changed = [name for name in after if before[name] != after[name]]
    if changed:
        record(
            "class.update",
            "class",
            training_class.id,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            actor_id=actor_id or None,
        )


# --- trainers --------------------------------------------------------------------------------


def trainer_ids() -> set[str]:
    """Everyone holding the trainer role on some unit."""
    return set(db.session.scalars(select(RoleGrant.user_id).where(RoleGrant.role == Role.TRAINER)))


def trainer_candidates() -> list[LearnerProfile]:
    """People who may teach a class, in Vietnamese name order."""
    return list(
        db.session.scalars(
            select(LearnerProfile)
            .where(
                LearnerProfile.user_id.in_(
                    select(RoleGrant.user_id).where(RoleGrant.role == Role.TRAINER)
                )
            )
            .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
        )
    )


def class_trainer_ids(training_class: TrainingClass) -> list[str]:
    return list(
        db.session.scalars(
            select(ClassTrainer.user_id).where(ClassTrainer.class_id == training_class.id)
        )
    )


def class_trainers(training_class: TrainingClass) -> list[LearnerProfile]:
    return list(
        db.session.scalars(
            select(LearnerProfile)
            .join(ClassTrainer, ClassTrainer.user_id == LearnerProfile.user_id)
            .where(ClassTrainer.class_id == training_class.id)
            .order_by(LearnerProfile.sort_name)
        )
    )


def _save_trainers(training_class: TrainingClass, user_ids: list[str]) -> None:
    wanted = set(user_ids)
    current = {
        row.user_id: row
        for row in db.session.scalars(
            select(ClassTrainer).where(ClassTrainer.class_id == training_class.id)
        )
    }
    for user_id in current.keys() - wanted:
        db.session.delete(current[user_id])
    for user_id in sorted(wanted - current.keys()):
        db.session.add(ClassTrainer(class_id=training_class.id, user_id=user_id))
    db.session.flush()


# --- what pages show -------------------------------------------------------------------------


def enrolled_counts(class_ids: list[int]) -> dict[int, int]:
    """Enrolled learners per class, in one grouped query."""
    if not class_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.class_id, func.count())
        .where(Enrolment.class_id.in_(class_ids), Enrolment.status == ENROLLED)
        .group_by(Enrolment.class_id)
    )
    return {class_id: count for class_id, count in rows}


def enrolled_count(training_class: TrainingClass) -> int:
    return enrolled_counts([training_class.id]).get(training_class.id, 0)


def capacity_left(training_class: TrainingClass, enrolled: int | None = None) -> int | None:
    """Places still free; None when the class has no limit."""
    if training_class.capacity is None:
        return None
    enrolled = enrolled_count(training_class) if enrolled is None else enrolled
    return max(0, training_class.capacity - enrolled)


#: Status filters of the class list, computed from the dates.
STATUSES = ("upcoming", "running", "finished")


def status_of(training_class: TrainingClass, on: date | None = None) -> str:
    on = on or today()
    if training_class.ends_on and training_class.ends_on < on:
        return "finished"
    if training_class.starts_on and training_class.starts_on > on:
        return "upcoming"
    return "running"


def status_clause(status: str, on: date):
    """SQL condition matching `status_of(...) == status`."""
    ended = TrainingClass.ends_on.isnot(None) & (TrainingClass.ends_on < on)
    not_started = TrainingClass.starts_on.isnot(None) & (TrainingClass.starts_on > on)
    if status == "finished":
        return ended
    if status == "upcoming":
        return not_started & ~ended
    return ~or_(ended, not_started)


@dataclass
class ClassPage:
    classes: list[TrainingClass]
    #: Enrolled learners per class id.
    counts: dict[int, int]
    total: int
    page: int
    pages: int


def class_page(
    scope_clause,
    course_id: int | None = None,
    unit: Unit | None = None,
    status: str = "",
    page: int = 1,
    per_page: int = 50,
) -> ClassPage:
    """A page of classes (newest first) with their enrolled counts: three queries."""
    query = select(TrainingClass).where(scope_clause)
    if course_id is not None:
        query = query.join(CourseVersion).where(CourseVersion.course_id == course_id)
    if unit is not None:
        subtree = select(Unit.id).where(Unit.path.startswith(unit.path))
        query = query.where(TrainingClass.unit_id.in_(subtree))
    if status in STATUSES:
        query = query.where(status_clause(status, today()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    classes = list(
        db.session.scalars(
            query.order_by(TrainingClass.created_at.desc(), TrainingClass.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return ClassPage(classes, enrolled_counts([c.id for c in classes]), total, page, pages)


def course_choices() -> list[tuple[str, str]]:
    """(course id, title of its newest non-draft version) for the course filter, by title."""
    rows = db.session.execute(
        select(CourseVersion.course_id, CourseVersion.title)
        .where(CourseVersion.status != VersionStatus.DRAFT)
        .order_by(CourseVersion.course_id, CourseVersion.number)
    )
    titles = {course_id: title for course_id, title in rows}
    return sorted(((str(cid), title) for cid, title in titles.items()), key=lambda p: p[1])


def decision_label(training_class: TrainingClass) -> str:
    """ "Quyết định số 123/QĐ-UBND ngày 05/03/2025 của …", or "" when no decision is recorded."""
    number = training_class.decision_number
    if not number:
        return ""
    day, issuer = format_date(training_class.decision_date), training_class.decision_issuer
    if day and issuer:
        return _(
            "Decision No. %(number)s dated %(date)s of %(issuer)s",
            number=number,
            date=day,
            issuer=issuer,
        )
    if day:
        return _("Decision No. %(number)s dated %(date)s", number=number, date=day)
    return _("Decision No. %(number)s", number=number)


def enrolment_window_open(training_class: TrainingClass, on: date | None = None) -> bool:
    on = on or today()
    opens, closes = training_class.enrol_opens_on, training_class.enrol_closes_on
    if training_class.ends_on and training_class.ends_on < on:
        return False
    return (opens is None or opens <= on) and (closes is None or on <= closes)


def find_enrolment(training_class: TrainingClass, user_id: str) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.class_id == training_class.id, Enrolment.user_id == user_id
        )
    )


# --- enrolment -------------------------------------------------------------------------------


def lock_class(training_class: TrainingClass) -> None:
    """Serialise enrolments into one class, so two at once cannot both take the last place
    (FOR UPDATE on PostgreSQL; SQLite already runs one writer at a time).
    """
    db.session.execute(
        select(TrainingClass.id).where(TrainingClass.id == training_class.id).with_for_update()
    )


def write_enrolment(
    training_class: TrainingClass,
    user_id: str,
    enrolment: Enrolment | None,
    source: str,
    actor_id: str,
) -> Enrolment:
    """Enrol, or re-open a withdrawn enrolment; adds its event and audit record (no checks)."""
    if enrolment is None:
        enrolment = Enrolment(
            class_id=training_class.id, user_id=user_id, status=ENROLLED, source=source
        )
        db.session.add(enrolment)
        db.session.flush()
        action, before = "enrolled", None
    else:
        enrolment.status, enrolment.withdrawn_at, enrolment.source = ENROLLED, None, source
        action, before = "re-enrolled", {"status": WITHDRAWN}
    record_history(enrolment, action, source, actor_id, before, {"status": ENROLLED})
    return enrolment


def record_history(
    enrolment: Enrolment, action: str, source: str, actor_id: str, before, after
) -> None:
    db.session.add(
        EnrolmentEvent(enrolment_id=enrolment.id, action=action, source=source, actor_id=actor_id)
    )
    record(
        f"enrolment.{action.replace('-', '')}",
        "enrolment",
        enrolment.id,
        before=before,
        after=after | {"class": enrolment.class_id, "user_id": enrolment.user_id},
        actor_id=actor_id or None,
    )


def enrol(
    training_class: TrainingClass,
    user_id: str,
    source: str = EnrolmentSource.ORGANIZER,
    actor_id: str = "",
    scope: Scope = None,
) -> Enrolment:
    """Enrol one person (re-enrolling them if they had withdrawn); `scope` must hold their unit."""
    profile = db.session.get(LearnerProfile, user_id)
    if profile is None:
        raise ServiceError(_("There is no such person."))
    if not in_scope(profile.unit, scope):
        raise ServiceError(_("%(name)s is outside your units.", name=profile.full_name))
    lock_class(training_class)
    enrolment = find_enrolment(training_class, user_id)
    if enrolment is not None and enrolment.status == ENROLLED:
        raise ServiceError(_("%(name)s is already enrolled.", name=profile.full_name))
    if capacity_left(training_class) == 0:
        raise ServiceError(_("The class is full."))
    return write_enrolment(training_class, user_id, enrolment, source, actor_id)


def withdraw(enrolment: Enrolment, actor_id: str = "") -> None:
    """Withdraw a learner; the enrolment, its completions and its history stay."""
    if enrolment.status != ENROLLED:
        raise ServiceError(_("This learner is not enrolled."))
    enrolment.status, enrolment.withdrawn_at = WITHDRAWN, utcnow()
    record_history(
        enrolment, "withdrawn", "", actor_id, {"status": ENROLLED}, {"status": WITHDRAWN}
    )
    db.session.flush()


def self_enrol_refusal(training_class: TrainingClass, profile: LearnerProfile | None) -> str:
    """Why this person may not enrol themselves now ("" when they may)."""
    if not training_class.self_enrol:
        return _("This class does not take self-enrolment.")
    target = training_class.self_enrol_unit or training_class.unit
    if profile is None or profile.unit is None or not target.contains(profile.unit):
        return _("This class is open to the people of %(u)s only.", u=target.name)
    if not enrolment_window_open(training_class):
        return _("Enrolment in this class is closed.")
    if capacity_left(training_class) == 0:
        return _("The class is full.")
    return ""


def enrol_self(training_class: TrainingClass, user_id: str) -> Enrolment:
    """A learner enrols themselves: self-enrolment on, their unit eligible, window open, room left.

    Enrolling twice (a double click, two tabs) returns the enrolment already made.
    """
    lock_class(training_class)
    enrolment = find_enrolment(training_class, user_id)
    if enrolment is not None and enrolment.status == ENROLLED:
        return enrolment
    refusal = self_enrol_refusal(training_class, db.session.get(LearnerProfile, user_id))
    if refusal:
        raise ServiceError(refusal)
    return write_enrolment(training_class, user_id, enrolment, EnrolmentSource.SELF, user_id)
