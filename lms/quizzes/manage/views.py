"""Trainer and organizer pages for a class's quizzes: the list with attempts so far, a new quiz
from a bank (or the course's final quiz), its slots, its settings, deleting it, and per-learner
overrides. Every view loads the class or quiz, then checks that the user manages it
(`permissions.get_managed_class_or_404` / `get_managed_quiz_or_404`): its trainers and the
organizers of its unit.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from lms import db
from lms.accounts.models import Role
from lms.accounts.permissions import can
from lms.accounts.services import ServiceError
from lms.classes.models import TrainingClass
from lms.courses.models import Module
from lms.quizzes.display import template_helpers
from lms.quizzes.manage import queries as manage
from lms.quizzes.manage import settings, slots
from lms.quizzes.manage.forms import (
    REVIEW_ITEM_LABELS,
    OverrideForm,
    QuizForm,
    SettingsForm,
    SlotsForm,
)
from lms.quizzes.models import QuestionBank, Quiz
from lms.quizzes.permissions import get_managed_class_or_404, get_managed_quiz_or_404
from lms.routing import query_int
from lms.security import access

bp = Blueprint("quiz_manage", __name__, url_prefix="/quizzes")
bp.context_processor(template_helpers)

MANAGERS = (Role.TRAINER, Role.ORGANIZER)


@bp.context_processor
def _helpers() -> dict:
    return {"review_items": REVIEW_ITEM_LABELS}


def _class_page(template: str, training_class: TrainingClass, status: int = 200, **context):
    return render_template(
        template,
        training_class=training_class,
        # Only organizers may open the class's other tabs; trainers get a plain way back.
        organizes=can(Role.ORGANIZER, training_class.unit),
        **context,
    ), status


# --- the class's quizzes -------------------------------------------------------------------------


def _list_page(training_class: TrainingClass, error: str = "", status: int = 200):
    return _class_page(
        "lms/quiz_manage/class_quizzes.html",
        training_class,
        status,
        rows=manage.quiz_rows(training_class),
        course_bank=manage.course_bank(training_class),
        error=error,
    )


@bp.route("/class/<lms_id:class_id>")
@access("role", *MANAGERS)
def class_quizzes(class_id: int):
    """The class's quizzes: dates, limits, questions, attempts so far, and what to do next."""
    return _list_page(get_managed_class_or_404(class_id))


@bp.route("/class/<lms_id:class_id>/final", methods=["POST"])
@access("role", *MANAGERS)
def final_quiz(class_id: int):
    """Create the course's final quiz: two questions from each category of the course's bank."""
    training_class = get_managed_class_or_404(class_id)
    course_bank = manage.course_bank(training_class)
    if course_bank is None:
        return _list_page(training_class, _("This class's course names no question bank."), 422)
    try:
        quiz = settings.final_quiz(
            training_class, course_bank, pass_mark=training_class.course_version.pass_mark
        )
    except ServiceError as error:
        return _list_page(training_class, str(error), 422)
    flash(_("The final quiz %(title)s was created.", title=quiz.title), "success")
    return redirect(url_for(".quiz_settings", quiz_id=quiz.id), 303)


# --- slots: where the questions come from --------------------------------------------------------


def _checked_specs(form: SlotsForm, sources: manage.Sources) -> list[slots.SlotSpec] | None:
    """The filled rows as slots; None after putting each problem beside its row."""
    sources.resolve(form)
    rows = form.rows()
    problems = slots.slot_problems(sources.bank, [spec for _row, spec in rows])
    for index, message in problems.items():
        rows[index][0].show_error(message)
    if not rows:
        form.form_errors.append(_("A quiz needs at least one question."))
    return None if problems or not rows else [spec for _row, spec in rows]


def _slot_form(form: SlotsForm, sources: manage.Sources) -> None:
    # "More rows" re-shows the form with empty rows added; nothing is checked or saved.
    if request.method == "POST" and request.form.get("more"):
        form.add_rows()
    form.set_sources(sources.choices())


@bp.route("/class/<lms_id:class_id>/new", methods=["GET", "POST"])
@access("role", *MANAGERS)
def new(class_id: int):
    """Create a quiz: first choose a bank (any bank), then the title, module and slots."""
    training_class = get_managed_class_or_404(class_id)
    bank_id = query_int("bank")
    if bank_id is None:
        banks = db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)).all()
        return _class_page("lms/quiz_manage/choose_bank.html", training_class, banks=banks)
    question_bank = db.session.get(QuestionBank, bank_id)
    if question_bank is None:
        abort(404)
    sources = manage.Sources(question_bank)
    form = QuizForm()
    _slot_form(form, sources)
    modules = manage.course_modules(training_class)
    form.module_id.choices = [SelectChoice("", _("— no module (a final quiz) —"))] + [
        SelectChoice(str(m.id), f"{m.position}. {m.title}") for m in modules
    ]
    if not request.form.get("more") and form.validate_on_submit():
        specs = _checked_specs(form, sources)
        module = _chosen_module(form, modules)
        if specs is not None and not form.module_id.errors:
            try:
                quiz = settings.create_quiz(
                    training_class, question_bank, form.title.data, specs, module=module
                )
            except ServiceError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("The quiz %(title)s was created.", title=quiz.title), "success")
                return redirect(url_for(".quiz_settings", quiz_id=quiz.id), 303)
    return _class_page(
        "lms/quiz_manage/new.html",
        training_class,
        422 if form.has_errors() else 200,
        form=form,
        bank=question_bank,
    )


