"""The learner's quiz pages: a class's quizzes, a quiz's start page, the attempt pages (plain
form posts that work without JavaScript, plus an autosave endpoint for attempt.js), the confirm
page, submit and the review page.

Every view on an attempt first applies the quiz's overdue rule (`attempts.settle_overdue`), so an
attempt found past its deadline is settled whoever opens it, whatever the browser's clock says.
"""

from datetime import datetime
from typing import TypeVar

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms import db
from lms.accounts.login_rides import LoginRide, ride_rows, rides_login
from lms.courses.seats import Seat, get_seat_or_404
from lms.db import utcnow
from lms.i18n import local_time
from lms.jsonbody import BodyError, read_json
from lms.quizzes.attempts import autosave as autosaving
from lms.quizzes.attempts import forms, navigation, statements
from lms.quizzes.attempts import services as service
from lms.quizzes.attempts.summary import summarise
from lms.quizzes.display import (
    learner_name,
    question_nav,
    quiz_pages,
    shown,
    stamp,
    template_helpers,
)
from lms.quizzes.grading import scoring
from lms.quizzes.manage.settings import (
    ReviewOptions,
    apply_override,
    effective_settings,
    review_options,
)
from lms.quizzes.models import Attempt, AttemptState, Quiz, QuizOverride
from lms.quizzes.permissions import may_manage_class
from lms.request_cache import request_cache
from lms.routing import query_int
from lms.security import LOGIN, access

bp = Blueprint("quiz", __name__, url_prefix="/quiz")
bp.context_processor(template_helpers)

#: Largest autosave body accepted (a long essay and then some).
MAX_AUTOSAVE_BYTES = 256 * 1024


# --- load, then authorise ------------------------------------------------------------------------


def get_quiz_or_404(quiz_id: int) -> tuple[Quiz, QuizOverride | None, Seat]:
    """A class's quiz (its slots loaded), the user's override of its settings, and who looks at
    it (a learner of the class, or one who may preview it): two queries."""
    mine = (QuizOverride.quiz_id == Quiz.id) & (QuizOverride.user_id == str(current_user.get_id()))
    query = (
        select(Quiz, QuizOverride)
        .outerjoin(QuizOverride, mine)
        .options(joinedload(Quiz.slots))
        .where(Quiz.id == quiz_id)
    )
    # unique(): the slots come joined, one row each.
    found = db.session.execute(query).unique().one_or_none()
    if found is None or found[0].class_id is None:
        abort(404)
    quiz, override = found
    return quiz, override, get_seat_or_404(quiz.class_id)


#: Whatever an attempt loader returns: a tuple whose first item is the attempt.
FoundT = TypeVar("FoundT", bound=tuple)


def get_own_attempt_or_404(attempt_id: int) -> tuple[Attempt, Quiz]:
    """An attempt of the signed-in learner; nobody else may answer or submit it."""
    attempt, quiz, _override = get_own_attempt_settings_or_404(attempt_id)
    return attempt, quiz


def get_own_attempt_settings_or_404(
    attempt_id: int,
) -> tuple[Attempt, Quiz, QuizOverride | None]:
    """The same, with the learner's override of the quiz's settings read in the same query (the
    pages showing a countdown need it)."""
    return _own(service.load_attempt_quiz(attempt_id))


def _attempt_page_params() -> dict:
    return {"attempt_id": request.view_args["attempt_id"]}


#: The attempt page's read, in the log-in's statement: the page's one query.
ATTEMPT_PAGE_READ = LoginRide(_attempt_page_params, attach=statements.attempt_to_answer_with)


def get_own_attempt_to_answer_or_404(
    attempt_id: int,
) -> tuple[Attempt, Quiz, QuizOverride | None]:
    """The same for the page a learner answers on: without the columns only a review or the
    grading reads (`service.load_attempt_quiz`'s `to_answer`), read with the log-in when it
    rode along (`ATTEMPT_PAGE_READ`)."""
    rows = ride_rows(ATTEMPT_PAGE_READ, {"attempt_id": attempt_id})
    if rows is None:
        return _own(service.load_attempt_quiz(attempt_id, to_answer=True))
    # Outer-joined there, the quiz could come back None where the view's own read (an inner
    # join) finds nothing: both are a 404.
    return _own(rows[0] if rows and rows[0][1] is not None else None)


