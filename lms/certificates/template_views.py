"""Certificate templates of the organizer's units: the list, the form, and a sample PDF."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import can, get_unit_or_404, in_scope_clause, scope_units
from lms.accounts.services import unit_tree
from lms.certificates import settings
from lms.certificates.blueprint import bp
from lms.certificates.fields import CERTIFICATE_FIELDS, DEFAULT_FIELDS
from lms.certificates.forms import TemplateForm
from lms.certificates.models import CertificateTemplate
from lms.certificates.sample import sample_pdf
from lms.forms import unit_choices
from lms.routing import parse_id
from lms.security import access

ORGANIZER = Role.ORGANIZER


def get_template_or_404(template_id: int) -> CertificateTemplate:
    template = db.session.get(CertificateTemplate, template_id)
    if template is None:
        abort(404)
    if not can(ORGANIZER, db.session.get(Unit, template.unit_id)):
        abort(403)
    return template


@bp.route("/templates")
@access("role", ORGANIZER)
def templates():
    items = list(
        db.session.execute(
            select(CertificateTemplate, Unit.name)
            .join(Unit, Unit.id == CertificateTemplate.unit_id)
            .where(in_scope_clause(CertificateTemplate.unit_id, ORGANIZER))
            .order_by(Unit.path, CertificateTemplate.name)
        )
    )
    return render_template("lms/certificates/templates.html", items=items)


def _form(template: CertificateTemplate | None) -> TemplateForm:
    form = TemplateForm(obj=template)
    form.unit_id.choices = unit_choices(unit_tree(scope_units(ORGANIZER)))
    form.fields.choices = [(key, str(field.label)) for key, field in CERTIFICATE_FIELDS.items()]
    return form


def _save(form: TemplateForm, template: CertificateTemplate | None):
    unit_id = parse_id(form.unit_id.data or "")
    unit = get_unit_or_404(unit_id, need=ORGANIZER) if unit_id else None
    data = settings.TemplateData(
        unit=unit,
        name=form.name.data or "",
        heading=form.heading.data or "",
        issuer=form.issuer.data or "",
        signer_name=form.signer_name.data or "",
        signer_title=form.signer_title.data or "",
        issue_place=form.issue_place.data or "",
        fields=list(form.fields.data or []),
    )
    try:
        saved = settings.save_template(template, data, str(current_user.get_id()))
    except settings.TemplateInvalid as error:
        for key, message in error.problems.items():
            getattr(form, key).errors.append(message)
        return None
    flash(_("The template was saved."), "success")
    return redirect(url_for(".template_edit", template_id=saved.id), 303)


@bp.route("/templates/new", methods=["GET", "POST"])
@access("role", ORGANIZER)
def template_new():
    form = _form(None)
    if not form.is_submitted():
        form.heading.data = _("Certificate")
        form.fields.data = list(DEFAULT_FIELDS)
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template(
        "lms/certificates/template_form.html", form=form, template=None
    ), 422 if form.errors else 200


@bp.route("/templates/<lms_id:template_id>", methods=["GET", "POST"])
@access("role", ORGANIZER)
def template_edit(template_id: int):
    template = get_template_or_404(template_id)
    form = _form(template)
    if not form.is_submitted():
        form.unit_id.data = str(template.unit_id)
    if form.validate_on_submit() and (done := _save(form, template)):
        return done
    return render_template(
        "lms/certificates/template_form.html", form=form, template=template
    ), 422 if form.errors else 200


@bp.route("/templates/<lms_id:template_id>/sample.pdf")
@access("role", ORGANIZER)
def template_sample(template_id: int):
    """The template printed with a sample learner (not a certificate: marked as a sample)."""
    template = get_template_or_404(template_id)
    with force_locale(current_app.config["LMS_DEFAULT_LOCALE"]):
        document = sample_pdf(template)
    response = Response(document, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=f"mau-{template.id}.pdf")
    return response
