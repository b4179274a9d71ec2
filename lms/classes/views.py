"""Organizer pages of a class: the class list, the class form and page, the roster and its
exports. Organizers see the classes of the units where they hold the organizer role (admins see
all); every class page loads the class, then checks that. The enrolment routes of the same
blueprint (`pages.bp`) live in `enrolment_views`.
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.models import Unit
from lms.accounts.permissions import get_unit_or_404, in_scope_clause
from lms.classes import enrolment as enrolments
from lms.classes import (
    enrolment_views,  # noqa: F401 (its routes join bp)
    exports,
    listing,
    services,
)
from lms.classes.forms import ClassForm, mode_label, status_choices
from lms.classes.models import TrainingClass
from lms.classes.pages import (
    ORGANIZER,
    actor_id,
    bp,
    get_class_or_404,
    organizer_units,
    render_roster,
    unit_choices,
)
from lms.courses.models import CourseVersion, VersionStatus
from lms.forms import select_choices
from lms.routing import query_int
from lms.security import access

#: ClassInvalid problem keys that name a differently called form field.
FORM_FIELDS = {"unit": "unit_id", "self_enrol_unit": "self_enrol_unit_id"}


# --- the class list and the class form ------------------------------------------------------------


@bp.route("/")
@access("role", ORGANIZER)
def index():
    """Classes of the organizer's units, filtered by course, unit and status, with counts."""
    unit_id = query_int("unit")
    page = listing.class_page(
        in_scope_clause(TrainingClass.unit_id, ORGANIZER),
        course_id=query_int("course"),
        unit=get_unit_or_404(unit_id, need=ORGANIZER) if unit_id is not None else None,
        status=request.args.get("status", ""),
        page=query_int("page", 1),
        per_page=current_app.config["LMS_PAGE_SIZE"],
    )
    return render_template(
        "lms/classes/index.html",
        page=page,
        courses=listing.course_choices(),
        units=unit_choices(),
        statuses=status_choices(),
        status_labels=dict(status_choices()),
        status_of=listing.status_of,
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
    units = unit_choices()
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
                _class_data(form), scope=organizer_units(), actor_id=actor_id()
            )
        except services.ClassInvalid as error:
            _show_problems(form, error.problems)
        else:
            flash(_("Class %(c)s opened.", c=training_class.code), "success")
            return redirect(url_for(".detail", class_id=training_class.id))
    status = 422 if form.errors else 200
    return render_template("lms/classes/form.html", form=form, training_class=None), status


@bp.route("/<lms_id:class_id>/edit", methods=["GET", "POST"])
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
                training_class, _class_data(form), scope=organizer_units(), actor_id=actor_id()
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


@bp.route("/<lms_id:class_id>")
@access("role", ORGANIZER)
def detail(class_id: int):
    training_class = get_class_or_404(class_id)
    enrolled = enrolments.enrolled_count(training_class)
    return render_template(
        "lms/classes/detail.html",
        training_class=training_class,
        enrolled=enrolled,
        left=enrolments.capacity_left(training_class, enrolled),
        trainers=services.class_trainers(training_class),
        decision=listing.decision_label(training_class),
        status=listing.status_of(training_class),
        mode_label=mode_label,
        window_open=enrolments.enrolment_window_open(training_class),
    )


# --- roster and exports ---------------------------------------------------------------------------


@bp.route("/<lms_id:class_id>/roster")
@access("role", ORGANIZER)
def roster(class_id: int):
    """Every learner with unit, progress and last activity, in Vietnamese name order."""
    return render_roster(get_class_or_404(class_id))


@bp.route("/<lms_id:class_id>/export/<name>.<fmt>")
@access("role", ORGANIZER)
def export(class_id: int, name: str, fmt: str):
    """Download an export of the class as XLSX or CSV (streamed; memory stays flat)."""
    training_class = get_class_or_404(class_id)
    spec = exports.EXPORTS.get(name)
    if spec is None or fmt not in exports.FORMATS:
        abort(404)
    return exports.download(spec, training_class, fmt)
