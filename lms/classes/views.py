"""Organizer pages: open and run classes, enrol officials, rosters and their exports; and the
learner's self-enrolment button. Organizers see the classes of the units where they hold the
organizer role (admins see all); every class page loads the class, then checks that.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import LearnerProfile, Role, Unit
from lms.accounts.permissions import can, get_unit_or_404, in_scope_clause, scope_units
from lms.classes import exports, importing, services
from lms.classes.forms import (
    ClassForm,
    ConfirmImportForm,
    ImportForm,
    UnitEnrolForm,
    mode_label,
    status_choices,
)
from lms.classes.models import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    TrainingClass,
)
from lms.courses.models import CourseVersion, VersionStatus
from lms.forms import select_choices
from lms.security import LOGIN, access

bp = Blueprint("classes", __name__, url_prefix="/classes")

ORGANIZER = Role.ORGANIZER
#: ClassInvalid problem keys that name a differently called form field.
FORM_FIELDS = {"unit": "unit_id", "self_enrol_unit": "self_enrol_unit_id"}


def get_class_or_404(class_id: int, need: str = ORGANIZER) -> TrainingClass:
    """Load a class, then check the user holds `need` on its unit (404 missing, 403 not allowed)."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    if not can(need, training_class.unit):
        abort(403)
    return training_class


def _actor() -> str:
    return str(current_user.get_id())


def _scope() -> list[Unit]:
    return scope_units(ORGANIZER)


def _unit_pairs() -> list[tuple[str, str]]:
    return [
        (str(u.id), f"{'— ' * max(u.depth, 0)}{u.name} ({u.code})")
        for u in accounts.unit_tree(_scope())
    ]


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        abort(400)
    return int(value)


# --- the class list and the class form -----------------------------------------------------------


@bp.route("/")
@access("role", ORGANIZER)
def index():
    """Classes of the organizer's units, filtered by course, unit and status, with counts."""
    unit_id = _int_arg("unit")
    page = services.class_page(
        in_scope_clause(TrainingClass.unit_id, ORGANIZER),
        course_id=_int_arg("course"),
        unit=get_unit_or_404(unit_id, need=ORGANIZER) if unit_id is not None else None,
        status=request.args.get("status", ""),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["LMS_PAGE_SIZE"],
    )
    return render_template(
        "lms/classes/index.html",
        page=page,
        courses=services.course_choices(),
        units=_unit_pairs(),
        statuses=status_choices(),
        status_labels=dict(status_choices()),
        status_of=services.status_of,
        mode_label=mode_label,
    )


def _fill_choices(form: ClassForm, training_class: TrainingClass | None) -> None:
    versions = list(
        db.session.scalars(
            select(CourseVersion)
            .where(CourseVersion.status == VersionStatus.PUBLISHED)
            .order_by(CourseVersion.title, CourseVersion.number)
        )
    )
    if training_class is not None and training_class.course_version not in versions:
        versions.append(training_class.course_version)
    form.course_version.choices = select_choices(
        [("", _("— choose a course —"))]
        + [(str(v.id), _("%(t)s (version %(n)d)", t=v.title, n=v.number)) for v in versions]
    )
    units = _unit_pairs()
    form.unit_id.choices = select_choices(units)
    form.self_enrol_unit_id.choices = select_choices([("", _("The organizing unit")), *units])
    form.trainer_ids.choices = select_choices(
        (p.user_id, f"{p.full_name} — {p.unit.name}" if p.unit else p.full_name)
        for p in services.trainer_candidates()
    )


def _class_data(form: ClassForm) -> services.ClassData:
    def unit(value: str) -> Unit | None:
        return db.session.get(Unit, int(value)) if value and value.isdigit() else None

    version_id = form.course_version.data or ""
    return services.ClassData(
        code=form.code.data or "",
        name=form.name.data or "",
        course_version=db.session.get(CourseVersion, int(version_id))
        if version_id.isdigit()
        else None,
        unit=unit(form.unit_id.data),
        mode=form.mode.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        location=form.location.data or "",
        capacity=form.capacity.data,
        enrol_opens_on=form.enrol_opens_on.data,
        enrol_closes_on=form.enrol_closes_on.data,
        decision_number=form.decision_number.data or "",
        decision_date=form.decision_date.data,
        decision_issuer=form.decision_issuer.data or "",
        self_enrol=form.self_enrol.data,
        self_enrol_unit=unit(form.self_enrol_unit_id.data),
        description=form.description.data or "",
        trainer_ids=list(form.trainer_ids.data or []),
    )


def _show_problems(form: ClassForm, problems: dict[str, str]) -> None:
    for key, message in problems.items():
        getattr(form, FORM_FIELDS.get(key, key)).errors.append(message)


