"""The marking page of a session, made for a trainer's phone: the whole roster on one screen,
"mark all present", then each fix saved at once by `static/js/attendance.js` (kept on the device
while the link is down) — and, without JavaScript, the same page is one plain form.
"""

from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.attendance import checkin, marking, reports, services
from lms.attendance.blueprint import STAFF, actor_id, bp, get_session_or_404
from lms.attendance.forms import ActionForm
from lms.attendance.marking import Change, MarkRefused
from lms.i18n import format_datetime
from lms.security import access
from lms.text import fold

#: Most changes one JSON save may carry (a queue that filled up while offline).
MAX_BATCH = 500


def _render(session, organizes, status: int = 200, error: str = ""):
    return render_template(
        "lms/attendance/mark.html",
        session=session,
        training_class=session.training_class,
        organizes=organizes,
        number=reports.session_number(session),
        rows=marking.roster(session),
        statuses=services.statuses(session.class_id),
        form=ActionForm(),
        error=error,
        fold=fold,
        flag_labels=checkin.flag_labels(),
    ), status


@bp.route("/sessions/<lms_id:session_id>/mark")
@access("role", *STAFF)
def mark(session_id: int):
    session, organizes = get_session_or_404(session_id)
    return _render(session, organizes)


@bp.route("/sessions/<lms_id:session_id>/mark", methods=["POST"])
@access("role", *STAFF)
def save_marks(session_id: int):
    """The plain form: every row whose status or remark differs from its mark is saved."""
    session, organizes = get_session_or_404(session_id)
    current = {row.user_id: row.mark for row in marking.roster(session)}
    changes = []
    for user_id, mark in current.items():
        status = request.form.get(f"status-{user_id}", "")
        remark = request.form.get(f"remark-{user_id}", "")
        if not status:
            continue
        if mark is None or mark.status != status or mark.remark != remark.strip():
            changes.append(Change(user_id, status, remark))
    try:
        saved = marking.write_marks(session, changes, actor_id())
    except MarkRefused as error:
        return _render(session, organizes, 400, str(error))
    flash(_("%(n)d marks saved.", n=len(saved)), "success")
    return redirect(url_for(".mark", session_id=session_id), 303)


@bp.route("/sessions/<lms_id:session_id>/mark-all-present", methods=["POST"])
@access("role", *STAFF)
def mark_all_present(session_id: int):
    session, _organizes = get_session_or_404(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        saved = marking.mark_all_present(session, actor_id())
    except MarkRefused as error:
        flash(str(error), "error")
    else:
        flash(_("%(n)d learners marked present.", n=len(saved)), "success")
    return redirect(url_for(".mark", session_id=session_id), 303)


@bp.route("/sessions/<lms_id:session_id>/marks.json", methods=["POST"])
@access("role", *STAFF)
def save_marks_json(session_id: int):
    """Changes sent by the marking page's script: {"changes": [{"user_id", "status",
    "remark"}]}, all written or none. The CSRF token comes in the X-CSRFToken header."""
    session, _organizes = get_session_or_404(session_id)
    payload = request.get_json(silent=True)
    items = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not 0 < len(items) <= MAX_BATCH:
        return jsonify(error=_("Nothing to save.")), 400
    changes = []
    for item in items:
        if not isinstance(item, dict):
            return jsonify(error=_("Nothing to save.")), 400
        fields = [item.get(key, "") for key in ("user_id", "status", "remark")]
        if not all(isinstance(value, str) for value in fields):
            return jsonify(error=_("Nothing to save.")), 400
        changes.append(Change(*fields))
    # The last change of a learner wins (a queue may hold several of the same row).
    latest = {change.user_id: change for change in changes}
    try:
        saved = marking.write_marks(session, list(latest.values()), actor_id())
    except MarkRefused as error:
        return jsonify(error=str(error)), 422
    return jsonify(saved=sorted(latest), changed=saved)


def _session_text(snapshot: dict | None) -> str:
    """A session's audited state as people read it: "08/12/2026 07:30–11:00, Phòng 201"."""
    if not snapshot or "starts_at" not in snapshot:
        return "—"
    starts = format_datetime(datetime.fromisoformat(snapshot["starts_at"]))
    ends = format_datetime(datetime.fromisoformat(snapshot["ends_at"]))[-5:]
    where = snapshot.get("room") or snapshot.get("meeting_url") or ""
    text = f"{starts}–{ends}" + (f", {where}" if where else "")
    if snapshot.get("cancelled"):
        text += " — " + _("Cancelled: %(r)s", r=snapshot.get("reason", ""))
    return text


@bp.route("/sessions/<lms_id:session_id>/history")
@access("role", *STAFF)
def history(session_id: int):
    """Every change to the session and its marks: who, when, before, after."""
    session, _organizes = get_session_or_404(session_id)
    events = marking.history(session)
    names = marking.names_of(
        {e.actor_id for e in events if e.actor_id}
        | {(e.after or {}).get("user_id", "") for e in events}
    )
    return render_template(
        "lms/attendance/history.html",
        session=session,
        training_class=session.training_class,
        events=events,
        names=names,
        labels={s.code: s.label for s in services.statuses(session.class_id)},
        session_text=_session_text,
    )
