"""Organizer pages that enrol and withdraw: pick people, a whole unit or a file (checked and
previewed, then written all or none), withdraw and re-enrol from the roster; and the learner's
self-enrolment button. The routes join the classes blueprint (`pages.bp`).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.permissions import get_unit_or_404, in_scope_clause
from lms.accounts.sessions import loads_profile
from lms.classes import enrolment as enrolments
from lms.classes import importing
from lms.classes.forms import ConfirmImportForm, ImportForm, UnitEnrolForm
from lms.classes.models import Enrolment, EnrolmentSource, EnrolmentStatus, TrainingClass
from lms.classes.pages import (
    actor_id,
    bp,
    get_class_or_404,
    organizer_units,
    render_roster,
    unit_choices,
)
from lms.forms import select_choices
from lms.routing import query_int
from lms.security import LOGIN, access, local_redirect_target

ORGANIZER = Role.ORGANIZER


# --- enrolling: pick people, a whole unit, or a file ----------------------------------------------


def _enrol_page(training_class: TrainingClass, problems=(), status: int = 200, **forms):
    """The enrol page: people of the organizer's units to tick, a unit, a file to upload."""
    unit_id = query_int("unit")
    unit = get_unit_or_404(unit_id, need=ORGANIZER) if unit_id is not None else None
    page = accounts.people_in_scope(
        in_scope_clause(LearnerProfile.unit_id, ORGANIZER),
        search=request.args.get("q", ""),
        unit=unit,
        page=query_int("page", 1),
        per_page=current_app.config["LMS_PAGE_SIZE"],
    )
    states = {
        user_id: state
        for user_id, state in db.session.execute(
            select(Enrolment.user_id, Enrolment.status).where(
                Enrolment.class_id == training_class.id,
                Enrolment.user_id.in_([p.user_id for p in page.people]),
            )
        )
    }
    unit_form = forms.get("unit_form") or UnitEnrolForm()
    unit_form.unit_id.choices = select_choices(unit_choices())
    enrolled = enrolments.enrolled_count(training_class)
    return render_template(
        "lms/classes/enrol.html",
        training_class=training_class,
        page=page,
        states=states,
        units=[("", _("All my units")), *unit_choices()],
        problems=problems,
        unit_form=unit_form,
        import_form=forms.get("import_form") or ImportForm(),
        enrolled=enrolled,
        left=enrolments.capacity_left(training_class, enrolled),
    ), status


@bp.route("/<lms_id:class_id>/enrol", methods=["GET", "POST"])
@access("role", ORGANIZER)
def enrol(class_id: int):
    """GET: find people; POST: enrol the ticked ones (all or none)."""
    training_class = get_class_or_404(class_id)
    if request.method == "GET":
        return _enrol_page(training_class)
    user_ids = [uid for uid in request.form.getlist("user_id") if uid]
    if not user_ids:
        return _enrol_page(training_class, [_("Tick at least one person.")], 422)
    plan = importing.plan_people(training_class, user_ids, organizer_units())
    if plan.problems:
        return _enrol_page(training_class, [str(p) for p in plan.problems], 422)
    count = importing.apply_plan(training_class, plan, EnrolmentSource.ORGANIZER, actor_id())
    flash(_("%(n)d people enrolled.", n=count), "success")
    return redirect(url_for(".roster", class_id=class_id))


@bp.route("/<lms_id:class_id>/enrol-unit", methods=["POST"])
@access("role", ORGANIZER)
def enrol_unit(class_id: int):
    """Enrol everyone of a unit subtree who has never been in the class (all or none)."""
    training_class = get_class_or_404(class_id)
    form = UnitEnrolForm()
    form.unit_id.choices = select_choices(unit_choices())
    if not form.validate_on_submit():
        return _enrol_page(training_class, [], 422, unit_form=form)
    unit = get_unit_or_404(int(form.unit_id.data), need=ORGANIZER)
    plan = importing.plan_unit(training_class, unit, organizer_units())
    if plan.problems:
        return _enrol_page(training_class, [str(p) for p in plan.problems], 422, unit_form=form)
    count = importing.apply_plan(training_class, plan, EnrolmentSource.UNIT, actor_id())
    flash(
        _(
            "%(n)d people of %(u)s enrolled; %(s)d were already in the class and were left as "
            "they were.",
            n=count,
            u=unit.name,
            s=plan.skipped,
        ),
        "success",
    )
    return redirect(url_for(".roster", class_id=class_id))


