"""Trainer and organizer pages for a class's quizzes: the list with attempts so far, a new quiz
from a bank (or the course's final quiz), its slots, its settings, deleting it, and per-learner
overrides. Every view loads the class or quiz, then checks that the user manages it
(`permissions.get_managed_class_or_404` / `get_managed_quiz_or_404`): its trainers and the
organizers of its unit.
"""

import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from lms import db
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.permissions import can
from lms.accounts.services import ServiceError
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.courses.models import Module
from lms.quizzes import settings
from lms.quizzes.bank import find_bank
from lms.quizzes.display import template_helpers
from lms.quizzes.manage_forms import (
    REVIEW_ITEM_LABELS,
    OverrideForm,
    QuizForm,
    SettingsForm,
    SlotsForm,
)
from lms.quizzes.models import (
    Attempt,
    AttemptState,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizOverride,
)
from lms.quizzes.permissions import get_managed_class_or_404, get_managed_quiz_or_404
from lms.security import access

bp = Blueprint("quiz_manage", __name__, url_prefix="/quizzes")
bp.context_processor(template_helpers)

MANAGERS = (Role.TRAINER, Role.ORGANIZER)
#: Longest question text shown in a slot's list of sources (cut at a word boundary).
QUESTION_LABEL_CHARS = 90


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


@dataclass
class QuizRow:
    quiz: Quiz
    questions: int
    finished: int
    in_progress: int
    overrides: int
    module: Module | None


def quiz_rows(training_class: TrainingClass) -> list[QuizRow]:
    """The class's quizzes with their counts, in four queries whatever their number."""
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.class_id == training_class.id)
        .options(selectinload(Quiz.slots))
        .order_by(Quiz.id)
    ).all()
    ids = [quiz.id for quiz in quizzes]
    states: dict[int, Counter] = defaultdict(Counter)
    overrides: dict[int, int] = {}
    if ids:
        for quiz_id, state, count in db.session.execute(
            select(Attempt.quiz_id, Attempt.state, func.count())
            .where(Attempt.quiz_id.in_(ids))
            .group_by(Attempt.quiz_id, Attempt.state)
        ):
            states[quiz_id][state] = count
        overrides = dict(
            db.session.execute(
                select(QuizOverride.quiz_id, func.count())
                .where(QuizOverride.quiz_id.in_(ids))
                .group_by(QuizOverride.quiz_id)
            ).all()
        )
    modules = {module.id: module for module in _modules(training_class)}
    return [
        QuizRow(
            quiz=quiz,
            questions=sum(slot.draw_count for slot in quiz.slots),
            finished=states[quiz.id][AttemptState.FINISHED]
            + states[quiz.id][AttemptState.ABANDONED],
            in_progress=states[quiz.id][AttemptState.IN_PROGRESS],
            overrides=overrides.get(quiz.id, 0),
            module=modules.get(quiz.module_id),
        )
        for quiz in quizzes
    ]


def _modules(training_class: TrainingClass) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module)
            .where(Module.version_id == training_class.course_version_id)
            .order_by(Module.position)
        )
    )


def _course_bank(training_class: TrainingClass) -> QuestionBank | None:
    """The bank the class's course names for its final quiz (course.yaml `quiz`), if loaded."""
    slug = training_class.course_version.quiz_slug
    return find_bank(slug) if slug else None


def _list_page(training_class: TrainingClass, error: str = "", status: int = 200):
    return _class_page(
        "lms/quiz_manage/class_quizzes.html",
        training_class,
        status,
        rows=quiz_rows(training_class),
        course_bank=_course_bank(training_class),
        error=error,
    )


@bp.route("/class/<int:class_id>")
@access("role", *MANAGERS)
def class_quizzes(class_id: int):
    """The class's quizzes: dates, limits, questions, attempts so far, and what to do next."""
    return _list_page(get_managed_class_or_404(class_id))


@bp.route("/class/<int:class_id>/final", methods=["POST"])
@access("role", *MANAGERS)
def final_quiz(class_id: int):
    """Create the course's final quiz: two questions from each category of the course's bank."""
    training_class = get_managed_class_or_404(class_id)
    course_bank = _course_bank(training_class)
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


