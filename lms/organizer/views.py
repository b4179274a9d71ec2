"""Organizer pages: the people of the organizer's units, and nothing of other units."""

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from lms import db
from lms.accounts import services
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.permissions import (
    get_profile_or_404,
    get_unit_or_404,
    in_scope_clause,
    scope_units,
)
from lms.records.services import training_record
from lms.routing import query_int
from lms.security import access

bp = Blueprint("organizer", __name__, url_prefix="/organizer")

ORGANIZER = Role.ORGANIZER


@bp.route("/")
@access("role", ORGANIZER)
def home():
    """The organizer's units with how many people each holds (one grouped query)."""
    units = services.unit_tree(scope_units(ORGANIZER))
    counts = dict(
        db.session.execute(
            select(LearnerProfile.unit_id, func.count())
            .where(LearnerProfile.unit_id.in_([u.id for u in units]))
            .group_by(LearnerProfile.unit_id)
        ).all()
    )
    return render_template("lms/organizer/home.html", units=units, counts=counts)


@bp.route("/people")
@access("role", ORGANIZER)
def people():
    unit_id = query_int("unit")
    unit = get_unit_or_404(unit_id, need=ORGANIZER) if unit_id else None
    page = services.people_in_scope(
        in_scope_clause(LearnerProfile.unit_id, ORGANIZER),
        search=request.args.get("q", ""),
        unit=unit,
        page=query_int("page", 1),
    )
    units = services.unit_tree(scope_units(ORGANIZER))
    return render_template("lms/organizer/people.html", page=page, units=units, unit=unit)


@bp.route("/people/<user_id>")
@access("role", ORGANIZER)
def person(user_id: str):
    profile = get_profile_or_404(user_id, need=ORGANIZER)
    return render_template(
        "lms/organizer/person.html", profile=profile, record=training_record(profile)
    )
