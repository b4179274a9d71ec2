"""Imports for one session: a sign-in list (official code, status, remark) and an online
meeting's participant report (name or e-mail, minutes attended; a least-minutes rule turns
minutes into a status). Every row is checked first; any bad row is reported by its number and
nothing is written, otherwise all rows are written at once (one audit event per change)."""

from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import LearnerProfile
from lms.attendance import marking, services
from lms.attendance.marking import Change
from lms.attendance.models import AttendanceSession
from lms.tabular import reading
from lms.text import fold

MAX_ROWS = 5000

#: Accepted headers (folded) → the field they fill.
SIGN_IN_HEADERS = {
    "official_code": "official_code",
    "ma cbccvc": "official_code",
    "official code": "official_code",
    "status": "status",
    "trang thai": "status",
    "remark": "remark",
    "ghi chu": "remark",
}
REPORT_HEADERS = {
    "name": "name",
    "ho va ten": "name",
    "full name": "name",
    "email": "email",
    "e-mail": "email",
    "minutes": "minutes",
    "so phut": "minutes",
    "duration (minutes)": "minutes",
    "thoi luong (phut)": "minutes",
}


class ImportRefused(ValueError):
    """The file as a whole cannot be read or its header is wrong."""


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    changed: int = 0
    rows: int = 0


def _columns(header: list[str], known: dict[str, str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(header):
        name = known.get(fold(title).replace("_", " ")) or known.get(fold(title))
        if name and name not in found:
            found[name] = index
    return found


def _read(source: BinaryIO, filename: str, known: dict, required: set) -> tuple[dict, list]:
    def check(header: list[str]) -> list[str]:
        missing = required - set(_columns(header, known))
        return [_("the column %(c)s is missing", c=c) for c in sorted(missing)]

    try:
        rows = reading.read_rows(source, filename, MAX_ROWS, check_header=check)
    except reading.FileRefused as error:
        raise ImportRefused(str(error)) from error
    problems = check(rows[0])
    if problems:
        raise ImportRefused("; ".join(problems))
    return _columns(rows[0], known), rows[1:]


def _cell(row: list[str], columns: dict, name: str) -> str:
    index = columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _status_lookup(class_id: int) -> dict[str, str]:
    """Folded code or label → code, so "Có mặt", "co mat" and "present" all read."""
    lookup = {}
    for status in services.statuses(class_id):
        lookup[fold(status.code)] = status.code
        lookup[fold(status.label)] = status.code
    return lookup


def import_sign_in(session: AttendanceSession, source: BinaryIO, filename: str, actor_id: str):
    columns, rows = _read(source, filename, SIGN_IN_HEADERS, {"official_code", "status"})
    statuses = _status_lookup(session.class_id)
    enrolled = set(services.enrolled_ids(session.class_id))
    codes = {_cell(r, columns, "official_code") for r in rows}
    by_code = (
        dict(
            db.session.execute(
                select(LearnerProfile.official_code, LearnerProfile.user_id).where(
                    LearnerProfile.official_code.in_([c for c in codes if c])
                )
            ).all()
        )
        if codes
        else {}
    )
    outcome, changes, seen = Outcome(), [], {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        outcome.rows += 1
        code = _cell(row, columns, "official_code")
        status = statuses.get(fold(_cell(row, columns, "status")))
        remark = _cell(row, columns, "remark")
        user_id = by_code.get(code)
        if not code:
            reason = _("the official code is empty")
        elif user_id is None or user_id not in enrolled:
            reason = _("%(c)s is not a learner of this class", c=code)
        elif code in seen:
            reason = _("%(c)s is listed twice (also row %(n)d)", c=code, n=seen[code])
        elif status is None:
            reason = _("unknown status “%(s)s”", s=_cell(row, columns, "status"))
        elif len(remark) > marking.MAX_REMARK:
            reason = _("the remark is longer than %(n)d characters", n=marking.MAX_REMARK)
        else:
            seen[code] = number
            changes.append(Change(user_id, status, remark))
            continue
        outcome.problems.append(_("row %(n)d: %(reason)s", n=number, reason=reason))
    if not outcome.problems and not changes:
        outcome.problems.append(_("the file has no rows"))
    if not outcome.problems:
        outcome.changed = len(marking.write_marks(session, changes, actor_id, source="import"))
    return outcome


def import_report(
    session: AttendanceSession, source: BinaryIO, filename: str, min_minutes: int, actor_id: str
):
    """A meeting platform's participant report: people found by e-mail, else by exact full name
    among the class's learners; several lines of one person (rejoined the call) add up."""
    columns, rows = _read(source, filename, REPORT_HEADERS, {"minutes"})
    if "name" not in columns and "email" not in columns:
        raise ImportRefused(_("the column %(c)s is missing", c="name / email"))
    enrolled = set(services.enrolled_ids(session.class_id))
    people = (
        db.session.execute(
            select(
                LearnerProfile.user_id, LearnerProfile.full_name, func.lower(LearnerProfile.email)
            ).where(LearnerProfile.user_id.in_(enrolled))
        ).all()
        if enrolled
        else []
    )
    by_email = {email: user_id for user_id, _name, email in people if email}
    by_name: dict[str, list[str]] = {}
    for user_id, name, _email in people:
        by_name.setdefault(fold(name), []).append(user_id)
    outcome, minutes = Outcome(), {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        outcome.rows += 1
        email = _cell(row, columns, "email").lower()
        name = _cell(row, columns, "name")
        try:
            value = float(_cell(row, columns, "minutes").replace(",", "."))
        except ValueError:
            outcome.problems.append(
                _("row %(n)d: %(reason)s", n=number, reason=_("the minutes are not a number"))
            )
            continue
        if not 0 <= value <= 1440:
            outcome.problems.append(
                _(
                    "row %(n)d: %(reason)s",
                    n=number,
                    reason=_("the minutes are not between 0 and 1.440"),
                )
            )
            continue
        user_id = by_email.get(email) if email else None
        if user_id is None:
            matches = by_name.get(fold(name), [])
            user_id = matches[0] if len(matches) == 1 else None
        if user_id is None:
            # Guests and the trainer are in the report too: they are left out, not an error.
            continue
        minutes[user_id] = minutes.get(user_id, 0) + value
    if not outcome.problems:
        codes = [s.code for s in services.statuses(session.class_id)]
        present = codes[0]
        changes = [
            Change(
                user_id,
                present if total >= min_minutes else services.ABSENT,
                _("%(m)d minutes online", m=round(total)),
            )
            for user_id, total in minutes.items()
            if services.ABSENT in codes or total >= min_minutes
        ]
        outcome.changed = len(marking.write_marks(session, changes, actor_id, source="report"))
    return outcome
