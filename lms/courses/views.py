"""Course pages as everyone sees them: the catalog and a course's description, with the classes
a learner may join on their own; and, for trainers, copying a course to start from it.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import get_unit_or_404, has_any_role, scope_units
from lms.accounts.services import ServiceError, ensure_profile, unit_tree
from lms.accounts.sessions import loads_profile
from lms.classes.enrolment import enrolled_counts, today
from lms.classes.forms import mode_label
from lms.courses import copying, progress, services
from lms.courses.forms import CopyCourseForm, topic_choices
from lms.courses.search import services as search
from lms.forms import unit_choices
from lms.routing import query_int
from lms.security import LOGIN, access

bp = Blueprint("courses", __name__, url_prefix="/courses")

#: How pages name each topic: the labels the authoring form offers, in the same order.
TOPIC_LABELS: dict[str, str] = dict(topic_choices())

#: The endpoint (built by the classes area) that a self-enrolment form posts to.
SELF_ENROL_ENDPOINT = "lms.classes.self_enrol"

CATALOG_PAGE_SIZE = 20


def topic_label(topic: str) -> str:
    return str(TOPIC_LABELS.get(topic, topic))


def label_helpers() -> dict:
    """Template helpers naming topics and class modes (for this area's and the learn pages)."""
    return {"topic_label": topic_label, "class_mode_label": mode_label}


bp.context_processor(label_helpers)


@bp.route("/")
@access(LOGIN)
def catalog():
    """Published courses, filtered by topic and searched (titles, descriptions, modules)."""
    text = request.args.get("q", "").strip()
    topic = request.args.get("topic", "")
    page = search.catalog_page(
        text,
        topic,
        page=query_int("page", 1),
        per_page=CATALOG_PAGE_SIZE,
        # Staff open any class's modules; a learner reads module text only where enrolled.
        learner=None if has_any_role(Role.TRAINER, Role.ORGANIZER) else str(current_user.get_id()),
    )
    return render_template(
        "lms/courses/catalog.html",
        page=page,
        search=text[: search.MAX_QUERY_CHARS],
        max_query_chars=search.MAX_QUERY_CHARS,
        max_query_terms=search.MAX_TERMS,
        topic=topic if topic in TOPIC_LABELS else "",
        topics=TOPIC_LABELS,
    )


@bp.route("/<slug>")
@access(LOGIN)
@loads_profile
def course(slug: str):
    """A course's description, the learner's classes of it, and the classes they may join: open
    now (with a button) or opening later (with the date).
    """
    version = progress.published_course(slug)
    if version is None:
        abort(404)
    profile = ensure_profile(current_user)
    offers = progress.self_enrol_offers(version.course_id, profile, today())
    return render_template(
        "lms/courses/course.html",
        version=version,
        enrolments=progress.enrolments_in_course(version.course_id, profile.user_id),
        offers=offers,
        enrolled=enrolled_counts([c.id for c in offers.open_now + offers.upcoming]),
        can_self_enrol=SELF_ENROL_ENDPOINT in current_app.view_functions,
        self_enrol_endpoint=SELF_ENROL_ENDPOINT,
    )


# --- copying a course (trainers) ---------------------------------------------------------------


def _copy_plan_or_404(slug: str) -> copying.CopyPlan:
    """The course's current published version, which every signed-in user may read (it is in
    the catalog); 404 when the course has none.
    """
    course = services.find_course(slug)
    version = services.current_version(course) if course is not None else None
    if version is None:
        abort(404)
    return copying.plan_copy(version)


def _copy_form(**kwargs) -> CopyCourseForm:
    """The form naming the copy, offering the units where the user authors."""
    form = CopyCourseForm(**kwargs)
    form.owner_unit_id.choices = unit_choices(unit_tree(scope_units(Role.TRAINER)))
    return form


def _copy_page(plan: copying.CopyPlan, form: CopyCourseForm, status: int = 200, problem=""):
    course = plan.version.course
    page = render_template(
        "lms/courses/copy.html",
        version=plan.version,
        attachments=plan.attachments,
        owner=db.session.get(Unit, course.owner_unit_id) if course.owner_unit_id else None,
        form=form,
        problem=problem,
    )
    return page, status


@bp.route("/<slug>/copy")
@access("role", Role.TRAINER)
def confirm_copy(slug: str):
    """What a copy of the course holds, and the form naming it (nothing is written yet)."""
    plan = _copy_plan_or_404(slug)
    form = _copy_form(formdata=None)
    form.slug.data, form.title.data = copying.suggested_names(plan.version)
    return _copy_page(plan, form)


@bp.route("/<slug>/copy", methods=["POST"])
@access("role", Role.TRAINER)
def copy_course(slug: str):
    """Make the copy, a draft owned by a unit where the user authors, then open it."""
    plan = _copy_plan_or_404(slug)
    form = _copy_form()
    problem = ""
    if form.validate_on_submit():
        unit = get_unit_or_404(int(form.owner_unit_id.data), need=Role.TRAINER)
        try:
            draft = copying.copy_course(plan, form.slug.data, form.title.data, unit)
        except ServiceError as error:
            problem = str(error)
        else:
            flash(
                _("%(t)s is your copy, a draft: edit it, then publish it.", t=draft.title),
                "success",
            )
            return redirect(url_for("lms.authoring.course", course_id=draft.course_id), 303)
    return _copy_page(plan, form, 422, problem)
