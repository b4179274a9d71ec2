"""Organizer and trainer pages of a class's sessions: the list, one new session or a weekly
series, moving (editing) and cancelling one, the class's attendance report and settings. The
marking, export, check-in and learner pages live in their own modules and join `bp`.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.attendance import (
    checkin_views,  # noqa: F401 (its routes join bp)
    export_views,  # noqa: F401 (its routes join bp)
    learner_views,  # noqa: F401 (its routes join bp)
    marking_views,  # noqa: F401 (its routes join bp)
    notices,
    reports,
    services,
)
from lms.attendance.blueprint import (
    ORGANIZER,
    STAFF,
    actor_id,
    bp,
    get_class_for_staff_or_404,
    get_session_or_404,
)
from lms.attendance.forms import (
    ActionForm,
    CancelForm,
    SeriesForm,
    SessionForm,
    SettingsForm,
    StatusesForm,
)
from lms.attendance.services import SessionData, SessionInvalid, StatusDef
from lms.classes import services as classes
from lms.forms import select_choices
from lms.i18n import parse_date
from lms.security import access

CHECKIN_FIELDS = (
    "checkin_before_minutes",
    "checkin_after_minutes",
    "late_after_minutes",
    "code_seconds",
    "allowed_networks",
)


def _trainer_choices(form, training_class) -> None:
    form.trainer_id.choices = select_choices(
        [("", _("not set"))]
        + [(p.user_id, p.full_name) for p in classes.class_trainers(training_class)]
    )


def _data(form) -> SessionData:
    return SessionData(
        day=form.day.data,
        start=form.start.data,
        end=form.end.data,
        mode=form.mode.data,
        room=form.room.data or "",
        meeting_url=(form.meeting_url.data or "").strip(),
        trainer_id=form.trainer_id.data or "",
        topic=form.topic.data or "",
    )


def _checkin_settings(session, form) -> None:
    for name in CHECKIN_FIELDS:
        setattr(
            session, name, getattr(form, name).data or (0 if name != "allowed_networks" else "")
        )


def _problems_to_form(form, error: SessionInvalid) -> None:
    for name, message in error.problems.items():
        target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


def _skip_days(form) -> set | None:
    days = set()
    for part in (form.skip.data or "").replace(",", "\n").split():
        try:
            days.add(parse_date(part))
        except ValueError:
            form.skip.errors = [_("Write each date as dd/mm/yyyy.")]
            return None
    return days


@bp.route("/classes/<lms_id:class_id>")
@access("role", *STAFF)
def class_sessions(class_id: int):
    """The class's sessions, with how many learners each has marked."""
    training_class, organizes = get_class_for_staff_or_404(class_id)
    return render_template(
        "lms/attendance/sessions.html",
        training_class=training_class,
        organizes=organizes,
        rows=reports.session_rows(training_class),
        form=ActionForm(),
    )


def _session_form_page(training_class, form, series: bool = False, **extra):
    """The session (or series) form, answered 422 when the submitted one was refused."""
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "lms/attendance/session_form.html",
        training_class=training_class,
        form=form,
        series=series,
        **extra,
    ), status


@bp.route("/classes/<lms_id:class_id>/sessions/new", methods=["GET", "POST"])
@access("role", *STAFF)
def new_session(class_id: int):
    training_class, _organizes = get_class_for_staff_or_404(class_id)
    form = SessionForm()
    _trainer_choices(form, training_class)
    if form.validate_on_submit():
        try:
            session = services.create_session(class_id, _data(form), actor_id())
        except SessionInvalid as error:
            _problems_to_form(form, error)
        else:
            _checkin_settings(session, form)
            flash(_("The session was added."), "success")
            return redirect(url_for(".class_sessions", class_id=class_id), 303)
    return _session_form_page(training_class, form)


@bp.route("/classes/<lms_id:class_id>/series", methods=["GET", "POST"])
@access("role", *STAFF)
def new_series(class_id: int):
    """A weekly series: the chosen weekdays for N weeks, skipping given dates."""
    training_class, _organizes = get_class_for_staff_or_404(class_id)
    form = SeriesForm()
    _trainer_choices(form, training_class)
    if form.validate_on_submit():
        skip = _skip_days(form)
        if skip is not None:
            try:
                made = services.create_series(
                    class_id,
                    _data(form),
                    set(form.weekdays.data or ()),
                    form.weeks.data,
                    skip,
                    actor_id(),
                )
            except SessionInvalid as error:
                _problems_to_form(form, error)
            else:
                for session in made:
                    _checkin_settings(session, form)
                flash(_("%(n)d sessions were added.", n=len(made)), "success")
                return redirect(url_for(".class_sessions", class_id=class_id), 303)
    return _session_form_page(training_class, form, series=True)


