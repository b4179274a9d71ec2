"""Home pages, the language switch and the health check."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from lms import db
from lms.accounts.models import Role
from lms.accounts.permissions import current_grants, roles_held, scope_units
from lms.accounts.services import ensure_profile
from lms.accounts.sessions import loads_profile
from lms.courses.progress import my_classes
from lms.i18n import SESSION_KEY
from lms.security import LOGIN, PUBLIC, access, local_redirect_target

bp = Blueprint("main", __name__)


@bp.route("/")
@access(LOGIN)
@loads_profile
def home():
    """The learner's home: everyone signed in is a learner."""
    from lms.attendance.checkin import upcoming_for

    profile = ensure_profile(current_user)
    classes = my_classes(profile.user_id)
    return render_template(
        "lms/main/home.html",
        profile=profile,
        grants=current_grants(),
        roles=roles_held(),
        classes=classes,
        upcoming=upcoming_for([c.training_class.id for c in classes]),
    )


@bp.route("/trainer")
@access("role", Role.TRAINER)
def trainer_home():
    """The trainer's courses (current version, draft, which classes use which version) and the
    classes they teach, each leading to its quizzes."""
    from lms.classes.models import ClassTrainer, TrainingClass
    from lms.courses.editing import course_rows

    taught = db.session.scalars(
        select(TrainingClass)
        .join(ClassTrainer, ClassTrainer.class_id == TrainingClass.id)
        .where(ClassTrainer.user_id == str(current_user.get_id()))
        .order_by(TrainingClass.starts_on.desc(), TrainingClass.code)
    )
    return render_template(
        "lms/main/trainer_home.html",
        units=scope_units(Role.TRAINER),
        rows=course_rows(),
        taught=list(taught),
    )


@bp.route("/language", methods=["POST"])
@access(PUBLIC)
def set_language():
    """Remember the chosen language for this session, then go back where the user was."""
    language = request.form.get("language", "")
    if language in current_app.config["LMS_LANGUAGES"]:
        session[SESSION_KEY] = language
    return redirect(local_redirect_target(request.form.get("next"), url_for("lms.main.home")))


@bp.route("/healthz")
@access(PUBLIC)
def healthz():
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