def get_own_attempt_to_submit_or_404(attempt_id: int) -> tuple[Attempt, Quiz]:
    """The same check for a submit, reading the attempt, its quiz and its questions under the
    attempt's lock (one query), the lock taken only if it is the learner's: what submit
    grades."""
    return _own(service.load_attempt_to_submit(attempt_id, str(current_user.get_id())))


def _own(found: FoundT | None) -> FoundT:
    """What a loader found of an attempt, if it is the signed-in learner's: loaded first,
    authorised second, so another learner's attempt is refused (403), never shown."""
    if found is None:
        abort(404)
    if found[0].user_id != str(current_user.get_id()):
        abort(403)
    return found


# --- a class's quizzes and a quiz's start page ---------------------------------------------------


@bp.route("/class/<lms_id:class_id>")
@access(LOGIN)
def class_quizzes(class_id: int):
    """The quizzes of a class, with how many attempts the learner has made at each."""
    seat = get_seat_or_404(class_id)
    quizzes = list(
        db.session.scalars(select(Quiz).where(Quiz.class_id == class_id).order_by(Quiz.id))
    )
    counts: dict[int, int] = {}
    if seat.enrolment is not None and quizzes:
        counts = dict(
            db.session.execute(
                select(Attempt.quiz_id, func.count())
                .where(
                    Attempt.user_id == seat.enrolment.user_id,
                    Attempt.quiz_id.in_([quiz.id for quiz in quizzes]),
                )
                .group_by(Attempt.quiz_id)
            ).all()
        )
    return render_template(
        "lms/quizzes/class_quizzes.html", seat=seat, quizzes=quizzes, attempt_counts=counts
    )


def _start_page(
    quiz: Quiz,
    override: QuizOverride | None,
    seat: Seat,
    now: datetime,
    error: str = "",
    status: int = 200,
):
    check = None
    marks_shown: set[int] = set()
    if seat.enrolment is not None:
        settings = apply_override(quiz, override)
        check = service.check_start(quiz, seat.enrolment.user_id, seat.enrolment, settings, now)
        marks_shown = {
            attempt.id
            for attempt in check.attempts
            if attempt.state != AttemptState.IN_PROGRESS
            and review_options(quiz, scoring.review_moment(attempt, check.settings, now)).marks
        }
    grade = scoring.quiz_grade(check.attempts, quiz.grading_method) if check else None
    return render_template(
        "lms/quizzes/quiz.html",
        quiz=quiz,
        seat=seat,
        check=check,
        settings=check.settings if check else apply_override(quiz, None),
        question_count=sum(slot.draw_count for slot in quiz.slots),
        grade=grade,
        marks_shown=marks_shown,
        grade_shown=bool(marks_shown),
        passed=scoring.passed(grade, quiz.pass_mark),
        # A submitted attempt waiting for an essay's grade: no verdict yet, never "not passed".
        waiting=bool(check)
        and any(a.state == AttemptState.FINISHED and a.fraction is None for a in check.attempts),
        error=error,
    ), status


@bp.route("/<lms_id:quiz_id>")
@access(LOGIN)
def quiz(quiz_id: int):
    """Settings, the learner's attempts and grade so far, and the button to start or resume."""
    quiz, override, seat = get_quiz_or_404(quiz_id)
    return _start_page(quiz, override, seat, utcnow())


@bp.route("/<lms_id:quiz_id>/start", methods=["POST"])
@access(LOGIN)
def start(quiz_id: int):
    """Start an attempt (or resume the one in progress); only learners of the class."""
    quiz, override, seat = get_quiz_or_404(quiz_id)
    if seat.enrolment is None:
        abort(403)
    now = utcnow()
    try:
        attempt = service.start_attempt(quiz, seat.enrolment.user_id, now)
    except service.AttemptError as error:
        return _start_page(quiz, override, seat, now, str(error), error.status)
    return redirect(url_for(".attempt", attempt_id=attempt.id, page=attempt.current_page + 1), 303)


# --- answering -----------------------------------------------------------------------------------


def _leave(attempt: Attempt):
    """Where an attempt that takes no more answers sends the learner: submit, or its review."""
    return redirect(url_for(_next_page(attempt), attempt_id=attempt.id), 303)


def _timed(quiz: Quiz, override: QuizOverride | None) -> bool:
    """Whether the attempt has a time limit (a countdown), not only the quiz's closing date;
    `override` is the attempt's learner's, loaded with the attempt."""
    return bool(apply_override(quiz, override).time_limit_minutes)


