"""Trainer pages: write courses and modules, preview, attachments, drafts and publishing.

The module page (`…/versions/<n>/modules/<position>`) is both the trainer's preview and, for a
draft, the editor: relative links such as `assets/x.png` resolve to the `asset` route beside it.
"""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from lms import db
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import get_unit_or_404, scope_units
from lms.accounts.services import ServiceError, unit_tree
from lms.courses import attachments, editing, stale_law
from lms.courses.forms import (
    MAX_BODY_CHARS,
    AttachmentForm,
    CourseForm,
    EditCourseForm,
    ModuleForm,
)
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.forms import unit_choices
from lms.jsonbody import BodyError, read_json
from lms.rendering import render_markdown
from lms.security import access

bp = Blueprint("authoring", __name__, url_prefix="/author")

TRAINER = Role.TRAINER
VERSION = "/courses/<lms_id:course_id>/versions/<lms_id:number>"


def _unit_choices() -> list[SelectChoice]:
    """The trainer's units (indented tree) that may own a new course."""
    return unit_choices(unit_tree(scope_units(TRAINER)))


def _course_details(form: CourseForm) -> editing.CourseDetails:
    return editing.CourseDetails(
        title=form.title.data,
        summary=form.summary.data,
        topic=form.topic.data,
        audience=form.audience.data,
        objectives=form.objective_lines(),
        pass_mark=form.pass_mark.data,
        quiz_slug=form.quiz_slug.data or None,
        sources=form.source_lines(),
    )


def _module_details(form: ModuleForm) -> editing.ModuleDetails:
    return editing.ModuleDetails(
        title=form.title.data,
        minutes=form.minutes.data,
        required=form.required.data,
        quiz_slug=form.quiz_slug.data or None,
        body=form.body.data or "",
        reviewed=form.reviewed.data,
    )


def _draft_only(version: CourseVersion) -> None:
    """Published versions never change; a stale page posting to one gets 409."""
    if version.status != VersionStatus.DRAFT:
        abort(409)


def _load_version(course_id: int, number: int) -> tuple[Course, CourseVersion]:
    course = editing.get_course_or_404(course_id, need=TRAINER)
    return course, editing.get_version_or_404(course, number)


# --- courses ---------------------------------------------------------------------------------


@bp.route("/courses/new", methods=["GET", "POST"])
@access("role", TRAINER)
def new_course():
    form = CourseForm()
    form.owner_unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = get_unit_or_404(int(form.owner_unit_id.data), need=TRAINER)
        try:
            version = editing.create_course(form.slug.data, _course_details(form), unit)
        except ServiceError as error:
            form.slug.errors.append(str(error))
        else:
            flash(_("The course was created as a draft; now add its modules."), "success")
            return redirect(url_for(".course", course_id=version.course_id))
    status = 422 if form.errors else 200
    return render_template("lms/authoring/course_form.html", form=form, course=None), status


@bp.route("/courses/<lms_id:course_id>")
@access("role", TRAINER)
def course(course_id: int):
    return _render_course(editing.get_course_or_404(course_id, need=TRAINER))


def _render_course(course: Course, problems: list[str] | None = None, status: int = 200):
    """The course page: its versions (and the classes using each), the working version's
    modules, and why publishing failed when it did.
    """
    draft = editing.draft_of(course)
    working = draft or course.versions[-1]
    owner = db.session.get(Unit, course.owner_unit_id) if course.owner_unit_id else None
    page = render_template(
        "lms/authoring/course.html",
        course=course,
        versions=list(reversed(course.versions)),
        draft=draft,
        working=working,
        uses=editing.classes_by_version([course.id]),
        owner=owner,
        problems=problems or [],
        law=stale_law.check_version(working),
    )
    return page, status


@bp.route("/courses/<lms_id:course_id>/edit", methods=["GET", "POST"])
@access("role", TRAINER)
def edit_course(course_id: int):
    course = editing.get_course_or_404(course_id, need=TRAINER)
    draft = editing.draft_of(course)
    if draft is None:
        flash(_("Start a new draft to change the course."), "error")
        return redirect(url_for(".course", course_id=course.id))
    form = EditCourseForm(obj=draft)
    if request.method == "GET":
        form.objectives.data = "\n".join(draft.objectives)
        form.sources.data = "\n".join(draft.sources or [])
    if form.validate_on_submit():
        editing.update_details(draft, _course_details(form))
        flash(_("The course details were saved."), "success")
        return redirect(url_for(".course", course_id=course.id))
    status = 422 if form.errors else 200
    return render_template("lms/authoring/course_form.html", form=form, course=course), status