class Sources:
    """What a slot may take from a bank: every category (and every parent path, which an import
    does not create) to draw from, and every question to fix.
    """

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        categories = db.session.scalars(
            select(QuestionCategory).where(QuestionCategory.bank_id == bank.id)
        ).all()
        own = dict(
            db.session.execute(
                select(Question.category_id, func.count())
                .where(Question.bank_id == bank.id)
                .group_by(Question.category_id)
            ).all()
        )
        by_path = {category.path: own.get(category.id, 0) for category in categories}
        self.ids = {category.path: category.id for category in categories}
        paths = {
            "/".join(path.split("/")[:n])
            for path in by_path
            for n in range(1, 1 + len(path.split("/")))
        }
        self.paths = sorted(paths)
        self.totals = {
            path: sum(
                n for other, n in by_path.items() if other == path or other.startswith(path + "/")
            )
            for path in self.paths
        }

    def value(self, path: str) -> str:
        return f"c{self.ids[path]}" if path in self.ids else f"p{path}"

    def choices(self) -> list[SelectChoice]:
        group = _("Draw at random from a category")
        result = [
            SelectChoice(
                self.value(path),
                _(
                    "%(indent)s%(name)s (%(n)s questions)",
                    indent="— " * path.count("/"),
                    name=path.rsplit("/", 1)[-1],
                    n=self.totals[path],
                ),
                optgroup=group,
            )
            for path in self.paths
        ]
        fixed = _("One fixed question")
        rows = db.session.execute(
            select(Question.id, QuestionVersion.name, QuestionVersion.stem)
            .join(
                QuestionVersion,
                and_(
                    QuestionVersion.question_id == Question.id,
                    QuestionVersion.number == Question.current_number,
                ),
            )
            .join(QuestionCategory, QuestionCategory.id == Question.category_id)
            .where(Question.bank_id == self.bank.id)
            .order_by(QuestionCategory.path, Question.id)
        )
        result += [
            SelectChoice(f"q{qid}", _question_label(name, stem), optgroup=fixed)
            for qid, name, stem in rows
        ]
        return result

    def resolve(self, form: SlotsForm) -> None:
        """Turn a parent path picked in a row into a category (made now, as `make_quiz` does)."""
        for row in form.slots:
            source = row.form.source.data or ""
            if source.startswith("p") and source[1:] in self.totals:
                category = settings.category_by_path(self.bank, source[1:])
                row.form.source.data = f"c{category.id}"


def _question_label(name: str, stem: str) -> str:
    text = " ".join(f"{name}: {stem}".split()) if name else " ".join(stem.split())
    return textwrap.shorten(text, QUESTION_LABEL_CHARS, placeholder=" …")


def _checked_specs(form: SlotsForm, sources: Sources) -> list[settings.SlotSpec] | None:
    """The filled rows as slots; None after putting each problem beside its row."""
    sources.resolve(form)
    rows = form.rows()
    problems = settings.slot_problems(sources.bank, [spec for _row, spec in rows])
    for index, message in problems.items():
        rows[index][0].show_error(message)
    if not rows:
        form.form_errors.append(_("A quiz needs at least one question."))
    return None if problems or not rows else [spec for _row, spec in rows]


def _slot_form(form: SlotsForm, sources: Sources) -> None:
    # "More rows" re-shows the form with empty rows added; nothing is checked or saved.
    if request.method == "POST" and request.form.get("more"):
        form.add_rows()
    form.set_sources(sources.choices())


@bp.route("/class/<int:class_id>/new", methods=["GET", "POST"])
@access("role", *MANAGERS)
def new(class_id: int):
    """Create a quiz: first choose a bank (any bank), then the title, module and slots."""
    training_class = get_managed_class_or_404(class_id)
    bank_id = request.args.get("bank", type=int)
    if bank_id is None:
        banks = db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)).all()
        return _class_page("lms/quiz_manage/choose_bank.html", training_class, banks=banks)
    question_bank = db.session.get(QuestionBank, bank_id)
    if question_bank is None:
        abort(404)
    sources = Sources(question_bank)
    form = QuizForm()
    _slot_form(form, sources)
    modules = _modules(training_class)
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


@bp.route("/<int:quiz_id>/questions", methods=["GET", "POST"])
@access("role", *MANAGERS)
def questions(quiz_id: int):
    """The quiz's slots; they may change only until a learner has started an attempt."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    question_bank = db.session.get(QuestionBank, quiz.bank_id)
    sources = Sources(question_bank)
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


@bp.route("/<int:quiz_id>/settings", methods=["GET", "POST"])
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


@bp.route("/<int:quiz_id>/delete", methods=["POST"])
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


def _class_learners(training_class: TrainingClass) -> list[tuple[str, str]]:
    """(user id, name with official code) of the class's enrolled learners, in Vietnamese order."""
    rows = db.session.execute(
        select(LearnerProfile.user_id, LearnerProfile.full_name, LearnerProfile.official_code)
        .join(Enrolment, Enrolment.user_id == LearnerProfile.user_id)
        .where(
            Enrolment.class_id == training_class.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        .order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
    )
    return [(user_id, f"{name} ({code})" if code else name) for user_id, name, code in rows]


def _override_rows(quiz: Quiz) -> list[tuple[QuizOverride, str]]:
    rows = db.session.execute(
        select(QuizOverride, LearnerProfile.full_name)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == QuizOverride.user_id)
        .where(QuizOverride.quiz_id == quiz.id)
        .order_by(LearnerProfile.sort_name, QuizOverride.user_id)
    )
    return [(override, name or override.user_id) for override, name in rows]


@bp.route("/<int:quiz_id>/overrides", methods=["GET", "POST"])
@access("role", *MANAGERS)
def overrides(quiz_id: int):
    """The quiz's overrides, and a form to give one learner other dates, time or attempts
    (`?user=<id>` fills it with that learner's override, to change it).
    """
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    form = OverrideForm()
    form.set_learners(_class_learners(training_class))
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
        rows=_override_rows(quiz),
        editing=editing,
    )


@bp.route("/<int:quiz_id>/overrides/<user_id>/remove", methods=["POST"])
@access("role", *MANAGERS)
def remove_override(quiz_id: int, user_id: str):
    """Remove a learner's override: the quiz's own dates, time and attempts apply again."""
    quiz, _class = get_managed_quiz_or_404(quiz_id)
    if not settings.remove_override(quiz, user_id):
        abort(404)
    flash(_("The override was removed."), "success")
    return redirect(url_for(".overrides", quiz_id=quiz.id), 303)
