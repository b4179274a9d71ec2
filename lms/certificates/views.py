"""Organizer and trainer pages of a class's completion and certificates: the learners with the
rules they meet and miss, the rules and policy form, issuing (one learner, or every eligible one
as a background job), sign-offs, a certificate's page with revoke and reissue, the bulk ZIP with
its progress, and the certificate register. Templates live in `template_views`, the learner's
own pages in `learner_views`.
"""

from flask import abort, current_app, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.accounts.models import Role
from lms.accounts.permissions import can
from lms.certificates import (
    completion,
    exports,
    jobs,
    learner_views,  # noqa: F401 (its routes join bp)
    overview,
    services,
    settings,
    signoffs,
    template_views,  # noqa: F401 (its routes join bp)
)
from lms.certificates.blueprint import bp
from lms.certificates.forms import ActionForm, LearnerForm, ReasonForm, RulesForm
from lms.certificates.models import Certificate, CertificateJob
from lms.classes.models import TrainingClass
from lms.classes.pages import get_class_or_404
from lms.courses.progress import teaches
from lms.forms import select_choices
from lms.i18n import format_date
from lms.routing import query_int
from lms.security import access
from lms.tabular import writing

ORGANIZER = Role.ORGANIZER


def actor_id() -> str:
    return str(current_user.get_id())


def get_class_for_trainer_or_404(class_id: int) -> tuple[TrainingClass, bool]:
    """A class the user organizes or teaches; (class, organizes it)."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    organizes = can(ORGANIZER, training_class.unit)
    if not organizes and not teaches(class_id, actor_id()):
        abort(403)
    return training_class, organizes


def get_certificate_or_404(certificate_id: int) -> Certificate:
    """A certificate of a class the user organizes (404 missing, 403 not theirs)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    get_class_or_404(certificate.class_id)
    return certificate


def get_job_or_404(job_id: int) -> CertificateJob:
    job = db.session.get(CertificateJob, job_id)
    if job is None:
        abort(404)
    get_class_or_404(job.class_id)
    return job


# --- the class's completion page -----------------------------------------------------------------


@bp.route("/classes/<lms_id:class_id>")
@access("role", Role.TRAINER, ORGANIZER)
def class_page(class_id: int):
    training_class, organizes = get_class_for_trainer_or_404(class_id)
    view = overview.class_overview(
        training_class, query_int("page", 1), current_app.config["LMS_PAGE_SIZE"]
    )
    try:
        template = services.template_for(training_class)
        template_problem = ""
    except services.CertificateError as error:
        template, template_problem = None, str(error)
    return render_template(
        "lms/certificates/class.html",
        training_class=training_class,
        organizes=organizes,
        view=view,
        policy=completion.policy_of(class_id),
        template=template,
        template_problem=template_problem,
        explain=completion.explain,
        form=ActionForm(),
        learner_form=LearnerForm(),
        formats=writing.FORMATS,
    )


def _back(class_id: int):
    return redirect(url_for(".class_page", class_id=class_id), 303)


@bp.route("/classes/<lms_id:class_id>/rules", methods=["GET", "POST"])
@access("role", ORGANIZER)
def rules(class_id: int):
    """The class's completion rules and certificate policy."""
    training_class = get_class_or_404(class_id)
    form = RulesForm()
    quizzes = completion.rule_quizzes_of_class(class_id)
    form.quiz_ids.choices = select_choices((quiz.id, quiz.title) for quiz in quizzes)
    templates = settings.usable_templates(training_class)
    form.template_id.choices = select_choices(
        [("", _("The unit's newest template"))]
        + [(str(template.id), template.name) for template in templates]
    )
    current = completion.class_rules(class_id)
    policy = completion.policy_of(class_id)
    if not form.is_submitted():
        form.modules.data = any(rule.kind == "modules" for rule in current)
        form.quiz_ids.data = [rule.quiz_id for rule in current if rule.kind == "quiz"]
        form.attendance.data = next(
            (rule.min_percent for rule in current if rule.kind == "attendance"), None
        )
        form.signoff.data = any(rule.kind == "signoff" for rule in current)
        form.template_id.data = str(policy.template_id or "")
        form.auto_issue.data = bool(policy.auto_issue)
        form.valid_months.data = policy.valid_months
    if form.validate_on_submit():
        template_id = form.template_id.data
        try:
            settings.save_policy(
                training_class,
                settings.PolicyChoice(
                    template_id=int(template_id) if template_id else None,
                    auto_issue=form.auto_issue.data,
                    valid_months=form.valid_months.data,
                ),
                actor_id(),
            )
            settings.save_rules(
                training_class,
                settings.RuleChoice(
                    modules=form.modules.data,
                    quiz_ids=tuple(form.quiz_ids.data or ()),
                    attendance=form.attendance.data,
                    signoff=form.signoff.data,
                ),
                actor_id(),
            )
        except services.CertificateError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The completion rules were saved."), "success")
            return _back(class_id)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "lms/certificates/rules.html", training_class=training_class, form=form
    ), status


@bp.route("/classes/<lms_id:class_id>/issue", methods=["POST"])
@access("role", ORGANIZER)
def issue_learner(class_id: int):
    """Issue one learner's certificate now."""
    get_class_or_404(class_id)
    form = LearnerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        certificate = services.issue(class_id, form.user_id.data, actor_id=actor_id())
    except services.CertificateError as error:
        flash(str(error), "error")
        return _back(class_id)
    flash(_("Certificate %(s)s issued.", s=certificate.serial), "success")
    return _back(class_id)


