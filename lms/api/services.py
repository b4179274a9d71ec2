"""What the API reads, always within the calling token's unit subtree: certificates (with their
status now), completions of classes, and training periods per official over a period.

A certificate or completion belongs to the learner's unit (where the official works now), so a
token of a department sees its officials' certificates whoever organised the class. Each
reader is one query per page whatever the page's size.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.api.auth import subtree_clause
from lms.api.pagination import Keyset, Page, PageRequest, paginate
from lms.certificates.models import Certificate, Completion
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.courses.models import Course, CourseVersion
from lms.db import utcnow

CERTIFICATE_ORDER = Keyset(Certificate.issued_at, Certificate.id)
COMPLETION_ORDER = Keyset(Completion.completed_at, Completion.id)
OFFICIAL_ORDER = Keyset(LearnerProfile.created_at, LearnerProfile.user_id)

STATUSES = ("valid", "revoked", "expired", "replaced")


@dataclass(frozen=True)
class Filters:
    """A request's filters: the token's unit, the unit asked for, an official, a period."""

    #: The token's subtree (None: the whole tree).
    scope: Unit | None
    #: A subtree within it the caller asked for.
    unit: Unit | None = None
    official_code: str | None = None
    #: Local days, both included.
    starts_on: date | None = None
    ends_on: date | None = None
    class_code: str | None = None


def day_start(day: date) -> datetime:
    """The first moment of a local day (LMS_TIMEZONE), as an aware UTC-comparable time."""
    return datetime.combine(day, time.min, ZoneInfo(current_app.config["LMS_TIMEZONE"]))


def _period(column, starts_on: date | None, ends_on: date | None) -> list:
    conditions = []
    if starts_on is not None:
        conditions.append(column >= day_start(starts_on))
    if ends_on is not None:
        conditions.append(column < day_start(ends_on + timedelta(days=1)))
    return conditions


def _people(filters: Filters) -> list:
    """Conditions on LearnerProfile: in the token's subtree, the unit and official asked for."""
    conditions = [subtree_clause(LearnerProfile.unit_id, filters.scope)]
    if filters.unit is not None:
        conditions.append(subtree_clause(LearnerProfile.unit_id, filters.unit))
    if filters.official_code is not None:
        conditions.append(LearnerProfile.official_code == filters.official_code)
    return conditions


# --- certificates --------------------------------------------------------------------------------


def status_clause(status: str, now: datetime):
    """SQL for `certificates.services.status_of(...) == status`."""
    revoked = Certificate.revoked_at.is_not(None)
    replaced = Certificate.replaced_by_id.is_not(None)
    expired = and_(Certificate.expires_at.is_not(None), Certificate.expires_at <= now)
    return {
        "revoked": revoked,
        "replaced": and_(~revoked, replaced),
        "expired": and_(~revoked, ~replaced, expired),
        "valid": and_(~revoked, ~replaced, ~expired),
    }[status]


