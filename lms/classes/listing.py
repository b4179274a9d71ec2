"""The class list and how a class is described: its status from the dates, a page of classes
with their enrolled counts, the course filter, and the opening decision written out.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lms import db
from lms.accounts.models import Unit
from lms.classes.enrolment import enrolled_counts, today
from lms.classes.models import TrainingClass
from lms.courses.models import CourseVersion, VersionStatus
from lms.i18n import format_date

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