@bp.route("/classes/<lms_id:class_id>/issue-all", methods=["POST"])
@access("role", ORGANIZER)
def issue_all(class_id: int):
    """Issue every eligible learner's certificate, as a background job with a progress bar."""
    get_class_or_404(class_id)
    job = jobs.start(jobs.ISSUE, class_id, actor_id(), services.public_base_url())
    return redirect(url_for(".job", job_id=job.id), 303)


@bp.route("/classes/<lms_id:class_id>/sign-off", methods=["POST"])
@access("role", Role.TRAINER, ORGANIZER)
def sign_off(class_id: int):
    """Sign a learner off (a trainer of the class, or an organizer)."""
    get_class_for_trainer_or_404(class_id)
    form = LearnerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        signoffs.sign_off(class_id, form.user_id.data, actor_id(), form.note.data or "")
    except services.CertificateError as error:
        flash(str(error), "error")
    else:
        flash(_("Signed off."), "success")
    return _back(class_id)


@bp.route("/classes/<lms_id:class_id>/sign-off/withdraw", methods=["POST"])
@access("role", Role.TRAINER, ORGANIZER)
def withdraw_sign_off(class_id: int):
    get_class_for_trainer_or_404(class_id)
    form = LearnerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        signoffs.withdraw(class_id, form.user_id.data, actor_id())
    except services.CertificateError as error:
        flash(str(error), "error")
    else:
        flash(_("The sign-off was withdrawn."), "success")
    return _back(class_id)


# --- one certificate -----------------------------------------------------------------------------


@bp.route("/<lms_id:certificate_id>")
@access("role", ORGANIZER)
def certificate(certificate_id: int):
    item = get_certificate_or_404(certificate_id)
    return render_template(
        "lms/certificates/certificate.html",
        certificate=item,
        facts=services.facts_of(item),
        status=services.status_of(item),
        training_class=db.session.get(TrainingClass, item.class_id),
        revoke_form=ReasonForm(),
        reissue_form=ReasonForm(),
        format_date=format_date,
    )


@bp.route("/<lms_id:certificate_id>/revoke", methods=["POST"])
@access("role", ORGANIZER)
def revoke(certificate_id: int):
    item = get_certificate_or_404(certificate_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason."), "error")
        return redirect(url_for(".certificate", certificate_id=certificate_id), 303)
    try:
        services.revoke(item, form.reason.data, actor_id())
    except services.CertificateError as error:
        flash(str(error), "error")
    else:
        flash(_("Certificate %(s)s revoked.", s=item.serial), "success")
    return redirect(url_for(".certificate", certificate_id=certificate_id), 303)


@bp.route("/<lms_id:certificate_id>/reissue", methods=["POST"])
@access("role", ORGANIZER)
def reissue(certificate_id: int):
    item = get_certificate_or_404(certificate_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason."), "error")
        return redirect(url_for(".certificate", certificate_id=certificate_id), 303)
    try:
        new = services.reissue(item, form.reason.data, actor_id())
    except services.CertificateError as error:
        flash(str(error), "error")
        return redirect(url_for(".certificate", certificate_id=certificate_id), 303)
    flash(_("Certificate %(s)s issued in its place.", s=new.serial), "success")
    return redirect(url_for(".certificate", certificate_id=new.id), 303)


# --- bulk files ----------------------------------------------------------------------------------


@bp.route("/classes/<lms_id:class_id>/zip", methods=["POST"])
@access("role", ORGANIZER)
def start_zip(class_id: int):
    """Build the ZIP of the class's certificates in the background; its page shows progress."""
    get_class_or_404(class_id)
    job = jobs.start(jobs.ZIP, class_id, actor_id())
    return redirect(url_for(".job", job_id=job.id), 303)


@bp.route("/jobs/<lms_id:job_id>")
@access("role", ORGANIZER)
def job(job_id: int):
    item = get_job_or_404(job_id)
    return render_template(
        "lms/certificates/job.html",
        job=item,
        training_class=db.session.get(TrainingClass, item.class_id),
        progress=jobs.progress(item),
    )


@bp.route("/jobs/<lms_id:job_id>.json")
@access("role", ORGANIZER)
def job_status(job_id: int):
    """The job's progress, polled by the page's script."""
    return jsonify(jobs.progress(get_job_or_404(job_id)))


@bp.route("/jobs/<lms_id:job_id>/download")
@access("role", ORGANIZER)
def job_file(job_id: int):
    item = get_job_or_404(job_id)
    path = jobs.zip_path(item)
    if path is None:
        abort(404)
    training_class = db.session.get(TrainingClass, item.class_id)
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=jobs.zip_name(training_class),
    )


@bp.route("/classes/<lms_id:class_id>/export/<name>.<fmt>")
@access("role", ORGANIZER)
def export(class_id: int, name: str, fmt: str):
    """The certificate register of the class as XLSX or CSV."""
    training_class = get_class_or_404(class_id)
    spec = exports.EXPORTS.get(name)
    if spec is None or fmt not in writing.FORMATS:
        abort(404)
    return writing.download(
        exports.table(spec, class_id), f"{spec.file_stem}-{training_class.code}.{fmt}", fmt
    )
