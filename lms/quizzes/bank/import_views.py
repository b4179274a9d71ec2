"""Question-bank import and export pages, on the `banks` blueprint (`pages.bp`).

An import is checked and previewed first; the confirm step re-reads the file's text from a signed
token, so nothing is stored between the two steps.
"""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import Role
from lms.accounts.services import ServiceError
from lms.courses.attachments import size_label
from lms.forms import select_choices
from lms.quizzes.bank import categories
from lms.quizzes.bank import services as banks
from lms.quizzes.bank.forms import ConfirmImportForm, ImportForm, read_import, sign_import
from lms.quizzes.bank.pages import bank_page, bp, type_labels
from lms.quizzes.formats import FORMATS, UnsupportedQuestionError
from lms.quizzes.formats.base import decode
from lms.quizzes.models import QuestionBank
from lms.quizzes.permissions import get_bank_or_404
from lms.security import access

TRAINER = Role.TRAINER
#: A question file larger than this is refused (a bank of thousands of questions is far less).
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _import_limit() -> int:
    return min(MAX_IMPORT_BYTES, int(current_app.config["LMS_UPLOAD_MAX_BYTES"]))


def _import_form(bank: QuestionBank, **kwargs) -> ImportForm:
    form = ImportForm(**kwargs)
    form.category.choices = select_choices(
        [("", _("the categories named in the file"))]
        + [(p, p) for p in categories.category_paths(bank)]
    )
    return form


def _import_page(bank, form, status=200, **context):
    page = render_template(
        "lms/banks/import.html",
        bank=bank,
        form=form,
        labels=type_labels(),
        max_size=size_label(_import_limit()),
        **context,
    )
    return page, status


def _parse(fmt: str, source: str | bytes, filename: str, category: str):
    result = FORMATS[fmt].parse(source, filename)
    if category:
        for item in result.questions:
            item.category = category
    return result


@bp.route("/<lms_id:bank_id>/import", methods=["GET", "POST"])
@access("role", TRAINER)
def import_file(bank_id: int):
    """Upload a file: every question is checked and the changes counted; nothing is written."""
    target = get_bank_or_404(bank_id, edit=True)
    form = _import_form(target)
    if request.method == "GET":
        return _import_page(target, form)
    if not form.validate_on_submit():
        return _import_page(target, form, 422)
    upload = form.file.data
    filename = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    raw = upload.stream.read(_import_limit() + 1)
    if len(raw) > _import_limit():
        form.file.errors.append(
            _("The file is larger than %(size)s.", size=size_label(_import_limit()))
        )
        return _import_page(target, form, 413)
    result = _parse(form.format.data, raw, filename, form.category.data or "")
    if result.errors:
        return _import_page(target, form, 422, errors=[str(e) for e in result.errors])
    warnings = [str(w) for w in result.warnings]
    if not result.questions:
        form.file.errors.append(_("The file holds no questions."))
        return _import_page(target, form, 422, warnings=warnings)
    payload = {
        "bank": target.id,
        "actor": str(current_user.get_id()),
        "format": form.format.data,
        "filename": filename,
        "category": form.category.data or "",
        "text": decode(raw, filename),
    }
    confirm = ConfirmImportForm(formdata=None, token=sign_import(payload))
    summary = banks.preview_import(target, result.questions)
    return _import_page(
        target,
        form,
        summary=summary,
        confirm=confirm,
        filename=filename,
        warnings=warnings,
        skipped=result.skipped,
    )


@bp.route("/<lms_id:bank_id>/import/confirm", methods=["POST"])
@access("role", TRAINER)
def import_confirm(bank_id: int):
    """Import the previewed file, read again from the signed token (all or nothing)."""
    target = get_bank_or_404(bank_id, edit=True)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = read_import(form.token.data, target.id, str(current_user.get_id()))
    except ServiceError as error:
        return _import_page(target, _import_form(target, formdata=None), 422, errors=[str(error)])
    result = _parse(payload["format"], payload["text"], payload["filename"], payload["category"])
    if result.errors:
        return _import_page(
            target, _import_form(target, formdata=None), 422, errors=[str(e) for e in result.errors]
        )
    summary = banks.import_questions(target, result.questions)
    message = _(
        "Imported %(total)d questions (%(new)d new, %(changed)d changed, %(same)d unchanged).",
        total=summary.total,
        new=summary.created,
        changed=summary.updated,
        same=summary.unchanged,
    )
    if result.skipped:
        message += " " + _(
            "%(n)d question(s) of types the LMS does not have were skipped.", n=result.skipped
        )
    flash(message, "success")
    return redirect(url_for(".bank", bank_id=bank_id), 303)


EXPORTS = {"gift": ("gift", "text/plain"), "moodlexml": ("xml", "application/xml")}


@bp.route("/<lms_id:bank_id>/export/<any(gift, moodlexml):fmt>")
@access("role", TRAINER)
def export(bank_id: int, fmt: str):
    """The bank's current questions as a GIFT or Moodle XML file to download."""
    target = get_bank_or_404(bank_id)
    try:
        text = FORMATS[fmt].dump(banks.bank_questions(target))
    except UnsupportedQuestionError as error:
        return bank_page(target, 409, error=str(error))
    extension, mimetype = EXPORTS[fmt]
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{target.slug}.{extension}"'},
    )