@bp.route("/courses/<lms_id:course_id>/draft", methods=["POST"])
@access("role", TRAINER)
def start_draft(course_id: int):
    course = editing.get_course_or_404(course_id, need=TRAINER)
    try:
        draft = editing.start_draft(course)
    except IntegrityError:
        # A double click: the other request made the same draft a moment earlier.
        db.session.rollback()
    else:
        flash(_("Version %(n)s is a draft: edit it, then publish it.", n=draft.number), "success")
    return redirect(url_for(".course", course_id=course_id))


def _draft_to_publish(course_id: int):
    """The course and its draft, and the course page saying why not (409 without a draft, 422
    with the problems) when the draft cannot be published: the confirmation and the publish
    itself refuse alike."""
    course = editing.get_course_or_404(course_id, need=TRAINER)
    draft = editing.draft_of(course)
    if draft is None:
        return course, None, _render_course(course, [_("There is no draft to publish.")], 409)
    problems = editing.publish_problems(draft)
    if problems:
        return course, draft, _render_course(course, problems, 422)
    return course, draft, None


@bp.route("/courses/<lms_id:course_id>/publish", methods=["GET"])
@access("role", TRAINER)
def confirm_publish(course_id: int):
    """Publishing cannot be undone (a published version never changes): say so, then ask."""
    course, draft, refusal = _draft_to_publish(course_id)
    if refusal is not None:
        return refusal
    current = editing.current_of(course)
    return render_template(
        "lms/authoring/publish_confirm.html",
        course=course,
        draft=draft,
        current=current,
        uses=editing.classes_by_version([course.id]).get(current.id, []) if current else [],
    )


@bp.route("/courses/<lms_id:course_id>/publish", methods=["POST"])
@access("role", TRAINER)
def publish(course_id: int):
    course, draft, refusal = _draft_to_publish(course_id)
    if refusal is not None:
        return refusal
    editing.publish(draft)
    flash(_("Version %(n)s is published; new classes will use it.", n=draft.number), "success")
    return redirect(url_for(".course", course_id=course.id))


# --- modules ---------------------------------------------------------------------------------


@bp.route(f"{VERSION}/modules/new", methods=["GET", "POST"])
@access("role", TRAINER)
def new_module(course_id: int, number: int):
    course, version = _load_version(course_id, number)
    _draft_only(version)
    form = ModuleForm()
    preview_text = form.body.data or ""
    if _saving() and form.validate():
        try:
            module = editing.add_module(version, _module_details(form))
        except ServiceError as error:
            form.title.errors.append(str(error))
        except IntegrityError:
            # Another module took the same place (a double click, a second tab): keep the text.
            db.session.rollback()
            form.title.errors.append(_("Another module was added at the same moment; try again."))
        else:
            flash(_("The module was added."), "success")
            return redirect(_module_url(module))
    status = 422 if form.errors else 200
    return _render_module(course, version, None, form, preview_text, status)


@bp.route(f"{VERSION}/modules/<lms_id:position>", methods=["GET", "POST"])
@access("role", TRAINER)
def module(course_id: int, number: int, position: int):
    """The module as learners will see it; for a draft, with its editor above the preview."""
    course, version = _load_version(course_id, number)
    module = editing.get_module_or_404(version, position)
    form = ModuleForm(obj=module)
    preview_text, status, conflict = module.body, 200, ""
    if request.method == "POST":
        preview_text = form.body.data or ""
    if _saving():
        if version.status != VersionStatus.DRAFT:
            # Published in another tab meanwhile: keep the trainer's text on the page.
            conflict = _(
                "This version was published meanwhile and cannot change. Copy your text, "
                "start a new draft and paste it there."
            )
            status = 409
        elif form.validate():
            editing.update_module(module, _module_details(form))
            flash(_("The module was saved."), "success")
            return redirect(_module_url(module))
        else:
            status = 422
    return _render_module(course, version, module, form, preview_text, status, conflict)


def _saving() -> bool:
    """A POST of the editor's Save button (its Preview button only renders the text)."""
    return request.method == "POST" and request.form.get("action") != "preview"


def _module_url(module: Module) -> str:
    version = module.version
    return url_for(
        ".module", course_id=version.course_id, number=version.number, position=module.position
    )


