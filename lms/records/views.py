"""Pages of the records area: the learner's own record, a person's record for the organizers
and admins whose units hold them, external training and its scans, yearly targets, the
organizer's report, and the successors of ceased units."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import LearnerProfile, Role, Unit
from lms.accounts.permissions import (
    can,
    get_profile_or_404,
    get_unit_or_404,
    in_scope_clause,
    scope_units,
)
from lms.accounts.services import ServiceError
from lms.accounts.sessions import loads_profile
from lms.api.services import default_period
from lms.forms import unit_choices, unit_label
from lms.records import evidence, exports, reports, services
from lms.records.charts import bar_chart
from lms.records.forms import (
    ExternalForm,
    ReportFilter,
    SuccessorForm,
    TargetForm,
    kind_label,
)
from lms.records.models import ExternalTraining, YearlyTarget
from lms.routing import coerce_id
from lms.security import LOGIN, access

bp = Blueprint("records", __name__, url_prefix="/records")

ORGANIZER = Role.ORGANIZER
ADMIN = Role.ADMIN
FORMATS = ("pdf", "xlsx")


def _unit(value: str, need: str) -> Unit:
    """A unit chosen in a form, once its id is read (400 for no id) and authorised."""
    try:
        unit_id = coerce_id(value)
    except ValueError:
        abort(400)
    return get_unit_or_404(unit_id, need=need)


def _export(record: services.Record, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    if fmt == "pdf":
        return exports.send_record_pdf(record)
    return exports.record_xlsx(record)


# --- records -------------------------------------------------------------------------------------


@bp.route("/me")
@access(LOGIN)
@loads_profile
def mine():
    profile = accounts.ensure_profile(current_user)
    return render_template(
        "lms/records/mine.html",
        record=services.training_record(profile),
        kind_label=kind_label,
    )


@bp.route("/me/record.<fmt>")
@access(LOGIN)
@loads_profile
def my_export(fmt: str):
    return _export(services.training_record(accounts.ensure_profile(current_user)), fmt)


@bp.route("/people/<user_id>")
@access("role", ORGANIZER)
def person(user_id: str):
    profile = get_profile_or_404(user_id, need=ORGANIZER)
    return render_template(
        "lms/records/person.html",
        profile=profile,
        record=services.training_record(profile),
        kind_label=kind_label,
    )


@bp.route("/people/<user_id>/record.<fmt>")
@access("role", ORGANIZER)
def person_export(user_id: str, fmt: str):
    return _export(services.training_record(get_profile_or_404(user_id, need=ORGANIZER)), fmt)


@bp.route("/people/<user_id>/external", methods=["GET", "POST"])
@access("role", ORGANIZER)
def external_new(user_id: str):
    profile = get_profile_or_404(user_id, need=ORGANIZER)
    form = ExternalForm()
    status = 200
    if form.validate_on_submit():
        upload = form.scan.data
        try:
            evidence.add_external(
                profile.user_id,
                kind=form.kind.data,
                title=form.title.data,
                provider=form.provider.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                periods=form.periods.data,
                result=form.result.data or "",
                evidence_number=form.evidence_number.data,
                scan=upload.stream if upload and upload.filename else None,
            )
        except evidence.ScanError as error:
            form.scan.errors = [str(error)]
            status = error.status
        except ServiceError as error:
            form.title.errors = [str(error)]
            status = 422
        else:
            flash(_("The external training was added to the record."), "success")
            return redirect(url_for(".person", user_id=profile.user_id), 303)
    elif form.is_submitted():
        status = 422
    return render_template("lms/records/external_form.html", profile=profile, form=form), status


def _external_or_404(item_id: int) -> ExternalTraining:
    item = db.session.get(ExternalTraining, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/external/<lms_id:item_id>/delete", methods=["POST"])
@access("role", ORGANIZER)
def external_delete(item_id: int):
    item = _external_or_404(item_id)
    profile = get_profile_or_404(item.user_id, need=ORGANIZER)
    evidence.delete_external(item)
    flash(_("The external training was removed from the record."), "success")
    return redirect(url_for(".person", user_id=profile.user_id), 303)


@bp.route("/external/<lms_id:item_id>/scan")
@access(LOGIN)
def scan(item_id: int):
    """The evidence scan: for the official it belongs to and the organizers of their unit."""
    item = _external_or_404(item_id)
    if item.user_id != str(current_user.get_id()):
        profile = db.session.get(LearnerProfile, item.user_id)
        if profile is None or not can(ORGANIZER, profile.unit):
            abort(403)
    return evidence.send_scan(item)


# --- yearly targets ------------------------------------------------------------------------------


def _scope_tree() -> list[Unit]:
    return accounts.unit_tree(scope_units(ORGANIZER))


@bp.route("/targets", methods=["GET", "POST"])
@access("role", ORGANIZER)
def targets():
    tree = _scope_tree()
    form = TargetForm()
    form.unit_id.choices = unit_choices(tree)
    if request.method == "GET":
        form.year.data = default_period()[0].year
    status = 200
    if form.validate_on_submit():
        unit = _unit(form.unit_id.data, ORGANIZER)
        try:
            services.set_target(
                unit, form.year.data, form.rank.data, form.position.data or "", form.periods.data
            )
        except ServiceError as error:
            form.periods.errors = [str(error)]
            status = 422
        else:
            flash(_("The yearly target was saved."), "success")
            return redirect(url_for(".targets"), 303)
    elif form.is_submitted():
        status = 422
    rows = services.targets_in(in_scope_clause(YearlyTarget.unit_id, ORGANIZER))
    return render_template("lms/records/targets.html", form=form, targets=rows), status


@bp.route("/targets/<lms_id:target_id>/delete", methods=["POST"])
@access("role", ORGANIZER)
def target_delete(target_id: int):
    target = db.session.get(YearlyTarget, target_id)
    if target is None:
        abort(404)
    get_unit_or_404(target.unit_id, need=ORGANIZER)
    services.delete_target(target)
    flash(_("The yearly target was deleted."), "success")
    return redirect(url_for(".targets"), 303)


# --- the report ----------------------------------------------------------------------------------


def _report_request() -> tuple[ReportFilter, reports.Report | None, int]:
    tree = _scope_tree()
    form = ReportFilter(request.args)
    form.unit.choices = [(str(unit.id), unit_label(unit)) for unit in tree]
    if not request.args:
        starts_on, ends_on = default_period()
        form.starts_on.data, form.ends_on.data = starts_on, ends_on
        form.unit.data = str(tree[0].id) if tree else ""
        form.basis.data = reports.CLASSES
    elif not form.validate():
        return form, None, 400
    if form.starts_on.data > form.ends_on.data or not _sane(form.starts_on.data, form.ends_on.data):
        form.ends_on.errors = [_("The period must end after it starts, between 2000 and 2100.")]
        return form, None, 400
    if not tree:
        abort(403)
    unit = _unit(form.unit.data, ORGANIZER)
    report = reports.build(
        unit,
        form.starts_on.data,
        form.ends_on.data,
        bool(form.merged.data),
        form.basis.data or reports.CLASSES,
    )
    return form, report, 200


def _sane(starts_on: date, ends_on: date) -> bool:
    return starts_on.year >= 2000 and ends_on.year <= 2100


@bp.route("/report")
@access("role", ORGANIZER)
def report():
    form, result, status = _report_request()
    charts = {}
    if result is not None:
        charts = {
            "turns": bar_chart(
                _("Participant-turns by unit"), [(f.label, f.turns) for f in result.rows["unit"]]
            ),
            "completion": bar_chart(
                _("Completion rate by topic (percent)"),
                [(f.label, f.completion_rate) for f in result.rows["topic"]],
                percent=True,
            ),
            "level": bar_chart(
                _("Learners by level"), [(f.label, f.learners) for f in result.rows["level"]]
            ),
        }
    return (
        render_template("lms/records/report.html", form=form, report=result, charts=charts),
        status,
    )


@bp.route("/report.xlsx")
@access("role", ORGANIZER)
def report_export():
    form, result, status = _report_request()
    if result is None:
        return render_template("lms/records/report.html", form=form, report=None), status
    return exports.report_xlsx(result)


# --- successors of ceased units ------------------------------------------------------------------


@bp.route("/units", methods=["GET", "POST"])
@access("role", ADMIN)
def successors():
    tree = accounts.unit_tree(scope_units(ADMIN))
    ceased = [unit for unit in tree if unit.retired]
    form = SuccessorForm()
    form.successor_id.choices = unit_choices(tree)
    status = 200
    if request.method == "POST":
        unit = _unit(request.form.get("unit_id", ""), ADMIN)
        if form.validate():
            successor = _unit(form.successor_id.data, ADMIN)
            try:
                services.set_successor(unit, successor)
            except ServiceError as error:
                flash(str(error), "error")
                status = 422
            else:
                flash(_("The successor of %(u)s was saved.", u=unit.name), "success")
                return redirect(url_for(".successors"), 303)
        else:
            status = 422
    return (
        render_template(
            "lms/records/successors.html",
            ceased=ceased,
            successors=services.successors_of([unit.id for unit in ceased]),
            form=form,
        ),
        status,
    )
