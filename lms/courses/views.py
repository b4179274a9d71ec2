"""Learner-facing course pages: the catalog and a course's description, with the classes a
learner may join on their own.
"""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from lms.accounts.services import ensure_profile
from lms.classes.enrolment import enrolled_counts, today
from lms.classes.forms import mode_label
from lms.courses import progress
from lms.courses.forms import topic_choices
from lms.courses.search import services as search
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