def _render_module(
    course: Course,
    version: CourseVersion,
    module: Module | None,
    form: ModuleForm,
    preview_text: str,
    status: int,
    conflict: str = "",
):
    """The module page: the editor (drafts, or a refused save) above the rendered preview."""
    editable = version.status == VersionStatus.DRAFT or bool(conflict)
    page = render_template(
        "lms/authoring/module.html",
        course=course,
        version=version,
        module=module,
        form=form if editable else None,
        conflict=conflict,
        body=render_markdown(preview_text),
        positions=[m.position for m in version.modules],
        # The text and date in the editor, so Preview shows the warnings of what will be saved.
        law=stale_law.check_module(preview_text, form.reviewed.data, module),
    )
    return page, status


@bp.route(f"{VERSION}/modules/<lms_id:position>/delete", methods=["POST"])
@access("role", TRAINER)
def delete_module(course_id: int, number: int, position: int):
    course, version = _load_version(course_id, number)
    _draft_only(version)
    module = editing.get_module_or_404(version, position)
    title = module.title
    editing.delete_module(module)
    flash(_("The module %(t)s was deleted.", t=title), "success")
    return redirect(url_for(".course", course_id=course.id, _anchor="modules"))


@bp.route(f"{VERSION}/modules/<lms_id:position>/move", methods=["POST"])
@access("role", TRAINER)
def move_module(course_id: int, number: int, position: int):
    course, version = _load_version(course_id, number)
    _draft_only(version)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    editing.move_module(editing.get_module_or_404(version, position), step)
    return redirect(url_for(".course", course_id=course.id, _anchor="modules"))


@bp.route(f"{VERSION}/modules/assets/<path:name>")
@access("role", TRAINER)
def asset(course_id: int, number: int, name: str):
    """An attachment where a module page's relative link `assets/<name>` points."""
    course, _version = _load_version(course_id, number)
    attachment = attachments.find_attachment(course, name)
    if attachment is None:
        abort(404)
    return attachments.attachment_response(attachment)


@bp.route("/preview", methods=["POST"])
@access("role", TRAINER)
def preview():
    """Markdown → the HTML learners will see, through the one renderer (JSON or form body)."""
    try:
        # Four bytes per character at most in UTF-8, plus the JSON around the text.
        payload = read_json(4 * MAX_BODY_CHARS + 1024) if request.is_json else request.form
    except BodyError as error:
        return jsonify(error=str(error)), error.status
    text = payload.get("text", "") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return jsonify(error=_("Send the text to preview as `text`.")), 400
    if len(text) > MAX_BODY_CHARS:
        return jsonify(error=_("The text is too long to preview.")), 413
    return jsonify(html=str(render_markdown(text)))


# --- attachments -----------------------------------------------------------------------------


@bp.route("/courses/<lms_id:course_id>/attachments", methods=["GET", "POST"])
@access("role", TRAINER)
def attachment_list(course_id: int):
    course = editing.get_course_or_404(course_id, need=TRAINER)
    form = AttachmentForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            attachment = attachments.upload_attachment(course, upload.filename or "", upload.stream)
        except attachments.UploadError as error:
            form.file.errors.append(str(error))
            status = error.status
        else:
            flash(_("%(f)s was uploaded.", f=attachment.name), "success")
            return redirect(url_for(".attachment_list", course_id=course.id))
    elif form.errors:
        status = 422
    return _render_attachments(course, form, status)


def _render_attachments(course: Course, form: AttachmentForm, status: int, problem: str = ""):
    draft = editing.draft_of(course)
    extensions = attachments.allowed_extensions()
    # Lets phones offer only files the upload will accept.
    form.file.render_kw = {"accept": ",".join(f".{e}" for e in extensions)}
    page = render_template(
        "lms/authoring/attachments.html",
        course=course,
        files=attachments.course_attachments(course),
        snippet=attachments.attachment_snippet,
        version=draft or course.versions[-1],
        form=form,
        problem=problem,
        types=", ".join(e.upper() for e in extensions),
        max_size=attachments.size_limit_label(),
    )
    return page, status


@bp.route("/courses/<lms_id:course_id>/attachments/<lms_id:attachment_id>/delete", methods=["POST"])
@access("role", TRAINER)
def delete_attachment(course_id: int, attachment_id: int):
    course = editing.get_course_or_404(course_id, need=TRAINER)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.course_id != course.id:
        abort(404)
    try:
        attachments.delete_attachment(attachment)
    except ServiceError as error:
        return _render_attachments(course, AttachmentForm(formdata=None), 409, str(error))
    flash(_("%(f)s was deleted.", f=attachment.name), "success")
    return redirect(url_for(".attachment_list", course_id=course.id))