@cache
def certificate_query() -> Select:
    """Certificates with their learner, the learner's unit, the class and both links (built
    once: a select is immutable, and building this one costs more than running it)."""
    successor = aliased(Certificate, name="successor")
    predecessor = aliased(Certificate, name="predecessor")
    return (
        select(
            Certificate,
            LearnerProfile.official_code,
            LearnerProfile.full_name,
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            TrainingClass.code.label("class_code"),
            TrainingClass.name.label("class_name"),
            successor.serial.label("replaced_by"),
            predecessor.serial.label("replaces"),
        )
        .join(LearnerProfile, LearnerProfile.user_id == Certificate.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .join(TrainingClass, TrainingClass.id == Certificate.class_id)
        .outerjoin(successor, successor.id == Certificate.replaced_by_id)
        .outerjoin(predecessor, predecessor.id == Certificate.replaces_id)
    )


def certificates_page(
    filters: Filters,
    page: PageRequest,
    status: str | None = None,
    revoked_from: date | None = None,
    revoked_to: date | None = None,
) -> Page:
    query = certificate_query().where(
        *_people(filters), *_period(Certificate.issued_at, filters.starts_on, filters.ends_on)
    )
    if filters.class_code is not None:
        query = query.where(TrainingClass.code == filters.class_code)
    if status is not None:
        query = query.where(status_clause(status, utcnow()))
    if revoked_from is not None or revoked_to is not None:
        query = query.where(
            Certificate.revoked_at.is_not(None),
            *_period(Certificate.revoked_at, revoked_from, revoked_to),
        )
    return paginate(query, CERTIFICATE_ORDER, page)


def certificate_row(serial: str, scope: Unit | None):
    """The certificate with this serial, if its learner lies in the token's subtree."""
    query = certificate_query().where(
        Certificate.serial == serial, subtree_clause(LearnerProfile.unit_id, scope)
    )
    return db.session.execute(query).first()


def certificate_row_by_id(certificate_id: int):
    """The same row for a certificate by id, whatever its unit (webhook payloads)."""
    return db.session.execute(certificate_query().where(Certificate.id == certificate_id)).first()


# --- completions and training periods ------------------------------------------------------------


@cache
def completion_query() -> Select:
    """Completed classes of enrolled learners, with learner, class, course and certificate
    (built once, like `certificate_query`)."""
    current = aliased(Certificate, name="current_certificate")
    return (
        select(
            Completion,
            LearnerProfile.official_code,
            LearnerProfile.full_name,
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            TrainingClass.code.label("class_code"),
            TrainingClass.name.label("class_name"),
            TrainingClass.starts_on,
            TrainingClass.ends_on,
            Course.slug.label("course_slug"),
            CourseVersion.title.label("course_title"),
            CourseVersion.topic.label("course_topic"),
            CourseVersion.hours.label("periods"),
            current.serial.label("certificate_serial"),
        )
        .join(
            Enrolment,
            and_(
                Enrolment.class_id == Completion.class_id,
                Enrolment.user_id == Completion.user_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            ),
        )
        .join(LearnerProfile, LearnerProfile.user_id == Completion.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .join(TrainingClass, TrainingClass.id == Completion.class_id)
        .join(CourseVersion, CourseVersion.id == TrainingClass.course_version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .outerjoin(
            current,
            and_(
                current.class_id == Completion.class_id,
                current.user_id == Completion.user_id,
                current.is_current.is_(True),
            ),
        )
        .where(Completion.completed_at.is_not(None))
    )


def completions_page(filters: Filters, page: PageRequest) -> Page:
    query = completion_query().where(
        *_people(filters), *_period(Completion.completed_at, filters.starts_on, filters.ends_on)
    )
    if filters.class_code is not None:
        query = query.where(TrainingClass.code == filters.class_code)
    return paginate(query, COMPLETION_ORDER, page)


@cache
def official_query() -> Select:
    """Officials with their unit, as the hours operations show them."""
    return select(
        LearnerProfile.user_id,
        LearnerProfile.created_at,
        LearnerProfile.official_code,
        LearnerProfile.full_name,
        Unit.code.label("unit_code"),
        Unit.name.label("unit_name"),
    ).outerjoin(Unit, Unit.id == LearnerProfile.unit_id)


def find_official(official_code: str, scope: Unit | None):
    """The official with this code, if they lie in the token's subtree."""
    query = official_query().where(
        LearnerProfile.official_code == official_code,
        subtree_clause(LearnerProfile.unit_id, scope),
    )
    return db.session.execute(query).first()


def completions_of(user_id: str, starts_on: date, ends_on: date) -> list:
    """Every class the official completed in the period, in order of completion."""
    query = completion_query().where(
        Completion.user_id == user_id, *_period(Completion.completed_at, starts_on, ends_on)
    )
    return list(db.session.execute(query.order_by(Completion.completed_at, Completion.id)))


def officials_page(filters: Filters, page: PageRequest) -> Page:
    """A page of officials (in the order they were added), each with their unit."""
    return paginate(official_query().where(*_people(filters)), OFFICIAL_ORDER, page)


def period_totals(user_ids: list[str], starts_on: date, ends_on: date) -> dict[str, tuple]:
    """user id → (classes completed, periods) in the period, summed in SQL in one query."""
    if not user_ids:
        return {}
    completed = completion_query().subquery()
    query = (
        select(
            completed.c.user_id,
            func.count(completed.c.id),
            func.coalesce(func.sum(completed.c.periods), 0),
        )
        .where(
            completed.c.user_id.in_(user_ids),
            completed.c.completed_at >= day_start(starts_on),
            completed.c.completed_at < day_start(ends_on + timedelta(days=1)),
        )
        .group_by(completed.c.user_id)
    )
    return {user_id: (count, int(periods)) for user_id, count, periods in db.session.execute(query)}


def default_period(today: date | None = None) -> tuple[date, date]:
    """This calendar year."""
    today = today or datetime.now(ZoneInfo(current_app.config["LMS_TIMEZONE"])).date()
    return date(today.year, 1, 1), date(today.year, 12, 31)
