"""The essay grading queue, the page that grades one answer, and regrading a quiz after a question
fix; for the trainers of a class and the organizers of its unit (admins everywhere).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.accounts.models import Role
from lms.accounts.services import ServiceError
from lms.forms import LMSForm
from lms.quizzes.display import ShownQuestion, learner_name, points, template_helpers
from lms.quizzes.grading import manual as grading
from lms.quizzes.grading import regrade
from lms.quizzes.models import AttemptState
from lms.quizzes.permissions import get_managed_quiz_or_404
from lms.quizzes.types import parse_number
from lms.routing import query_int
from lms.security import access

bp = Blueprint("grading", __name__, url_prefix="/grading")
bp.context_processor(template_helpers)

MANAGERS = (Role.TRAINER, Role.ORGANIZER)


class MarkField(StringField):
    """A mark typed with a decimal comma or point ("1,5" or "1.5"), shown as "1,5"."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.raw_data = valuelist
            self.data = parse_number(valuelist[0])
            if self.data is None:
                raise ValueError(_l("Write the mark as a number, for example 1,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else points(self.data)


class GradeForm(LMSForm):
    """A mark and a comment for one answer."""

    mark = MarkField(_l("Mark"), validators=[InputRequired()])
    comment = TextAreaField(_l("Comment for the learner"), validators=[Length(max=20_000)])
    #: Which button: "next" goes on to the next waiting answer, anything else back to the queue.
    then = HiddenField()


class RegradeForm(LMSForm):
    mode = HiddenField()


def _user_id() -> str:
    return str(current_user.get_id())


def _mode(value: str | None) -> str:
    return regrade.EVERYTHING if value == regrade.EVERYTHING else regrade.VERSIONS


@bp.route("/")
@access("role", *MANAGERS)
def queue():
    """Answers waiting for a grader (or already graded), by class and quiz, oldest first."""
    show = request.args.get("show", grading.WAITING)
    quiz_id = query_int("quiz")
    # Narrowed to one quiz, it must be one the user manages (its title is on the page).
    quiz = get_managed_quiz_or_404(quiz_id)[0] if quiz_id else None
    result = grading.grading_queue(_user_id(), show, quiz_id)
    return render_template("lms/grading/queue.html", queue=result, quiz=quiz)


def _answer_or_404(question_id: int):
    """An answer of a finished attempt in a quiz the user manages, to be graded by a person."""
    loaded = grading.load_answer(question_id)
    if loaded is None:
        abort(404)
    question, attempt = loaded
    quiz, training_class = get_managed_quiz_or_404(attempt.quiz_id)
    if attempt.state != AttemptState.FINISHED or not grading.needs_a_person(question):
        abort(404)
    return question, attempt, quiz, training_class


@bp.route("/answer/<lms_id:question_id>", methods=["GET", "POST"])
@access("role", *MANAGERS)
def grade(question_id: int):
    """One answer: the question, the learner's text, the rubric, and the mark and comment."""
    question, attempt, quiz, training_class = _answer_or_404(question_id)
    form = GradeForm()
    if request.method == "GET":
        form.mark.data = grading.mark_of(question)
        form.comment.data = question.grader_comment
    elif form.validate_on_submit():
        try:
            grading.grade_answer(
                question, attempt, quiz, form.mark.data, form.comment.data or "", _user_id()
            )
        except ServiceError as error:
            form.mark.errors.append(str(error))
        else:
            flash(_("The grade was saved."), "success")
            following = grading.next_waiting(_user_id(), quiz.id)
            if form.then.data == "next" and following is not None:
                return redirect(url_for(".grade", question_id=following), 303)
            if form.then.data == "next":
                flash(_("No more answers are waiting for grading."), "success")
            return redirect(url_for(".queue"), 303)
    return render_template(
        "lms/grading/grade.html",
        form=form,
        shown=ShownQuestion(question),
        attempt=attempt,
        quiz=quiz,
        training_class=training_class,
        learner_name=learner_name(attempt.user_id),
        rubric=grading.rubric(question),
        grader_name=learner_name(question.graded_by) if question.graded_by else "",
    ), (422 if form.errors else 200)


@bp.route("/quiz/<lms_id:quiz_id>/regrade", methods=["GET", "POST"], endpoint="regrade")
@access("role", *MANAGERS)
def regrade_quiz(quiz_id: int):
    """GET shows what a regrade would change (a dry run); POST applies it."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    form = RegradeForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        mode = _mode(form.mode.data)
        plan = regrade.apply_regrade(quiz, mode)
        flash(
            _(
                "%(questions)d answers in %(attempts)d attempts were regraded.",
                questions=len(plan.changes),
                attempts=sum(1 for item in plan.attempts if item.changes),
            ),
            "success",
        )
        return redirect(url_for(".regrade", quiz_id=quiz.id, mode=mode), 303)
    mode = _mode(request.args.get("mode"))
    form.mode.data = mode
    return render_template(
        "lms/grading/regrade.html",
        form=form,
        plan=regrade.plan_regrade(quiz, mode),
        quiz=quiz,
        training_class=training_class,
    )
