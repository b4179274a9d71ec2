"""Who is looking at a class (`Seat`): an enrolled learner, or a trainer or organizer
previewing it; loaded first, then authorised, by every page of a class a learner studies in.

The class page and a module page read it in the log-in's statement (`SEAT_RIDES`,
`lms.accounts.login_rides`): a round trip less on the two pages a learner opens most.
"""

import functools
from dataclasses import dataclass

from flask import abort, request
from flask_login import current_user
from sqlalchemy import Select, String, bindparam, cast, exists, func, null, select
from sqlalchemy.orm import contains_eager, lazyload

from lms import db
from lms.accounts.login_rides import LoginRide, ride_rows
from lms.accounts.models import Account, Role
from lms.accounts.permissions import can
from lms.classes.models import Enrolment, EnrolmentStatus, ModuleCompletion, TrainingClass
from lms.courses import progress


@dataclass
class Seat:
    """Who is looking at a class: an enrolled learner, or (enrolment None) a previewer."""

    training_class: TrainingClass
    enrolment: Enrolment | None
    #: The memo key of the class's course version modules (None for a draft version).
    version_key: tuple | None = None
    #: The modules the learner has finished, when asked for (`get_seat_or_404(..., done=True)`).
    done: frozenset[int] | None = None
    #: Whether the organizer sent the learner attendance notices in this class (class page only).
    noticed: bool | None = None

    @property
    def modules(self) -> tuple[progress.ModuleView, ...]:
        return progress.version_modules(self.training_class.course_version_id, self.version_key)

    @property
    def preview(self) -> bool:
        return self.enrolment is None


def _seat_extras(done: bool, noticed: bool) -> tuple:
    """The seat read's two computed columns: the finished modules' ids (with `done`), and
    whether the learner has attendance notices in the class (with `noticed`: few have, so the
    class page asks for them only then, and most learners' pages cost a round trip less)."""
    from lms.attendance.models import AttendanceNotice

    has_notices = (
        exists()
        .where(
            AttendanceNotice.class_id == TrainingClass.id,
            AttendanceNotice.user_id == Enrolment.user_id,
        )
        .correlate(TrainingClass, Enrolment)
        if noticed
        else null()
    )
    finished = (
        select(func.aggregate_strings(cast(ModuleCompletion.module_id, String), ","))
        .where(ModuleCompletion.enrolment_id == Enrolment.id)
        .scalar_subquery()
        if done
        else null()
    )
    return finished, has_notices


def _seat_options() -> list:
    """The class's course version comes from the explicit join (`contains_eager`), not a second
    join of the same table; the enrolment's class is the row's class, found in the identity map
    without a query (`lazyload`), instead of a third join repeating the class, version and
    unit."""
    return [
        contains_eager(TrainingClass.course_version).options(
            *progress.catalogue_columns_deferred()
        ),
        lazyload(Enrolment.training_class),
    ]


def _enrolled(user_id) -> object:
    """The join of a class to `user_id`'s enrolment in it (a bindparam, or the log-in's id)."""
    return (
        (Enrolment.class_id == TrainingClass.id)
        & (Enrolment.user_id == user_id)
        & (Enrolment.status == EnrolmentStatus.ENROLLED)
    )


@functools.cache
def _seat_statement(done: bool, noticed: bool = False) -> Select:
    """`get_seat_or_404`'s statement, built once per shape: every class, module and quiz page
    runs it, and building it anew (joins, subquery, cache key) cost more than running it."""
    return (
        select(TrainingClass, Enrolment, *_seat_extras(done, noticed))
        .join(TrainingClass.course_version)
        .outerjoin(Enrolment, _enrolled(bindparam("user_id")))
        .where(TrainingClass.id == bindparam("class_id"))
        .options(*_seat_options())
    )


def _seat_with(done: bool, noticed: bool, login: Select) -> Select:
    """The seat read added to the log-in's statement (`login_rides.LoginRide.attach`): the
    class outer-joined (the log-in stands without it), the enrolment the logged-in account's.
    Binds `class_id`."""
    learner = cast(Account.__table__.c.id, String)
    return (
        login.add_columns(TrainingClass, Enrolment, *_seat_extras(done, noticed))
        .outerjoin(TrainingClass, TrainingClass.id == bindparam("class_id"))
        .outerjoin(TrainingClass.course_version)
        .outerjoin(Enrolment, _enrolled(learner))
        .options(*_seat_options())
    )


def _class_id_of_url() -> dict:
    return {"class_id": request.view_args["class_id"]}


#: The seat read of the class page and of a module page, in the log-in's statement: a round
#: trip less on the two pages a learner opens most, by the shape each reads.
SEAT_RIDES = {
    shape: LoginRide(_class_id_of_url, attach=functools.partial(_seat_with, *shape))
    for shape in ((True, True), (True, False))
}


def get_seat_or_404(class_id: int, done: bool = False) -> Seat:
    """Load a class, then check the user studies in it, teaches it or organizes it.

    One query: the class, the user's enrolment in it and its course version, and with `done`
    the modules the learner has finished (for the pages that show progress).
    """
    return load_seat(class_id, done, noticed=False)


def load_seat(class_id: int, done: bool, noticed: bool) -> Seat:
    user_id = str(current_user.get_id())
    ride = SEAT_RIDES.get((done, noticed))
    rows = None if ride is None else ride_rows(ride, {"class_id": class_id})
    if rows is None:
        row = db.session.execute(
            _seat_statement(done, noticed), {"user_id": user_id, "class_id": class_id}
        ).first()
    else:
        row = rows[0] if rows else None
    if row is None or row[0] is None:  # riding, a missing class is a row of Nones
        abort(404)
    training_class, enrolment, finished_ids, has_notices = row
    if enrolment is None and not (
        can(Role.ORGANIZER, training_class.unit) or progress.teaches(class_id, user_id)
    ):
        abort(403)
    version = training_class.course_version
    key = progress.version_cache_key(version.id, version.status, version.published_at)
    seat = Seat(training_class, enrolment, key)
    if done:
        seat.done = frozenset(int(i) for i in (finished_ids or "").split(",") if i)
    if noticed:
        seat.noticed = bool(has_notices)
    return seat
