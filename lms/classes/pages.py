"""The `classes` blueprint and what its two view modules share: loading a class for someone who
organizes its unit, the organizer's units, query arguments, and the roster page (which withdraw
and re-enrol show again with their error).

`views` (the class list, form, page, roster and exports) and `enrolment_views` (enrolling,
withdrawing, self-enrolment) add their routes to `bp`.
"""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import can, scope_units
from lms.classes import exports
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.forms import unit_label
from lms.routing import query_int

bp = Blueprint("classes", __name__, url_prefix="/classes")

ORGANIZER = Role.ORGANIZER


def get_class_or_404(class_id: int, need: str = ORGANIZER) -> TrainingClass:
    """Load a class, then check the user holds `need` on its unit (404 missing, 403 not allowed)."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    if not can(need, training_class.unit):
        abort(403)
    return training_class


def actor_id() -> str:
    """The signed-in user's id, as services record it."""
    return str(current_user.get_id())


def organizer_units() -> list[Unit]:
    """Top units of the user's organizer subtrees: the scope the services check."""
    return scope_units(ORGANIZER)


def unit_choices() -> list[tuple[str, str]]:
    """The user's units as (id, name indented by depth) choices."""
    return [(str(u.id), unit_label(u)) for u in accounts.unit_tree(organizer_units())]


def render_roster(training_class: TrainingClass, error: str = "", status: int = 200):
    """The roster page; withdraw and re-enrol show it again with their error."""
    show = request.args.get("status", EnrolmentStatus.ENROLLED)
    if show not in set(EnrolmentStatus):
        abort(400)
    page = exports.roster_page(
        training_class,
        show,
        page=query_int("page", 1),
        per_page=current_app.config["LMS_PAGE_SIZE"],
    )
    counts = dict(
        db.session.execute(
            select(Enrolment.status, func.count())
            .where(Enrolment.class_id == training_class.id)
            .group_by(Enrolment.status)
        ).all()
    )
    return render_template(
        "lms/classes/roster.html",
        training_class=training_class,
        page=page,
        show=show,
        counts=counts,
        error=error,
        percent=exports.percent,
        formats=exports.FORMATS,
    ), status