@bp.route("/new", methods=["GET", "POST"])
@access("role", ORGANIZER)
def new():
    form = ClassForm()
    _fill_choices(form, None)
    if form.validate_on_submit():
        try:
            training_class = services.create_class(
                _class_data(form), scope=_scope(), actor_id=_actor()
            )
        except services.ClassInvalid as error:
            _show_problems(form, error.problems)
        else:
            flash(_("Class %(c)s opened.", c=training_class.code), "success")
            return redirect(url_for(".detail", class_id=training_class.id))
    status = 422 if form.errors else 200
    return render_template("lms/classes/form.html", form=form, training_class=None), status


@bp.route("/<int:class_id>/edit", methods=["GET", "POST"])
@access("role", ORGANIZER)
def edit(class_id: int):
    training_class = get_class_or_404(class_id)
    form = ClassForm(obj=training_class)
    _fill_choices(form, training_class)
    if request.method == "GET":
        form.course_version.data = str(training_class.course_version_id)
        form.unit_id.data = str(training_class.unit_id)
        form.self_enrol_unit_id.data = str(training_class.self_enrol_unit_id or "")
        form.trainer_ids.data = services.class_trainer_ids(training_class)
    if form.validate_on_submit():
        try:
            services.update_class(
                training_class, _class_data(form), scope=_scope(), actor_id=_actor()
            )
        except services.ClassInvalid as error:
            _show_problems(form, error.problems)
        else:
            flash(_("The class was saved."), "success")
            return redirect(url_for(".detail", class_id=class_id))
    status = 422 if form.errors else 200
    return render_template(
        "lms/classes/form.html", form=form, training_class=training_class
    ), status


@bp.route("/<int:class_id>")
@access("role", ORGANIZER)
def detail(class_id: int):
    training_class = get_class_or_404(class_id)
    enrolled = services.enrolled_count(training_class)
    return render_template(
        "lms/classes/detail.html",
        training_class=training_class,
        enrolled=enrolled,
        left=services.capacity_left(training_class, enrolled),
        trainers=services.class_trainers(training_class),
        decision=services.decision_label(training_class),
        status=services.status_of(training_class),
        mode_label=mode_label,
        window_open=services.enrolment_window_open(training_class),
    )


# --- enrolment -----------------------------------------------------------------------------------


