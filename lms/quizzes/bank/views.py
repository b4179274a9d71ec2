"""Trainer pages for question banks: the list of banks, categories and the question editor
(import and export are in `import_views`, on the same blueprint, `pages.bp`).

Every trainer reads every bank (to build quizzes from it); changing one needs `may_edit_bank`.
"""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from wtforms import SelectChoice

from lms.accounts.models import Role
from lms.accounts.permissions import get_unit_or_404, scope_units
from lms.accounts.services import ServiceError, unit_tree
from lms.forms import select_choices, unit_choices
from lms.quizzes.bank import (
    categories,
    copy_views,  # noqa: F401 (its routes join bp)
    import_views,  # noqa: F401 (its routes join bp)
    text_editors,  # noqa: F401 (its editors join EDITORS)
)
from lms.quizzes.bank import editing as banks
from lms.quizzes.bank.editor import EDITORS, Editor, preview_of
from lms.quizzes.bank.forms import (
    BankForm,
    CategoryForm,
    MoveForm,
    QuestionForm,
    RenameCategoryForm,
)
from lms.quizzes.bank.pages import bank_page, bp, type_labels
from lms.quizzes.display import stamp
from lms.quizzes.models import Question, QuestionBank
from lms.quizzes.permissions import get_bank_or_404, may_edit_bank
from lms.quizzes.types import get_question_type
from lms.security import access

TRAINER = Role.TRAINER
QUESTION = "/<lms_id:bank_id>/questions/<lms_id:question_id>"


# --- banks -----------------------------------------------------------------------------------


def _unit_choices() -> list[SelectChoice]:
    """The trainer's units (indented tree) that may own a new bank."""
    return unit_choices(unit_tree(scope_units(TRAINER)))


def _index(form: BankForm, status: int = 200):
    form.owner_unit_id.choices = _unit_choices()
    overviews = banks.bank_overviews()
    page = render_template(
        "lms/banks/index.html",
        overviews=overviews,
        editable={o.bank.id for o in overviews if may_edit_bank(o.bank)},
        form=form,
        labels=type_labels(),
    )
    return page, status


@bp.route("/")
@access("role", TRAINER)
def index():
    """Every bank, which ones the user may change, and a form to start one."""
    return _index(BankForm(formdata=None))


@bp.route("/new", methods=["POST"])
@access("role", TRAINER)
def create():
    form = BankForm()
    form.owner_unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = get_unit_or_404(int(form.owner_unit_id.data), need=TRAINER)
        try:
            new = banks.create_bank(form.slug.data, form.title.data, unit)
        except ServiceError as error:
            form.slug.errors.append(str(error))
        else:
            flash(_("The question bank %(t)s was created.", t=new.title), "success")
            return redirect(url_for(".bank", bank_id=new.id), 303)
    return _index(form, 422)


# --- a bank: categories and its questions ----------------------------------------------------


@bp.route("/<lms_id:bank_id>")
@access("role", TRAINER)
def bank(bank_id: int):
    """The category tree beside the questions of the chosen category."""
    return bank_page(get_bank_or_404(bank_id))


@bp.route("/<lms_id:bank_id>/categories", methods=["POST"])
@access("role", TRAINER)
def add_category(bank_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = categories.add_category(target, form.parent.data or "", form.name.data)
        except ServiceError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("The category %(path)s was added.", path=category.path), "success")
            return redirect(url_for(".bank", bank_id=bank_id, category=category.path), 303)
    return bank_page(target, 422, category_form=form)


@bp.route("/<lms_id:bank_id>/categories/rename", methods=["POST"])
@access("role", TRAINER)
def rename_category(bank_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    form = RenameCategoryForm()
    if form.validate_on_submit():
        try:
            path = categories.rename_category(target, form.path.data, form.name.data)
        except ServiceError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("The category is now %(path)s.", path=path), "success")
            return redirect(url_for(".bank", bank_id=bank_id, category=path), 303)
    return bank_page(target, 422, rename_form=form)


