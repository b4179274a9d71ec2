"""The `attendance` blueprint and the load-then-authorise helpers its view modules share.

Organizers of the class's unit (and above) and the class's trainers run its sessions and mark
attendance; settings and statuses are the organizer's.
"""

from flask import Blueprint, abort
from flask_login import current_user

from lms import db
from lms.accounts.models import Role
from lms.accounts.permissions import can
from lms.attendance.models import AttendanceSession
from lms.classes.models import TrainingClass
from lms.courses.progress import teaches

bp = Blueprint("attendance", __name__, url_prefix="/attendance")

ORGANIZER = Role.ORGANIZER
TRAINER = Role.TRAINER
STAFF = (Role.TRAINER, Role.ORGANIZER)


def actor_id() -> str:
    return str(current_user.get_id())


def get_class_for_staff_or_404(class_id: int, organizer_only: bool = False):
    """A class the user organizes or (unless `organizer_only`) teaches: (class, organizes)."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    organizes = can(ORGANIZER, training_class.unit)
    if not organizes and (organizer_only or not teaches(class_id, actor_id())):
        abort(403)
    return training_class, organizes


def get_session_or_404(session_id: int, organizer_only: bool = False):
    """A session of a class the user organizes or teaches: (session, organizes)."""
    session = db.session.get(AttendanceSession, session_id)
    if session is None:
        abort(404)
    _, organizes = get_class_for_staff_or_404(session.class_id, organizer_only)
    return session, organizes
