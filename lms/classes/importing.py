"""Bulk enrolment: every person is checked first (unknown, already enrolled, listed twice,
class full), then all are written or none. People come picked one by one, as a whole unit
subtree, or from a CSV/XLSX file with an `official_code` or `username` column; a file's preview is
carried to the confirm step in a signed token and checked again there.

People outside the organizer's units are looked up as if they did not exist: a row naming one
reads exactly like a row naming nobody, so a file or a forged form cannot tell an organizer who
works elsewhere (`visible_profiles`).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Account, LearnerProfile, Unit
from lms.accounts.services import ServiceError
from lms.classes.enrolment import (
    CHUNK,
    ENROLLED,
    Scope,
    capacity_left,
    in_scope,
    lock_class,
    record_history,
    write_enrolment,
)
from lms.classes.models import Enrolment, TrainingClass
from lms.tabular import reading

# --- bulk enrolment: check every person first, then write all or none --------------------------


@dataclass
class Problem:
    """Why one person (a file row, or a picked person) cannot be enrolled."""

    row: int | None
    name: str
    reason: str

    def __str__(self) -> str:
        text = f"{self.name} — {self.reason}" if self.name else self.reason
        if self.row is not None:
            return _("row %(n)d: %(reason)s", n=self.row, reason=text)
        return text


@dataclass
class Planned:
    """One person who will be enrolled: `enrolment` is their withdrawn one to re-open, if any."""

    row: int | None
    profile: LearnerProfile
    enrolment: Enrolment | None = None


@dataclass
class EnrolPlan:
    """What a bulk enrolment will do, or why it cannot (then nothing is written)."""

    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: People skipped without error (already enrolled when enrolling a whole unit).
    skipped: int = 0


def enrolments_of(training_class: TrainingClass, user_ids: list[str]) -> dict[str, Enrolment]:
    """The class's enrolments of these people, in a few chunked queries."""
    found: dict[str, Enrolment] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        for enrolment in db.session.scalars(
            select(Enrolment).where(
                Enrolment.class_id == training_class.id, Enrolment.user_id.in_(chunk)
            )
        ):
            found[enrolment.user_id] = enrolment
    return found


def visible_profiles(
    profiles: dict[str, LearnerProfile], scope: Scope
) -> dict[str, LearnerProfile]:
    """The looked-up people the actor may see, those in `scope`; the rest count as unknown."""
    return {key: profile for key, profile in profiles.items() if in_scope(profile.unit, scope)}


def plan_enrolment(
    training_class: TrainingClass, candidates: list[tuple[int | None, LearnerProfile]]
) -> EnrolPlan:
    """Check every (row, person) pair of people the actor may see: already enrolled, listed
    twice, and finally the class's capacity (the rows past the last free place are reported full).
    """
    plan = EnrolPlan()
    existing = enrolments_of(training_class, [p.user_id for _row, p in candidates])
    seen: dict[str, int | None] = {}
    for row, profile in candidates:
        if profile.user_id in seen:
            first = seen[profile.user_id]
            reason = _("repeats row %(n)d", n=first) if first is not None else _("listed twice")
        elif profile.user_id in existing and existing[profile.user_id].status == ENROLLED:
            reason = _("already enrolled")
        else:
            reason = ""
        seen.setdefault(profile.user_id, row)
        if reason:
            plan.problems.append(Problem(row, profile.full_name, reason))
        else:
            plan.planned.append(Planned(row, profile, existing.get(profile.user_id)))
    left = capacity_left(training_class)
    if left is not None and len(plan.planned) > left:
        for item in plan.planned[left:]:
            plan.problems.append(Problem(item.row, item.profile.full_name, _("the class is full")))
        plan.planned = plan.planned[:left]
        plan.problems.sort(key=lambda p: (p.row is None, p.row or 0))
    return plan