@bp.route("/<lms_id:bank_id>/questions/move", methods=["POST"])
@access("role", TRAINER)
def move_questions(bank_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            moved = categories.move_questions(target, form.questions.data, form.target.data)
        except ServiceError as error:
            form.target.errors.append(str(error))
        else:
            flash(
                _("%(n)d question(s) moved to %(path)s.", n=moved, path=form.target.data), "success"
            )
            return redirect(url_for(".bank", bank_id=bank_id, category=form.target.data), 303)
    return bank_page(target, 422, move_form=form)


# --- the question editor ---------------------------------------------------------------------


def _question_or_404(bank: QuestionBank, question_id: int) -> Question:
    question = banks.get_question(bank, question_id)
    if question is None:
        abort(404)
    return question


def _question_form(bank: QuestionBank, editor: Editor, **kwargs) -> QuestionForm:
    """The type's form, offering the bank's categories (nothing else is accepted)."""
    form = editor.form_class(**kwargs)
    form.category.choices = select_choices((p, p) for p in categories.category_paths(bank))
    return form


def _editor_page(bank, editor, form, question=None, preview=None, status=200):
    page = render_template(
        "lms/banks/editor.html",
        bank=bank,
        question=question,
        editor=editor,
        form=form,
        type_fields=editor.type_fields(form),
        type_errors=getattr(form, "type_errors", []),
        label=type_labels()[editor.qtype],
        q=preview_of(preview) if preview is not None else None,
        stamp=stamp,
    )
    return page, status


def _handle_editor(bank: QuestionBank, editor: Editor, form: QuestionForm, question=None):
    """Add rows, preview or save a submitted editor; the page again unless saved."""
    action = request.form.get("action", "save")
    if action == "add-rows":
        editor.add_rows(form)
        return _editor_page(bank, editor, form, question)
    data = editor.submitted(form)
    if data is None:
        return _editor_page(bank, editor, form, question, status=422)
    if action == "preview":
        return _editor_page(bank, editor, form, question, preview=data)
    try:
        if question is None:
            question = banks.create_question(bank, data.category, data)
            flash(_("The question was created."), "success")
        else:
            before = question.current_number
            if not banks.update_question(question, data.category, data):
                flash(_("Nothing changed, so no new version was made."), "success")
            elif question.current_number == before:
                flash(_("The question was moved to %(path)s.", path=data.category), "success")
            else:
                flash(
                    _(
                        "Version %(n)d saved; attempts already made keep the version they used.",
                        n=question.current_number,
                    ),
                    "success",
                )
    except ServiceError as error:
        form.name.errors.append(str(error))
        return _editor_page(bank, editor, form, question, status=422)
    return redirect(url_for(".question", bank_id=bank.id, question_id=question.id), 303)


@bp.route("/<lms_id:bank_id>/questions/new", methods=["GET", "POST"])
@access("role", TRAINER)
def new_question(bank_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    editor = EDITORS.get(request.args.get("qtype", ""))
    if editor is None:
        abort(404)
    if request.method == "GET":
        form = _question_form(target, editor, formdata=None, category=request.args.get("category"))
        return _editor_page(target, editor, form)
    return _handle_editor(target, editor, _question_form(target, editor))


@bp.route(f"{QUESTION}/edit", methods=["GET", "POST"])
@access("role", TRAINER)
def edit_question(bank_id: int, question_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    question = _question_or_404(target, question_id)
    version = banks.current_version(question)
    editor = EDITORS.get(version.qtype)
    if editor is None:
        abort(404)
    if request.method == "GET":
        initial = editor.initial_values(version, question.category.path)
        form = _question_form(target, editor, formdata=None, data=initial)
        return _editor_page(target, editor, form, question, preview=version)
    return _handle_editor(target, editor, _question_form(target, editor), question)


# --- a question, its versions, deleting it ---------------------------------------------------


def _question_page(bank, question, version, status=200, error=""):
    editor = EDITORS.get(version.qtype)
    details = None
    if editor is not None:
        details = editor.form_class(
            formdata=None, data=editor.initial_values(version, question.category.path)
        )
    attempts, slots = banks.question_uses(question)
    page = render_template(
        "lms/banks/question.html",
        bank=bank,
        question=question,
        version=version,
        versions=list(reversed(question.versions)),
        authors=banks.version_authors(question),
        details=editor.type_fields(details) if details else [],
        label=type_labels().get(version.qtype, version.qtype),
        right_answer=get_question_type(version.qtype).right_answer_text(
            preview_of(version).question
        ),
        q=preview_of(version),
        stamp=stamp,
        attempts=attempts,
        slots=slots,
        editable=may_edit_bank(bank),
        error=error,
    )
    return page, status


@bp.route(QUESTION)
@access("role", TRAINER)
def question(bank_id: int, question_id: int):
    """A question as learners see it, its answers and feedback, and its versions."""
    target = get_bank_or_404(bank_id)
    found = _question_or_404(target, question_id)
    return _question_page(target, found, banks.current_version(found))


@bp.route(f"{QUESTION}/versions/<lms_id:number>")
@access("role", TRAINER)
def version(bank_id: int, question_id: int, number: int):
    """An older version, read-only (attempts that used it show exactly this)."""
    target = get_bank_or_404(bank_id)
    found = _question_or_404(target, question_id)
    chosen = next((v for v in found.versions if v.number == number), None)
    if chosen is None:
        abort(404)
    return _question_page(target, found, chosen)


@bp.route(f"{QUESTION}/delete", methods=["POST"])
@access("role", TRAINER)
def delete_question(bank_id: int, question_id: int):
    target = get_bank_or_404(bank_id, edit=True)
    found = _question_or_404(target, question_id)
    category = found.category.path
    try:
        banks.delete_question(found)
    except ServiceError as error:
        return _question_page(target, found, banks.current_version(found), 409, str(error))
    flash(_("The question was deleted."), "success")
    return redirect(url_for(".bank", bank_id=bank_id, category=category), 303)
