"""Copying a question bank, on the `banks` blueprint (`pages.bp`): a page saying what the copy
will hold with the form naming it, then the copy itself.

Every trainer reads every bank, so any of them may copy one, into a unit where they author.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import get_unit_or_404, scope_units
from lms.accounts.services import ServiceError, unit_tree
from lms.forms import unit_choices
from lms.quizzes.bank import copying
from lms.quizzes.bank.forms import BankForm
from lms.quizzes.bank.pages import bp, type_labels
from lms.quizzes.models import QuestionBank
from lms.quizzes.permissions import get_bank_or_404
from lms.security import access

TRAINER = Role.TRAINER


def _copy_form(**kwargs) -> BankForm:
    """The form naming the copy, offering the units where the user authors."""
    form = BankForm(**kwargs)
    form.owner_unit_id.choices = unit_choices(unit_tree(scope_units(TRAINER)))
    return form


def _copy_page(bank: QuestionBank, form: BankForm, status: int = 200):
    page = render_template(
        "lms/banks/copy.html",
        bank=bank,
        owner=db.session.get(Unit, bank.owner_unit_id) if bank.owner_unit_id else None,
        contents=copying.bank_contents(bank),
        labels=type_labels(),
        form=form,
    )
    return page, status


@bp.route("/<lms_id:bank_id>/copy")
@access("role", TRAINER)
def confirm_copy(bank_id: int):
    """What a copy of the bank holds, and the form naming it (nothing is written yet)."""
    bank = get_bank_or_404(bank_id)
    form = _copy_form(formdata=None)
    form.slug.data, form.title.data = copying.suggested_names(bank)
    return _copy_page(bank, form)


@bp.route("/<lms_id:bank_id>/copy", methods=["POST"])
@access("role", TRAINER)
def copy_bank(bank_id: int):
    """Make the copy, maintained by a unit where the user authors, then open it."""
    bank = get_bank_or_404(bank_id)
    form = _copy_form()
    if form.validate_on_submit():
        unit = get_unit_or_404(int(form.owner_unit_id.data), need=TRAINER)
        try:
            new = copying.copy_bank(bank, form.slug.data, form.title.data, unit)
        except ServiceError as error:
            form.slug.errors.append(str(error))
        else:
            flash(
                _("%(t)s is your copy: its questions are yours to change.", t=new.title), "success"
            )
            return redirect(url_for(".bank", bank_id=new.id), 303)
    return _copy_page(bank, form, 422)