@bp.route("/sessions/<lms_id:session_id>/edit", methods=["GET", "POST"])
@access("role", *STAFF)
def edit_session(session_id: int):
    """Move a session (another day, time or room) or change its trainer and topic."""
    session, _organizes = get_session_or_404(session_id)
    form = SessionForm(obj=session if request.method == "GET" else None)
    _trainer_choices(form, session.training_class)
    if request.method == "GET":
        starts, ends = services.local(session.starts_at), services.local(session.ends_at)
        form.day.data, form.start.data, form.end.data = starts.date(), starts.time(), ends.time()
    if form.validate_on_submit():
        try:
            services.update_session(session, _data(form), actor_id())
        except SessionInvalid as error:
            _problems_to_form(form, error)
        else:
            _checkin_settings(session, form)
            flash(_("The session was saved."), "success")
            return redirect(url_for(".class_sessions", class_id=session.class_id), 303)
    return _session_form_page(
        session.training_class, form, edited=session, cancel_form=CancelForm(formdata=None)
    )


@bp.route("/sessions/<lms_id:session_id>/cancel", methods=["POST"])
@access("role", *STAFF)
def cancel_session(session_id: int):
    session, _organizes = get_session_or_404(session_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for cancelling."), "error")
        return redirect(url_for(".edit_session", session_id=session_id), 303)
    services.cancel_session(session, form.reason.data, actor_id())
    flash(_("The session was cancelled; learners see it on their pages."), "success")
    return redirect(url_for(".class_sessions", class_id=session.class_id), 303)


@bp.route("/classes/<lms_id:class_id>/report")
@access("role", *STAFF)
def report(class_id: int):
    """Each learner's attendance rate, and those under the class's low-attendance percent."""
    training_class, organizes = get_class_for_staff_or_404(class_id)
    return render_template(
        "lms/attendance/report.html",
        training_class=training_class,
        organizes=organizes,
        view=reports.class_report(training_class),
        statuses=services.statuses(class_id),
        notice_form=ActionForm(),
    )


@bp.route("/classes/<lms_id:class_id>/notices", methods=["POST"])
@access("role", ORGANIZER)
def send_notices(class_id: int):
    """Notice the learners now under the low-attendance percent (those not noticed today)."""
    training_class, _organizes = get_class_for_staff_or_404(class_id, organizer_only=True)
    if ActionForm().validate_on_submit():
        sent = notices.send_low_attendance_notices(training_class, actor_id())
        if sent:
            flash(_("A notice was sent to %(n)d learners.", n=sent), "success")
        else:
            flash(_("Nobody to notice: every learner under the percent was noticed today."), "info")
    return redirect(url_for(".report", class_id=class_id), 303)


@bp.route("/classes/<lms_id:class_id>/settings", methods=["GET", "POST"])
@access("role", ORGANIZER)
def settings(class_id: int):
    """Automark, the low-attendance percent, and the class's statuses with their points."""
    training_class, _organizes = get_class_for_staff_or_404(class_id, organizer_only=True)
    current = services.settings(class_id)
    statuses = services.statuses(class_id)
    posted = request.method == "POST"
    form = SettingsForm(obj=current if not posted else None)
    statuses_form = StatusesForm(data=None if posted else {"rows": [vars(s) for s in statuses]})
    if posted and "rows-0-label" in request.form:
        if statuses_form.validate_on_submit() and len(statuses_form.rows.data) == len(statuses):
            wanted = [
                StatusDef(status.code, row["label"].strip(), row["points"])
                for status, row in zip(statuses, statuses_form.rows.data, strict=True)
            ]
            services.save_statuses(class_id, wanted, actor_id())
            flash(_("The statuses were saved."), "success")
            return redirect(url_for(".settings", class_id=class_id), 303)
        form = SettingsForm(formdata=None, obj=current)
    elif form.validate_on_submit():
        services.save_settings(
            class_id, bool(form.automark_absent.data), form.low_percent.data, actor_id()
        )
        flash(_("The attendance settings were saved."), "success")
        return redirect(url_for(".report", class_id=class_id), 303)
    status = 422 if form.errors or statuses_form.errors else 200
    return render_template(
        "lms/attendance/settings.html",
        training_class=training_class,
        form=form,
        statuses_form=statuses_form,
        statuses=statuses,
    ), status
