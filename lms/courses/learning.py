"""A learner studying in a class: my classes, the class page (with its quizzes and where the
learner stands in each), module pages (with the module's quiz), completion and resume, and the
files modules link to.

Enrolled learners read and complete modules; the class's trainers and the organizers of its
unit may open the same pages read-only, to see what learners see.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from lms import db
from lms.accounts.login_rides import rides_login
from lms.courses import progress, storage
from lms.courses.models import Attachment, Module
from lms.courses.seats import SEAT_RIDES, Seat, get_seat_or_404, load_seat
from lms.courses.views import label_helpers
from lms.db import utcnow
from lms.quizzes.grading import scoring
from lms.quizzes.manage.settings import apply_override, review_options
from lms.quizzes.models import Attempt, AttemptState, Quiz, QuizOverride
from lms.rendering import render_markdown
from lms.security import LOGIN, access

bp = Blueprint("learn", __name__, url_prefix="/learn")
bp.context_processor(label_helpers)

#: Attachment types a browser may show in the page; anything else is offered as a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


@dataclass
class QuizStanding:
    """A quiz of the class and where the learner stands in it (state "" for a previewer)."""

    quiz: Quiz
    #: "not_started", "in_progress", "waiting" (an essay to grade), "not_passed", "passed", or
    #: "submitted" when the quiz does not show marks yet.
    state: str = ""
    #: The learner's grade in percent, when the quiz's review options show marks now.
    grade: float | None = None


@functools.cache
def _standings_statement(learner: bool) -> Select:
    """`quiz_standings`' statement, built once: a learner's joins each quiz to their override
    and attempts; a previewer's is the class's quizzes alone."""
    query = select(Quiz).where(Quiz.class_id == bindparam("class_id")).order_by(Quiz.id)
    if not learner:
        return query
    return (
        query.add_columns(QuizOverride, Attempt)
        .outerjoin(
            QuizOverride,
            (QuizOverride.quiz_id == Quiz.id) & (QuizOverride.user_id == bindparam("user_id")),
        )
        .outerjoin(
            Attempt, (Attempt.quiz_id == Quiz.id) & (Attempt.user_id == bindparam("user_id"))
        )
        .order_by(Attempt.number)
    )


def quiz_standings(seat: Seat, now: datetime) -> list[QuizStanding]:
    """The class's quizzes with the learner's state in each: one query, however many quizzes
    and attempts (each quiz joined to the learner's override and attempts)."""
    class_id = seat.training_class.id
    if seat.enrolment is None:
        quizzes = db.session.scalars(_standings_statement(False), {"class_id": class_id})
        return [QuizStanding(quiz) for quiz in quizzes]
    rows = db.session.execute(
        _standings_statement(True), {"class_id": class_id, "user_id": seat.enrolment.user_id}
    )
    found: dict[int, tuple[Quiz, QuizOverride | None, list[Attempt]]] = {}
    for quiz, override, attempt in rows:
        _quiz, _override, attempts = found.setdefault(quiz.id, (quiz, override, []))
        if attempt is not None:
            attempts.append(attempt)
    return [_standing(quiz, attempts, override, now) for quiz, override, attempts in found.values()]


def _standing(quiz: Quiz, attempts: list[Attempt], override, now: datetime) -> QuizStanding:
    if not attempts:
        return QuizStanding(quiz, "not_started")
    if any(attempt.state == AttemptState.IN_PROGRESS for attempt in attempts):
        return QuizStanding(quiz, "in_progress")
    settings = apply_override(quiz, override)
    # The same rule as the quiz page: a grade shows only when the review options show marks.
    if not any(
        review_options(quiz, scoring.review_moment(attempt, settings, now)).marks
        for attempt in attempts
    ):
        return QuizStanding(quiz, "submitted")
    grade = scoring.quiz_grade(attempts, quiz.grading_method)
    if scoring.passed(grade, quiz.pass_mark):
        return QuizStanding(quiz, "passed", grade * 100)
    if any(a.state == AttemptState.FINISHED and a.fraction is None for a in attempts):
        return QuizStanding(quiz, "waiting", None if grade is None else grade * 100)
    return QuizStanding(quiz, "not_passed", None if grade is None else grade * 100)


def get_module_or_404(seat: Seat, position: int) -> progress.ModuleView:
    module = next((m for m in seat.modules if m.position == position), None)
    if module is None:
        abort(404)
    return module


def module_link_prefix(class_id: int) -> str:
    """The class's module addresses up to the position, for outlines: `url_for` once, not once
    a module (it cost as much as the rest of an outline line). Positions are plain integers."""
    return url_for(".module", class_id=class_id, position=1).removesuffix("1")


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/")
@access(LOGIN)
def index():
    """The classes the learner is enrolled in, with progress and a resume link."""
    return render_template(
        "lms/learn/index.html", classes=progress.my_classes(str(current_user.get_id()))
    )


@bp.route("/<lms_id:class_id>")
@access(LOGIN)
@rides_login(SEAT_RIDES[True, True])
def class_home(class_id: int):
    from lms.attendance.checkin import upcoming_for
    from lms.attendance.notices import notices_for

    seat = load_seat(class_id, done=True, noticed=True)
    standings = quiz_standings(seat, utcnow())
    return render_template(
        "lms/learn/class_home.html",
        upcoming=upcoming_for([class_id]) if not seat.preview else None,
        attendance_notices=notices_for(class_id, seat.enrolment.user_id) if seat.noticed else [],
        seat=seat,
        class_progress=progress.class_progress(
            seat.training_class, seat.enrolment, seat.modules, seat.done
        ),
        standings=standings,
        module_quizzes={s.quiz.module_id: s.quiz for s in standings if s.quiz.module_id},
        module_href=module_link_prefix(class_id),
    )


@bp.route("/<lms_id:class_id>/modules/<lms_id:position>")
@access(LOGIN)
@rides_login(SEAT_RIDES[True, False])
def module(class_id: int, position: int):
    """One module to read, with previous/next links; opening it moves the resume point."""
    seat = get_seat_or_404(class_id, done=True)
    current = get_module_or_404(seat, position)
    outline = progress.class_progress(seat.training_class, seat.enrolment, seat.modules, seat.done)
    positions = [state.module.position for state in outline.modules]
    index = positions.index(current.position)
    if seat.enrolment is not None:
        progress.record_visit(seat.enrolment, current)
    return render_template(
        "lms/learn/module.html",
        seat=seat,
        module=current,
        body=render_markdown(current.body),
        outline=outline,
        number=index + 1,
        done=outline.modules[index].done,
        previous=outline.modules[index - 1].module if index > 0 else None,
        next=outline.modules[index + 1].module if index + 1 < len(positions) else None,
        by_reading=progress.completes_by_reading(current),
        module_quiz=db.session.execute(
            _module_quiz_statement(), {"class_id": class_id, "module_id": current.id}
        ).first(),
    )


@functools.cache
def _module_quiz_statement() -> Select:
    """The module page's quiz link (id and title only), built once: the page runs it on every
    view, and building a statement anew costs about as much Python as running it."""
    return (
        select(Quiz.id, Quiz.title)
        .where(Quiz.class_id == bindparam("class_id"), Quiz.module_id == bindparam("module_id"))
        .order_by(Quiz.id)
        .limit(1)
    )


@bp.route("/<lms_id:class_id>/modules/<lms_id:position>/complete", methods=["POST"])
@access(LOGIN)
def complete(class_id: int, position: int):
    """Mark a module read to the end (once, however often sent); JSON for the page's script."""
    seat = get_seat_or_404(class_id)
    current = get_module_or_404(seat, position)
    if seat.enrolment is None:
        abort(403)
    if not progress.completes_by_reading(current):
        message = _("This module is completed by passing its quiz.")
        if wants_json():
            return jsonify(error=message), 409
        return render_template(
            "lms/errors/error.html", code=409, title=_("Not allowed"), message=message
        ), 409
    recorded = progress.complete_module(seat.enrolment, current)
    message = _("You have finished this module.")
    if wants_json():
        return jsonify(completed=True, recorded=recorded, message=message)
    flash(message, "success")
    following = progress.next_position(seat.training_class.course_version_id, position)
    if following is not None:
        return redirect(url_for(".module", class_id=class_id, position=following), 303)
    return redirect(url_for(".class_home", class_id=class_id), 303)


@bp.route("/<lms_id:class_id>/modules/<name>.md")
@access(LOGIN)
def module_file(class_id: int, name: str):
    """A link between modules written as in the content folder (`02-name.md`) opens it."""
    seat = get_seat_or_404(class_id)
    position = db.session.scalar(
        select(Module.position).where(
            Module.version_id == seat.training_class.course_version_id, Module.slug == name
        )
    )
    if position is None:
        abort(404)
    return redirect(url_for(".module", class_id=class_id, position=position))


@bp.route("/<lms_id:class_id>/modules/assets/<path:name>")
@access(LOGIN)
def asset(class_id: int, name: str):
    """A file a module links to as `assets/<name>`, from the class's course."""
    seat = get_seat_or_404(class_id)
    attachment = db.session.scalar(
        select(Attachment).where(
            Attachment.course_id == seat.training_class.course_version.course_id,
            Attachment.name == name,
        )
    )
    if attachment is None:
        abort(404)
    path = storage.path_of(attachment.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, conditional=True)
    disposition = "inline" if attachment.content_type in INLINE_TYPES else "attachment"
    filename = name.rsplit("/", 1)[-1]
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
