"""Classes: open and edit them (every change audited, field by field) and pick their
trainers. Services flush and never commit.

Who may act is passed in as `scope` (see `lms.classes.enrolment`): the top units of the
actor's organizer subtrees, or None for the system and the command line.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import LearnerProfile, Role, RoleGrant, Unit
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.enrolment import Scope, enrolled_count, in_scope
from lms.classes.models import ClassMode, ClassTrainer, Enrolment, TrainingClass
from lms.courses.models import CourseVersion, VersionStatus

CLASS_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


# --- classes --------------------------------------------------------------------------------------


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


# --- trainers -------------------------------------------------------------------------------------


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