def apply_plan(
    training_class: TrainingClass, plan: EnrolPlan, source: str, actor_id: str = ""
) -> int:
    """Write a checked plan: every person or none. Returns how many were enrolled."""
    if plan.problems:
        raise ServiceError(_("Nothing was enrolled: %(n)d problems.", n=len(plan.problems)))
    lock_class(training_class)
    left = capacity_left(training_class)
    if left is not None and len(plan.planned) > left:
        raise ServiceError(_("The class is full."))
    new = [
        Enrolment(class_id=training_class.id, user_id=item.profile.user_id, source=source)
        for item in plan.planned
        if item.enrolment is None
    ]
    db.session.add_all(new)
    db.session.flush()
    for enrolment in new:
        record_history(enrolment, "enrolled", source, actor_id, None, {"status": ENROLLED})
    for item in plan.planned:
        if item.enrolment is not None:
            write_enrolment(training_class, item.profile.user_id, item.enrolment, source, actor_id)
    db.session.flush()
    return len(plan.planned)


def profiles_by_id(user_ids: list[str]) -> dict[str, LearnerProfile]:
    """Profiles by user id, in a few chunked queries."""
    found: dict[str, LearnerProfile] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        for profile in db.session.scalars(
            select(LearnerProfile).where(LearnerProfile.user_id.in_(chunk))
        ):
            found[profile.user_id] = profile
    return found


def plan_people(training_class: TrainingClass, user_ids: list[str], scope: Scope) -> EnrolPlan:
    """Plan the enrolment of people picked one by one (unknown ids are reported)."""
    found = visible_profiles(profiles_by_id(user_ids), scope)
    candidates = [(None, found[uid]) for uid in user_ids if uid in found]
    plan = plan_enrolment(training_class, candidates)
    for uid in user_ids:
        if uid not in found:
            plan.problems.append(Problem(None, uid, _("there is no such person")))
    return plan