def _next_page(attempt: Attempt) -> str:
    # Still in progress past the deadline means the grace period (or the last seconds' slack).
    return ".summary" if attempt.state == AttemptState.IN_PROGRESS else ".review"


@bp.route("/attempt/<lms_id:attempt_id>")
@access(LOGIN)
@rides_login(ATTEMPT_PAGE_READ)
def attempt(attempt_id: int):
    """One page of questions; sequential navigation only shows the page the learner is on."""
    attempt, quiz, override = get_own_attempt_to_answer_or_404(attempt_id)
    now = utcnow()
    service.settle_overdue(attempt, quiz, now)
    if not service.takes_answers(attempt, now):
        return _leave(attempt)
    pages = quiz_pages(attempt, quiz)
    wanted = query_int("page", attempt.current_page + 1) - 1
    page = navigation.page_to_show(attempt, quiz, wanted)
    if page != wanted:
        return redirect(url_for(".attempt", attempt_id=attempt.id, page=page + 1))
    return render_template(
        "lms/quizzes/attempt.html",
        quiz=quiz,
        attempt=attempt,
        page=page,
        pages=pages,
        questions=shown(attempt, pages[page]),
        nav=question_nav(attempt, pages, page) if quiz.navigation != "sequential" else [],
        remaining=service.remaining_seconds(attempt, now),
        timed=_timed(quiz, override),
    )


@bp.route("/attempt/<lms_id:attempt_id>", methods=["POST"])
@access(LOGIN)
def save_page(attempt_id: int):
    """Save the answers of the page sent, then show the page (or the confirm page) asked for."""
    attempt, quiz = get_own_attempt_or_404(attempt_id)
    now = utcnow()
    form = forms.AttemptPageForm()
    if not form.validate():
        abort(400)
    pages = quiz_pages(attempt, quiz)
    if form.page.data > len(pages):
        abort(400)
    if service.settle_overdue(attempt, quiz, now) or not service.takes_answers(attempt, now):
        flash(service.closed_message(attempt, quiz, now), "error")
        return _leave(attempt)
    if not navigation.may_change_page(attempt, quiz, form.page.data - 1):
        # An old tab of a page sequential navigation has left behind: nothing to save there.
        return redirect(url_for(".attempt", attempt_id=attempt.id), 303)
    positions = pages[form.page.data - 1]
    service.save_responses(attempt, quiz, {p: request.form for p in positions}, now, opaque=True)
    target = form.target()
    if target is None:
        return redirect(url_for(".summary", attempt_id=attempt.id), 303)
    page = navigation.move_to_page(attempt, quiz, target)
    return redirect(url_for(".attempt", attempt_id=attempt.id, page=page + 1), 303)


def _posted_answers() -> tuple[dict, tuple | None]:
    """The answers an autosave sent, and the answer to give when its body cannot be read (else
    None). Read from the request's stream once: the log-in reads them first (the autosave's
    read rides along with it, `AUTOSAVE_READ`), the view after."""
    cache = request_cache()
    if "autosave_answers" not in cache:
        answers, refusal = {}, None
        try:
            answers = forms.parse_autosave(read_json(MAX_AUTOSAVE_BYTES), forms.MAX_POSITION)
        except BodyError as error:
            refusal = jsonify(error=str(error)), error.status
        except (ValueError, TypeError):
            refusal = _unreadable()
        cache["autosave_answers"] = (answers, refusal)
    return cache["autosave_answers"]


def _autosave_read_params() -> dict:
    """The autosave's read for this request: its attempt, and the positions the body names
    (none when it cannot be read: the attempt is still read, to authorise before refusing)."""
    answers, _refusal = _posted_answers()
    return {"attempt_id": request.view_args["attempt_id"], "positions": sorted(answers)}


#: The autosave's read, sent in the log-in's statement: one round trip and one statement less
#: on the exam day's most frequent request.
AUTOSAVE_READ = LoginRide(_autosave_read_params, statement=statements.attempt_to_autosave)