@bp.route("/<lms_id:class_id>/import", methods=["POST"])
@access("role", ORGANIZER)
def import_preview(class_id: int):
    """Check an uploaded file and show what enrolling it would do; nothing is written yet."""
    training_class = get_class_or_404(class_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _enrol_page(training_class, [], 422, import_form=form)
    upload = form.file.data
    try:
        rows = importing.read_file(upload.stream, upload.filename or "")
    except accounts.ServiceError as error:
        form.file.errors.append(str(error))
        return _enrol_page(training_class, [], 422, import_form=form)
    plan = importing.plan_rows(training_class, rows, organizer_units())
    return _preview(training_class, plan, upload.filename or "")


def _preview(training_class: TrainingClass, plan, filename: str, error: str = ""):
    confirm = ConfirmImportForm()
    if not plan.problems and plan.planned and not error:
        confirm.token.data = importing.plan_token(training_class, plan, actor_id())
    failed = bool(plan.problems or error or not plan.planned)
    return render_template(
        "lms/classes/import_preview.html",
        training_class=training_class,
        plan=plan,
        filename=filename,
        confirm=confirm,
        error=error,
        shown=importing.PREVIEW_ROWS,
    ), (422 if failed else 200)


@bp.route("/<lms_id:class_id>/import/confirm", methods=["POST"])
@access("role", ORGANIZER)
def import_confirm(class_id: int):
    """Enrol the rows of a checked preview, after checking every one of them again."""
    training_class = get_class_or_404(class_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = importing.plan_from_token(
            training_class, form.token.data, actor_id(), organizer_units()
        )
    except accounts.ServiceError as error:
        return _preview(training_class, importing.EnrolPlan(), "", error=str(error))
    if plan.problems:
        return _preview(training_class, plan, "")
    count = importing.apply_plan(training_class, plan, EnrolmentSource.IMPORT, actor_id())
    flash(_("%(n)d people enrolled.", n=count), "success")
    return redirect(url_for(".roster", class_id=class_id))


# --- withdraw and re-enrol from the roster --------------------------------------------------------


def _enrolment_or_404(training_class: TrainingClass, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.class_id != training_class.id:
        abort(404)
    return enrolment


@bp.route("/<lms_id:class_id>/enrolments/<lms_id:enrolment_id>/withdraw", methods=["POST"])
@access("role", ORGANIZER)
def withdraw(class_id: int, enrolment_id: int):
    training_class = get_class_or_404(class_id)
    enrolment = _enrolment_or_404(training_class, enrolment_id)
    try:
        enrolments.withdraw(enrolment, actor_id=actor_id())
    except accounts.ServiceError as error:
        return render_roster(training_class, str(error), 409)
    flash(_("The learner was withdrawn; their progress is kept."), "success")
    return redirect(url_for(".roster", class_id=class_id))


@bp.route("/<lms_id:class_id>/enrolments/<lms_id:enrolment_id>/reenrol", methods=["POST"])
@access("role", ORGANIZER)
def reenrol(class_id: int, enrolment_id: int):
    training_class = get_class_or_404(class_id)
    enrolment = _enrolment_or_404(training_class, enrolment_id)
    try:
        enrolments.enrol(
            training_class,
            enrolment.user_id,
            EnrolmentSource.ORGANIZER,
            actor_id=actor_id(),
            scope=organizer_units(),
        )
    except accounts.ServiceError as error:
        return render_roster(training_class, str(error), 409)
    flash(_("The learner is enrolled again."), "success")
    return redirect(url_for(".roster", class_id=class_id, status=EnrolmentStatus.WITHDRAWN))


# --- the learner's side ---------------------------------------------------------------------------


@bp.route("/<lms_id:class_id>/enrol-self", methods=["POST"])
@access(LOGIN)
@loads_profile
def self_enrol(class_id: int):
    """A learner enrols themselves in a class open for self-enrolment."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    profile = accounts.ensure_profile(current_user)
    back = local_redirect_target(request.form.get("next"), url_for("lms.main.home"))
    try:
        enrolments.enrol_self(training_class, profile.user_id)
    except accounts.ServiceError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(_("You are enrolled in %(c)s.", c=training_class.name), "success")
    if "lms.learn.class_home" in current_app.view_functions:
        return redirect(url_for("lms.learn.class_home", class_id=class_id))
    return redirect(url_for("lms.main.home"))