def plan_unit(training_class: TrainingClass, unit: Unit, scope: Scope) -> EnrolPlan:
    """Plan the enrolment of everyone in `unit`'s subtree who has never been in the class;
    withdrawn learners are left out (re-enrol them one by one), enrolled ones skipped.
    """
    if not in_scope(unit, scope):
        plan = EnrolPlan()
        plan.problems.append(Problem(None, unit.name, _("outside your units")))
        return plan
    already = select(Enrolment.user_id).where(Enrolment.class_id == training_class.id)
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path))
    base = select(LearnerProfile).where(LearnerProfile.unit_id.in_(subtree))
    profiles = list(
        db.session.scalars(
            base.where(LearnerProfile.user_id.not_in(already)).order_by(LearnerProfile.sort_name)
        )
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    plan = plan_enrolment(training_class, [(None, p) for p in profiles])
    plan.skipped = total - len(profiles)
    return plan


# --- files ---------------------------------------------------------------------------------------

#: Accepted headers of the column naming the person (English keys or the Vietnamese labels).
KEY_COLUMNS = {
    "official_code": ("official_code", "mã cbccvc", "mã công chức", "ma cbccvc"),
    "username": ("username", "tên đăng nhập", "tài khoản", "tai khoan"),
}
MAX_ROWS = 20000
#: Rows listed on the preview page (the counts and every problem are always shown in full).
PREVIEW_ROWS = 500


def _key_columns(header: list[str]) -> dict[str, int]:
    lookup = {alias: key for key, aliases in KEY_COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = lookup.get(str(title).strip().lower())
        if key and key not in found:
            found[key] = index
    return found


def _lookup(
    codes: set[str], usernames: set[str]
) -> tuple[dict[str, LearnerProfile], dict[str, LearnerProfile]]:
    """People by official code and by (standalone) username, in chunked queries."""
    by_code: dict[str, LearnerProfile] = {}
    code_list = sorted(codes)
    for start in range(0, len(code_list), CHUNK):
        chunk = code_list[start : start + CHUNK]
        for profile in db.session.scalars(
            select(LearnerProfile).where(LearnerProfile.official_code.in_(chunk))
        ):
            by_code[profile.official_code] = profile
    account_ids: dict[str, str] = {}
    name_list = sorted(usernames)
    for start in range(0, len(name_list), CHUNK):
        chunk = name_list[start : start + CHUNK]
        for account_id, username in db.session.execute(
            select(Account.id, Account.username).where(Account.username.in_(chunk))
        ):
            account_ids[str(account_id)] = username
    found = profiles_by_id(list(account_ids))
    by_username = {account_ids[uid]: profile for uid, profile in found.items()}
    return by_code, by_username


def plan_rows(training_class: TrainingClass, rows: list[list[str]], scope: Scope) -> EnrolPlan:
    """Check a file's rows (row 1 is the header) against the people and the class."""
    plan = EnrolPlan()
    if not rows:
        plan.problems.append(Problem(1, "", _("the file is empty")))
        return plan
    header_problems = _header_problems(rows[0])
    if header_problems:
        plan.problems.extend(Problem(1, "", problem) for problem in header_problems)
        return plan
    columns = _key_columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        plan.problems.append(Problem(1, "", _("more than %(n)d rows", n=MAX_ROWS)))
        return plan
    keys: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: (str(row[i]).strip() if i < len(row) and row[i] is not None else "")
            for key, i in columns.items()
        }
        if values.get("official_code"):
            keys.append((number, "official_code", values["official_code"]))
        elif values.get("username"):
            keys.append((number, "username", values["username"].lower()))
        elif any(str(cell).strip() for cell in row if cell is not None):
            plan.problems.append(Problem(number, "", _("the official code and username are empty")))
    by_code, by_username = _lookup(
        {value for _n, kind, value in keys if kind == "official_code"},
        {value for _n, kind, value in keys if kind == "username"},
    )
    by_code, by_username = visible_profiles(by_code, scope), visible_profiles(by_username, scope)
    candidates = []
    for number, kind, value in keys:
        profile = (by_code if kind == "official_code" else by_username).get(value)
        if profile is None:
            plan.problems.append(Problem(number, "", _("unknown person %(key)s", key=value)))
        else:
            candidates.append((number, profile))
    checked = plan_enrolment(training_class, candidates)
    checked.problems = sorted(plan.problems + checked.problems, key=lambda p: p.row or 0)
    return checked


def _header_problems(header: list[str]) -> list[str]:
    if _key_columns(header):
        return []
    return [_("the file needs an official_code or a username column")]


def read_file(source: Path | BinaryIO, filename: str = "") -> list[list[str]]:
    """The rows of a CSV or XLSX enrolment file (a path, or an upload's stream with its name),
    within the import's bounds; a file that cannot be read is a ServiceError with the reason.
    """
    name = filename or (source.name if isinstance(source, Path) else "")
    try:
        return reading.read_rows(source, name, MAX_ROWS, check_header=_header_problems)
    except reading.FileRefused as error:
        raise ServiceError(str(error)) from error


# --- the preview's token -------------------------------------------------------------------------

TOKEN_MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="lms.classes.import")


def plan_token(training_class: TrainingClass, plan: EnrolPlan, actor_id: str) -> str:
    """Sign the checked rows (row number, user id) for the confirm step; it authorises nothing:
    the confirm step checks every person again under the organizer's scope at that moment.
    """
    rows = [[item.row, item.profile.user_id] for item in plan.planned]
    return _serializer().dumps({"class": training_class.id, "actor": actor_id, "rows": rows})


def plan_from_token(
    training_class: TrainingClass, token: str, actor_id: str, scope: Scope
) -> EnrolPlan:
    """Re-check the rows a preview signed; a foreign, altered or expired token is refused."""
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired as error:
        raise ServiceError(_("The preview expired; upload the file again.")) from error
    except BadSignature as error:
        raise ServiceError(_("The preview is not valid; upload the file again.")) from error
    if payload.get("class") != training_class.id or payload.get("actor") != actor_id:
        raise ServiceError(_("The preview is not valid; upload the file again."))
    rows = [(int(row), str(user_id)) for row, user_id in payload["rows"]]
    found = visible_profiles(profiles_by_id([user_id for _row, user_id in rows]), scope)
    plan = plan_enrolment(training_class, [(row, found[uid]) for row, uid in rows if uid in found])
    for row, uid in rows:
        if uid not in found:
            plan.problems.append(Problem(row, "", _("unknown person %(key)s", key=uid)))
    return plan
