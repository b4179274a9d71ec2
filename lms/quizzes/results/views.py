"""Results per quiz and per class, item analysis, a learner's attempt history, exports.

The class's managers (its trainers, organizers of its unit, admins) read everything here; a
learner reads only their own attempt history, with marks as the quizzes' review options allow.
"""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from lms import db
from lms.accounts.models import LearnerProfile, Role
from lms.classes import exports as files
from lms.classes.models import TrainingClass
from lms.quizzes import paging
from lms.quizzes.display import template_helpers
from lms.quizzes.permissions import get_managed_class_or_404, get_managed_quiz_or_404
from lms.quizzes.results import exports, statistics
from lms.quizzes.results import services as results
from lms.routing import query_int
from lms.security import LOGIN, access

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.context_processor
def helpers() -> dict:
    return {
        **template_helpers(),
        "result_label": results.result_label,
        "formats": files.FORMATS,
    }


MANAGERS = (Role.TRAINER, Role.ORGANIZER)


# --- filters --------------------------------------------------------------------------------------


def _filters(units: list | None = None) -> exports.Filters:
    """The page's filters from the query string; a unit only from the class's `units`."""
    state = request.args.get("state", "")
    which = request.args.get("attempts", statistics.ALL_ATTEMPTS)
    return exports.Filters(
        unit=results.chosen_unit(units or [], query_int("unit")),
        state=state if state in set(results.ResultState) else None,
        which=which if which == statistics.FIRST_ATTEMPTS else statistics.ALL_ATTEMPTS,
    )


# --- one quiz -------------------------------------------------------------------------------------


@bp.route("/quiz/<lms_id:quiz_id>")
@access("role", *MANAGERS)
def quiz(quiz_id: int):
    """Every enrolled learner's grade on the quiz, filtered by unit and by result."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    units = results.class_units(training_class)
    filters = _filters(units)
    found = results.quiz_results(quiz, training_class, filters.unit, filters.state)
    return render_template(
        "lms/results/quiz.html",
        quiz=quiz,
        training_class=training_class,
        filters=filters,
        unit_options=results.unit_options(units),
        states=results.ResultState,
        summary=found.summary,
        page=paging.page_of(found.rows),
    )


@bp.route("/quiz/<lms_id:quiz_id>/statistics", endpoint="statistics")
@access("role", *MANAGERS)
def statistics_page(quiz_id: int):
    """Item analysis: facility, spread and discrimination per question, and the responses given."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    filters = _filters()
    return render_template(
        "lms/results/statistics.html",
        quiz=quiz,
        training_class=training_class,
        filters=filters,
        analysis=statistics.analyse(quiz, filters.which),
        thresholds=(statistics.HARD, statistics.EASY, statistics.WEAK_DISCRIMINATION),
    )


@bp.route("/quiz/<lms_id:quiz_id>/export/<name>.<fmt>")
@access("role", *MANAGERS)
def quiz_export(quiz_id: int, name: str, fmt: str):
    """Download the quiz's results or item analysis, with the page's filters, as XLSX or CSV."""
    quiz, training_class = get_managed_quiz_or_404(quiz_id)
    spec = exports.QUIZ_EXPORTS.get(name)
    if spec is None or fmt not in files.FORMATS:
        abort(404)
    filters = _filters(results.class_units(training_class))
    return files.download(exports.build(spec, quiz, training_class, filters), training_class, fmt)


# --- one class ------------------------------------------------------------------------------------


@bp.route("/class/<lms_id:class_id>")
@access("role", *MANAGERS)
def class_results(class_id: int):
    """One row per learner, one column per quiz of the class."""
    training_class = get_managed_class_or_404(class_id)
    units = results.class_units(training_class)
    filters = _filters(units)
    quizzes = results.class_quizzes(training_class)
    rows = list(results.iter_class_results(training_class, quizzes, filters.unit))
    return render_template(
        "lms/results/class.html",
        training_class=training_class,
        quizzes=quizzes,
        filters=filters,
        unit_options=results.unit_options(units),
        page=paging.page_of(rows),
    )


@bp.route("/class/<lms_id:class_id>/export/<name>.<fmt>")
@access("role", *MANAGERS)
def class_export(class_id: int, name: str, fmt: str):
    """Download the class's grid of quiz grades (unit filter applied) as XLSX or CSV."""
    training_class = get_managed_class_or_404(class_id)
    spec = exports.CLASS_EXPORTS.get(name)
    if spec is None or fmt not in files.FORMATS:
        abort(404)
    filters = _filters(results.class_units(training_class))
    export = exports.build(spec, training_class, training_class, filters)
    return files.download(export, training_class, fmt)


# --- attempt histories ----------------------------------------------------------------------------


@bp.route("/class/<lms_id:class_id>/learner/<user_id>")
@access("role", *MANAGERS)
def learner(class_id: int, user_id: str):
    """Every attempt of one learner at every quiz of the class, with links to the reviews."""
    training_class = get_managed_class_or_404(class_id)
    if results.find_enrolment(training_class, user_id) is None:
        abort(404)
    profile = db.session.get(LearnerProfile, user_id)
    return render_template(
        "lms/results/history.html",
        training_class=training_class,
        profile=profile,
        own=False,
        history=results.learner_history(training_class, user_id),
    )


@bp.route("/class/<lms_id:class_id>/mine")
@access(LOGIN)
def mine(class_id: int):
    """The learner's own attempts in the class; marks only where the review options show them."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        abort(404)
    user_id = str(current_user.get_id())
    if results.find_enrolment(training_class, user_id) is None:
        abort(403)
    return render_template(
        "lms/results/history.html",
        training_class=training_class,
        profile=None,
        own=True,
        history=results.learner_history(training_class, user_id, as_learner=True),
    )