def _enrol_page(training_class: TrainingClass, problems=(), status: int = 200, **forms):
    """The enrol page: people of the organizer's units to tick, a unit, a file to upload."""
    unit_id = _int_arg("unit")
    unit = get_unit_or_404(unit_id, need=ORGANIZER) if unit_id is not None else None
    page = accounts.people_in_scope(
        in_scope_clause(LearnerProfile.unit_id, ORGANIZER),
        search=request.args.get("q", ""),
        unit=unit,
        page=request.args.get("page", 1, type=int),
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
    unit_form.unit_id.choices = select_choices(_unit_pairs())
    enrolled = services.enrolled_count(training_class)
    return render_template(
        "lms/classes/enrol.html",
        training_class=training_class,
        page=page,
        states=states,
        units=[("", _("All my units")), *_unit_pairs()],
        problems=problems,
        unit_form=unit_form,
        import_form=forms.get("import_form") or ImportForm(),
        enrolled=enrolled,
        left=services.capacity_left(training_class, enrolled),
    ), status


@bp.route("/<int:class_id>/enrol", methods=["GET", "POST"])
@access("role", ORGANIZER)
def enrol(class_id: int):
    """GET: find people; POST: enrol the ticked ones (all or none)."""
    training_class = get_class_or_404(class_id)
    if request.method == "GET":
        return _enrol_page(training_class)
    user_ids = [uid for uid in request.form.getlist("user_id") if uid]
    if not user_ids:
        return _enrol_page(training_class, [_("Tick at least one person.")], 422)
    plan = importing.plan_people(training_class, user_ids, _scope())
    if plan.problems:
        return _enrol_page(training_class, [str(p) for p in plan.problems], 422)
    count = importing.apply_plan(training_class, plan, EnrolmentSource.ORGANIZER, _actor())
    flash(_("%(n)d people enrolled.", n=count), "success")
    return redirect(url_for(".roster", class_id=class_id))


@bp.route("/<int:class_id>/enrol-unit", methods=["POST"])
@access("role", ORGANIZER)
def enrol_unit(class_id: int):
    """Enrol everyone of a unit subtree who has never been in the class (all or none)."""
    training_class = get_class_or_404(class_id)
    form = UnitEnrolForm()
    form.unit_id.choices = select_choices(_unit_pairs())
    if not form.validate_on_submit():
        return _enrol_page(training_class, [], 422, unit_form=form)
    unit = get_unit_or_404(int(form.unit_id.data), need=ORGANIZER)
    plan = importing.plan_unit(training_class, unit, _scope())
    if plan.problems:
        return _enrol_page(training_class, [str(p) for p in plan.problems], 422, unit_form=form)
    count = importing.apply_plan(training_class, plan, EnrolmentSource.UNIT, _actor())
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


@bp.route("/<int:class_id>/import", methods=["POST"])
@access("role", ORGANIZER)
def import_preview(class_id: int):
    """Check an uploaded file and show what enrolling it would do; nothing is written yet."""
    training_class = get_class_or_404(class_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _enrol_page(training_class, [], 422, import_form=form)
    upload = form.file.data
    try:
        rows = importing.read_upload(upload.stream, upload.filename or "")
    except accounts.ServiceError as error:
        form.file.errors.append(str(error))
        return _enrol_page(training_class, [], 422, import_form=form)
    plan = importing.plan_rows(training_class, rows, _scope())
    return _preview(training_class, plan, upload.filename or "")


def _preview(training_class: TrainingClass, plan, filename: str, error: str = ""):
    confirm = ConfirmImportForm()
    if not plan.problems and plan.planned and not error:
        confirm.token.data = importing.plan_token(training_class, plan, _actor())
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


@bp.route("/<int:class_id>/import/confirm", methods=["POST"])
@access("role", ORGANIZER)
def import_confirm(class_id: int):
    """Enrol the rows of a checked preview, after checking every one of them again."""
    training_class = get_class_or_404(class_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = importing.plan_from_token(training_class, form.token.data, _actor(), _scope())
    except accounts.ServiceError as error:
        return _preview(training_class, importing.EnrolPlan(), "", error=str(error))
    if plan.problems:
        return _preview(training_class, plan, "")
    count = importing.apply_plan(training_class, plan, EnrolmentSource.IMPORT, _actor())
    flash(_("%(n)d people enrolled.", n=count), "success")
    return redirect(url_for(".roster", class_id=class_id))


# --- roster, withdraw and re-enrol ---------------------------------------------------------------


def _roster(training_class: TrainingClass, error: str = "", status: int = 200):
    show = request.args.get("status", EnrolmentStatus.ENROLLED)
    if show not in set(EnrolmentStatus):
        abort(400)
    page = exports.roster_page(
        training_class,
        show,
        page=request.args.get("page", 1, type=int),
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


@bp.route("/<int:class_id>/roster")
@access("role", ORGANIZER)
def roster(class_id: int):
    """Every learner with unit, progress and last activity, in Vietnamese name order."""
    return _roster(get_class_or_404(class_id))


def _enrolment_or_404(training_class: TrainingClass, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.class_id != training_class.id:
        abort(404)
    return enrolment


@bp.route("/<int:class_id>/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@access("role", ORGANIZER)
def withdraw(class_id: int, enrolment_id: int):
    training_class = get_class_or_404(class_id)
    enrolment = _enrolment_or_404(training_class, enrolment_id)
    try:
        services.withdraw(enrolment, actor_id=_actor())
    except accounts.ServiceError as error:
        return _roster(training_class, str(error), 409)
    flash(_("The learner was withdrawn; their progress is kept."), "success")
    return redirect(url_for(".roster", class_id=class_id))


@bp.route("/<int:class_id>/enrolments/<int:enrolment_id>/reenrol", methods=["POST"])
@access("role", ORGANIZER)
def reenrol(class_id: int, enrolment_id: int):
    training_class = get_class_or_404(class_id)
    enrolment = _enrolment_or_404(training_class, enrolment_id)
    try:
        services.enrol(
            training_class,
            enrolment.user_id,
            EnrolmentSource.ORGANIZER,
            actor_id=_actor(),
            scope=_scope(),
        )
    except accounts.ServiceError as error:
        return _roster(training_class, str(error), 409)
    flash(_("The learner is enrolled again."), "success")
    return redirect(url_for(".roster", class_id=class_id, status=EnrolmentStatus.WITHDRAWN))


@bp.route("/<int:class_id>/export/<name>.<fmt>")
@access("role", ORGANIZER)
def export(class_id: int, name: str, fmt: str):
    """Download an export of the class as XLSX or CSV (streamed; memory stays flat)."""
    training_class = get_class_or_404(class_id)
    spec = exports.EXPORTS.get(name)
    if spec is None or fmt not in exports.FORMATS:
        abort(404)
    download = exports.file_name(spec, training_class, fmt)
    if fmt == "csv":
        response = current_app.response_class(
            stream_with_context(exports.csv_chunks(spec, training_class)),
            mimetype=exports.FORMATS["csv"],
        )
        response.headers.set("Content-Disposition", "attachment", filename=download)
        return response
    return send_file(
        exports.xlsx_file(spec, training_class),
        mimetype=exports.FORMATS["xlsx"],
        as_attachment=True,
        download_name=download,
    )


# --- the learner's side --------------------------------------------------------------------------


@bp.route("/<int:class_id>/enrol-self", methods=["POST"])
@access(LOGIN)
def self_enrol(class_id: int):
    """A learner enrols themselves in a class open for self-enrolment."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    profile = accounts.ensure_profile(current_user)
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("lms.main.home")
    try:
        services.enrol_self(training_class, profile.user_id)
    except accounts.ServiceError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(_("You are enrolled in %(c)s.", c=training_class.name), "success")
    if "lms.learn.class_home" in current_app.view_functions:
        return redirect(url_for("lms.learn.class_home", class_id=class_id))
    return redirect(url_for("lms.main.home"))
