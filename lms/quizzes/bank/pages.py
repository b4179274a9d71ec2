"""The `banks` blueprint and the page both bank view modules show: a bank's category tree beside
its questions (`bank_page`), with the question types' labels.

`views` (banks, categories, the question editor) and `import_views` (import and export) add their
routes to `bp`.
"""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from wtforms import SelectChoice

from lms.forms import select_choices
from lms.quizzes import paging
from lms.quizzes.bank import categories
from lms.quizzes.bank import editing as banks
from lms.quizzes.bank.forms import CategoryForm, MoveForm, RenameCategoryForm
from lms.quizzes.display import template_helpers
from lms.quizzes.models import QuestionBank
from lms.quizzes.permissions import may_edit_bank
from lms.quizzes.types import QUESTION_TYPES

bp = Blueprint("banks", __name__, url_prefix="/banks")
bp.context_processor(template_helpers)


def type_labels() -> dict[str, str]:
    return {name: str(cls.label) for name, cls in QUESTION_TYPES.items()}


def bank_page(bank: QuestionBank, status: int = 200, error: str = "", **forms):
    tree = categories.category_tree(bank)
    paths = [node.path for node in tree]
    path = request.args.get("category", "")
    if path and path not in paths:
        abort(404)
    include_sub = request.args.get("sub", "1") != "0"
    qtype = request.args.get("type", "")
    if qtype and qtype not in QUESTION_TYPES:
        abort(400)
    ids = (
        categories.subtree_ids(bank, path, include_sub)
        if path
        else [node.id for node in tree if node.id is not None]
    )
    number, per_page = paging.requested()
    rows, total = banks.question_rows(bank, ids, qtype or None, (number - 1) * per_page, per_page)
    editable = may_edit_bank(bank)
    choices = select_choices((p, p) for p in paths)
    if editable:
        forms.setdefault("category_form", CategoryForm(formdata=None, parent=path))
        forms.setdefault("rename_form", RenameCategoryForm(formdata=None, path=path))
        forms.setdefault("move_form", MoveForm(formdata=None))
        forms["category_form"].parent.choices = [SelectChoice("", _("(top level)")), *choices]
        forms["rename_form"].path.choices = choices
        forms["move_form"].target.choices = choices
    page = render_template(
        "lms/banks/bank.html",
        bank=bank,
        tree=tree,
        path=path,
        include_sub=include_sub,
        qtype=qtype,
        rows=rows,
        total=total,
        pager=paging.Page(rows, total, number, paging.page_count(total, per_page)),
        editable=editable,
        labels=type_labels(),
        error=error,
        **forms,
    )
    return page, status