def _chosen_module(form: QuizForm, modules: list[Module]) -> Module | None:
    if not form.module_id.data:
        return None
    chosen = {str(module.id): module for module in modules}.get(form.module_id.data)
    if chosen is None:
        form.module_id.errors = [_("The module is not part of this class's course.")]
    return chosen


def _quiz_page(template: str, quiz: Quiz, training_class: TrainingClass, status=200, **context):
    return _class_page(
        template,
        training_class,
        status,
        quiz=quiz,
        attempted=settings.has_attempts(quiz),
        **context,
    )


@bp.route("/<lms_id:quiz_id>/questions", methods=["GET", "POST"])
@access("role", *MANAGERS)
def questions(quiz_id: int):
    """The quiz's slots; they may change only until a learner has started an attempt."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    question_bank = db.session.get(QuestionBank, quiz.bank_id)
    sources = manage.Sources(question_bank)
    form = SlotsForm()
    if request.method == "GET":
        form.fill_slots(quiz.slots)
    _slot_form(form, sources)
    labels = {choice.value: choice.label for choice in form.slots[0].form.source.choices}
    page = {"form": form, "bank": question_bank, "labels": labels}
    if request.method == "POST" and settings.has_attempts(quiz):
        message = _("Learners have attempted this quiz: its questions can no longer change.")
        return _quiz_page(
            "lms/quiz_manage/questions.html", quiz, training_class, 409, error=message, **page
        )
    if not request.form.get("more") and form.validate_on_submit():
        specs = _checked_specs(form, sources)
        if specs is not None:
            try:
                settings.change_slots(quiz, question_bank, specs)
            except ServiceError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("The questions of the quiz were saved."), "success")
                return redirect(url_for(".questions", quiz_id=quiz.id), 303)
    status = 422 if form.has_errors() else 200
    return _quiz_page("lms/quiz_manage/questions.html", quiz, training_class, status, **page)


# --- settings and deletion -----------------------------------------------------------------------


@bp.route("/<lms_id:quiz_id>/settings", methods=["GET", "POST"])
@access("role", *MANAGERS)
def quiz_settings(quiz_id: int):
    """Dates, time limit, attempts, grading, order and pages, and the review options."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    form = SettingsForm()
    if request.method == "GET":
        form.fill(quiz)
    if form.validate_on_submit():
        try:
            settings.update_settings(quiz, **form.values())
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The settings were saved."), "success")
            return redirect(url_for(".quiz_settings", quiz_id=quiz.id), 303)
    status = 422 if form.errors else 200
    return _quiz_page("lms/quiz_manage/settings.html", quiz, training_class, status, form=form)


@bp.route("/<lms_id:quiz_id>/delete", methods=["POST"])
@access("role", *MANAGERS)
def delete(quiz_id: int):
    """Delete a quiz nobody has attempted (attempts and grades must never lose their quiz)."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    title = quiz.title
    try:
        settings.delete_quiz(quiz)
    except settings.QuizInUse as error:
        return _list_page(training_class, str(error), 409)
    flash(_("The quiz %(title)s was deleted.", title=title), "success")
    return redirect(url_for(".class_quizzes", class_id=training_class.id), 303)


# --- overrides -----------------------------------------------------------------------------------


@bp.route("/<lms_id:quiz_id>/overrides", methods=["GET", "POST"])
@access("role", *MANAGERS)
def overrides(quiz_id: int):
    """The quiz's overrides, and a form to give one learner other dates, time or attempts
    (`?user=<id>` fills it with that learner's override, to change it).
    """
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    form = OverrideForm()
    form.set_learners(manage.class_learners(training_class))
    editing = request.args.get("user", "")
    if request.method == "GET" and editing:
        override = settings.find_override(quiz.id, editing)
        if override is None:
            abort(404)
        form.fill(override)
    if form.validate_on_submit():
        try:
            settings.set_override(quiz, form.user_id.data, **form.values())
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The override was saved."), "success")
            return redirect(url_for(".overrides", quiz_id=quiz.id), 303)
    return _quiz_page(
        "lms/quiz_manage/overrides.html",
        quiz,
        training_class,
        422 if form.errors else 200,
        form=form,
        rows=manage.override_rows(quiz),
        editing=editing,
    )


@bp.route("/<lms_id:quiz_id>/overrides/<user_id>/remove", methods=["POST"])
@access("role", *MANAGERS)
def remove_override(quiz_id: int, user_id: str):
    """Remove a learner's override: the quiz's own dates, time and attempts apply again."""
    quiz, _class = get_managed_quiz_or_404(quiz_id)
    if not settings.remove_override(quiz, user_id):
        abort(404)
    flash(_("The override was removed."), "success")
    return redirect(url_for(".overrides", quiz_id=quiz.id), 303)
