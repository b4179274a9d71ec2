"""Who is in a class: enrol, withdraw, re-enrol and self-enrol (every change leaves an
EnrolmentEvent and an audit event), the enrolment window, capacity and the enrolled counts pages
show. Services flush and never commit.

Who may act is passed in as `scope`: the top units of the actor's organizer subtrees (what
`permissions.scope_units("organizer")` returns), or None for the system and the command line.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lms import db
from lms.accounts.models import LearnerProfile, Role, RoleGrant, Unit
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.classes.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentSource,
    EnrolmentStatus,
    TrainingClass,
)
from lms.db import utcnow
from lms.i18n import local_time

ENROLLED, WITHDRAWN = EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN
#: How many ids go into one IN (...) list (SQLite allows a few thousand bound parameters).
CHUNK = 900

Scope = list[Unit] | None


def today() -> date:
    """Today in the LMS's time zone (enrolment windows are calendar dates there)."""
    return local_time(utcnow()).date()


# --- scope ----------------------------------------------------------------------------------------


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


# --- counts and windows ---------------------------------------------------------------------------


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


def enrolment_window_open(training_class: TrainingClass, on: date | None = None) -> bool:
    """Enrolment is open on `on`: the window (when set) holds it and the class has not ended."""
    on = on or today()
    opens, closes = training_class.enrol_opens_on, training_class.enrol_closes_on
    if training_class.ends_on and training_class.ends_on < on:
        return False
    return (opens is None or opens <= on) and (closes is None or on <= closes)


def window_not_over_clause(on: date):
    """SQL condition on `TrainingClass`: enrolment is open on `on` or opens later (the class has
    not ended and the window has not closed). Of those, `enrolment_window_open` is true for the
    ones whose window has opened by `on`.
    """
    return or_(TrainingClass.ends_on.is_(None), TrainingClass.ends_on >= on) & or_(
        TrainingClass.enrol_closes_on.is_(None), TrainingClass.enrol_closes_on >= on
    )


def find_enrolment(training_class: TrainingClass, user_id: str) -> Enrolment | None:
    """The person's enrolment in the class, enrolled or withdrawn."""
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.class_id == training_class.id, Enrolment.user_id == user_id
        )
    )


# --- writing enrolments ---------------------------------------------------------------------------


def lock_class(training_class: TrainingClass) -> None:
    """Serialise enrolments into one class, so two at once cannot both take the last place
    (FOR UPDATE on PostgreSQL; SQLite already runs one writer at a time).
    """
    db.session.execute(
        select(TrainingClass.id).where(TrainingClass.id == training_class.id).with_for_update()
    )


def lock_learners(class_id: int, user_ids: list[str]) -> None:
    """Lock these learners' enrolment rows in the class until the transaction ends, in learner
    (user id) order, the order the completion engine locks them in (`certificates.completion`):
    a change writing several learners' enrolments (a regrade completing their modules) takes
    them first, so it waits for a whole class's re-evaluation, or makes it wait, instead of
    crossing it (a deadlock). FOR NO KEY UPDATE on PostgreSQL; SQLite has one writer at a time.
    """
    db.session.execute(
        select(Enrolment.id)
        .where(Enrolment.class_id == class_id, Enrolment.user_id.in_(user_ids))
        .order_by(Enrolment.user_id)
        .with_for_update(key_share=True)
    ).all()


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
    # Someone outside the scope gets the same answer as nobody: an id must not reveal a name.
    if profile is None or not in_scope(profile.unit, scope):
        raise ServiceError(_("There is no such person."))
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


# --- self-enrolment -------------------------------------------------------------------------------


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