@bp.route("/attempt/<lms_id:attempt_id>/autosave", methods=["POST"])
@access(LOGIN)
@rides_login(AUTOSAVE_READ)
def autosave(attempt_id: int):
    """Save changed answers sent by attempt.js; 409 with a message once the attempt is closed.

    The body is read first, since the attempt is read with only the questions it names (see
    `attempts.autosave`); the attempt is still loaded, then authorised, before anything is
    written or any fault of the body is answered: someone else's attempt is a 403 whatever
    was sent."""
    now = utcnow()
    answers, refusal = _posted_answers()
    params = _autosave_read_params()
    found = autosaving.load(**params, rows=ride_rows(AUTOSAVE_READ, params))
    attempt, quiz, questions = _own(found)
    if refusal is not None:
        return refusal
    if not questions.keys() >= answers.keys():
        return _unreadable()  # a position the attempt does not have
    answers = {
        position: fields
        for position, fields in answers.items()
        if navigation.may_change_page(
            attempt, quiz, navigation.page_of(position, quiz.questions_per_page)
        )
    }
    try:
        saved = autosaving.save(attempt, quiz, questions, answers, now)
    except autosaving.Refused as refused:
        # The attempt as it now stands: a submit from another tab sends the learner to review.
        closed = refused.attempt
        return jsonify(
            error=str(refused), remaining=0, next=url_for(_next_page(closed), attempt_id=closed.id)
        ), 409
    return jsonify(
        saved={str(position): stamp(moment) for position, moment in saved.items()},
        message=_("Saved at %(time)s", time=local_time(now).strftime("%H:%M:%S")),
        remaining=service.remaining_seconds(attempt, now),
    )


def _unreadable():
    return jsonify(error=_("The answers sent could not be read. Reload the page.")), 400


# --- finishing and review ------------------------------------------------------------------------


@bp.route("/attempt/<lms_id:attempt_id>/summary")
@access(LOGIN)
def summary(attempt_id: int):
    """The confirm page: which questions are unanswered, and "Submit all and finish"."""
    attempt, quiz, override = get_own_attempt_settings_or_404(attempt_id)
    now = utcnow()
    service.settle_overdue(attempt, quiz, now)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for(".review", attempt_id=attempt.id))
    time_up = not service.takes_answers(attempt, now)
    return render_template(
        "lms/quizzes/summary.html",
        quiz=quiz,
        attempt=attempt,
        questions=shown(attempt),
        summary=summarise(attempt),
        pages=quiz_pages(attempt, quiz),
        page_of=lambda position: navigation.page_of(position, quiz.questions_per_page),
        time_up=time_up,
        closed_message=service.closed_message(attempt, quiz, now) if time_up else "",
        # Past the deadline there is nothing left to count down (and nothing to reload for).
        remaining=None if time_up else service.remaining_seconds(attempt, now),
        timed=_timed(quiz, override),
    )


@bp.route("/attempt/<lms_id:attempt_id>/submit", methods=["POST"])
@access(LOGIN)
def submit(attempt_id: int):
    """Submit and grade, once: a second tab or a retry lands on the same result."""
    attempt, quiz = get_own_attempt_to_submit_or_404(attempt_id)
    if service.submit_attempt(attempt, quiz, utcnow(), locked=True):
        flash(_("Your attempt has been submitted."), "success")
    return redirect(url_for(".review", attempt_id=attempt.id), 303)


@bp.route("/attempt/<lms_id:attempt_id>/review")
@access(LOGIN)
def review(attempt_id: int):
    """A finished attempt, showing what the quiz's review options allow at this moment."""
    attempt = service.load_attempt(attempt_id)
    if attempt is None:
        abort(404)
    quiz = db.session.get(Quiz, attempt.quiz_id)
    own = attempt.user_id == str(current_user.get_id())
    if not own and not may_manage_class(get_seat_or_404(quiz.class_id).training_class):
        abort(403)
    now = utcnow()
    service.settle_overdue(attempt, quiz, now)
    if own and attempt.state == AttemptState.IN_PROGRESS:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    settings = effective_settings(quiz, attempt.user_id)
    options: ReviewOptions = (
        review_options(quiz, scoring.review_moment(attempt, settings, now))
        if own
        else ReviewOptions.everything()
    )
    return render_template(
        "lms/quizzes/review.html",
        quiz=quiz,
        attempt=attempt,
        own=own,
        options=options,
        questions=shown(attempt),
        max_marks=sum(q.max_mark for q in attempt.questions),
        passed=scoring.passed(attempt.fraction, quiz.pass_mark),
        learner_name=None if own else learner_name(attempt.user_id),
    )
