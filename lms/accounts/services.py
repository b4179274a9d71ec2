"""Accounts, profiles, units and role grants: every write goes through here (flush only)."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import db
from lms.accounts.models import (
    GRANTABLE_ROLES,
    Account,
    LearnerProfile,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
)
from lms.audit.services import record
from lms.db import utcnow
from lms.text import fold, name_sort_key

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
UNIT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MIN_PASSWORD_LENGTH = 10

#: Education levels offered in pickers and accepted by imports (stored as these keys).
EDUCATION_LEVELS = ("tien-si", "thac-si", "dai-hoc", "cao-dang", "trung-cap", "so-cap", "khac")


class ServiceError(ValueError):
    """A request the user can fix; the message is already translated."""


# --- names -------------------------------------------------------------------------------------


def collation_string(full_name: str) -> str:
    """Encode the Vietnamese name-order key as a string that sorts the same way in any database.

    Every tuple element becomes six hex digits (value + 1; letter weights exceed 0xFFFF) and
    every tuple ends with "000000", so a shorter key sorts first, exactly as Python compares
    the tuples.
    """
    parts: list[str] = []

    def emit(value) -> None:
        if isinstance(value, int | bool):
            parts.append(f"{min(int(value) + 1, 0xFFFFFF):06x}")
        elif isinstance(value, str):
            for char in value:
                parts.append(f"{min(ord(char) + 1, 0xFFFFFF):06x}")
            parts.append("000000")
        else:
            for item in value:
                emit(item)
            parts.append("000000")

    emit(name_sort_key(full_name))
    return "".join(parts)[:1024]


# --- passwords and accounts ----------------------------------------------------------------------


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["LMS_PASSWORD_METHOD"])


def generate_password() -> str:
    """A random password a person can type from a printout (no look-alike characters)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )


def find_account(username: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.username == username.strip().lower()))


def authenticate(username: str, password: str) -> Account | None:
    """The active account with this username and password, or None (same answer for both misses)."""
    account = find_account(username)
    if account is None:
        # Spend the same time as a real check, so timing does not reveal which usernames exist.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    account.last_login_at = utcnow()
    return account


_DUMMY_HASH = generate_password_hash("not-a-real-password")


@dataclass
class NewPerson:
    """What it takes to create an account with its profile (from a form, the CLI or an import)."""

    username: str
    full_name: str
    password: str
    role: str = Role.LEARNER
    unit: Unit | None = None
    official_code: str | None = None
    date_of_birth: date | None = None
    position: str = ""
    rank: str = ""
    education_level: str = ""
    email: str = ""
    must_change_password: bool = False
    extra: dict = field(default_factory=dict)


def create_person(person: NewPerson) -> Account:
    """Create a standalone account, its profile and its role grant."""
    username = person.username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ServiceError(
            _("A username has 3–64 characters: lowercase letters, digits, dot, dash, underscore.")
        )
    if find_account(username) is not None:
        raise ServiceError(_("The username %(u)s is taken.", u=username))
    check_password_strength(person.password)
    if person.role in GRANTABLE_ROLES and person.unit is None:
        raise ServiceError(_("A trainer, organizer or admin needs a unit to act on."))
    account = Account(
        username=username,
        password_hash=hash_password(person.password),
        must_change_password=person.must_change_password,
    )
    db.session.add(account)
    db.session.flush()
    profile = save_profile(
        str(account.id),
        full_name=person.full_name,
        official_code=person.official_code,
        date_of_birth=person.date_of_birth,
        unit=person.unit,
        position=person.position,
        rank=person.rank,
        education_level=person.education_level,
        email=person.email,
    )
    if person.role in GRANTABLE_ROLES:
        grant_role(profile.user_id, person.role, person.unit)
    record("account.create", "account", account.id, after={"username": username})
    return account


def change_password(account: Account, current: str, new: str) -> None:
    """Change one's own password; every other session of the account ends."""
    if not check_password_hash(account.password_hash, current):
        raise ServiceError(_("The current password is not right."))
    check_password_strength(new)
    account.password_hash = hash_password(new)
    account.must_change_password = False
    account.session_version += 1
    record("account.password_change", "account", account.id)


def reset_password(account: Account) -> str:
    """Give the account a new random password it must change at next log-in; return it."""
    password = generate_password()
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.session_version += 1
    record("account.password_reset", "account", account.id)
    return password


def set_active(account: Account, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    if account.active == active:
        return
    record(
        "account.enable" if active else "account.disable",
        "account",
        account.id,
        before={"active": account.active},
        after={"active": active},
    )
    account.active = active
    account.session_version += 1


# --- profiles -------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "full_name",
    "official_code",
    "date_of_birth",
    "unit",
    "position",
    "rank",
    "education_level",
    "email",
)


def _audit_value(value):
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def save_profile(user_id: str, **values) -> LearnerProfile:
    """Create or update a learner profile; records what changed."""
    profile = db.session.get(LearnerProfile, user_id)
    is_new = profile is None
    if is_new:
        profile = LearnerProfile(user_id=user_id, full_name="")
        db.session.add(profile)
    full_name = " ".join(str(values.get("full_name", profile.full_name) or "").split())
    if not full_name:
        raise ServiceError(_("The full name is required."))
    values["full_name"] = full_name
    code = values.get("official_code", profile.official_code)
    code = (code or "").strip() or None
    values["official_code"] = code
    if code is not None:
        holder = db.session.scalar(
            select(LearnerProfile.user_id).where(LearnerProfile.official_code == code)
        )
        if holder is not None and holder != user_id:
            raise ServiceError(_("The official code %(c)s belongs to someone else.", c=code))
    for name in ("position", "rank", "education_level", "email"):
        if name in values:
            values[name] = (values[name] or "").strip()
    level = values.get("education_level", profile.education_level) or ""
    if level and level not in EDUCATION_LEVELS:
        raise ServiceError(_("Unknown education level: %(v)s.", v=level))
    before, after = {}, {}
    for name in PROFILE_FIELDS:
        if name not in values:
            continue
        old, new = getattr(profile, name), values[name]
        if name != "unit" and isinstance(new, str):
            new = new.strip()
        if old != new:
            before[name], after[name] = _audit_value(old), _audit_value(new)
            setattr(profile, name, new)
    profile.sort_name = collation_string(profile.full_name)
    profile.search_text = fold(f"{profile.full_name} {profile.official_code or ''}")
    db.session.flush()
    if after:
        record(
            "profile.create" if is_new else "profile.update",
            "profile",
            user_id,
            before=None if is_new else before,
            after=after,
        )
    return profile


def ensure_profile(user) -> LearnerProfile:
    """The profile of a signed-in user, created on first visit from what the host user offers."""
    user_id = str(user.get_id())
    profile = db.session.get(LearnerProfile, user_id)
    if profile is None:
        name = (
            getattr(user, "full_name", None)
            or getattr(user, "name", None)
            or getattr(user, "username", None)
            or user_id
        )
        profile = save_profile(user_id, full_name=str(name))
    return profile


@dataclass
class PeoplePage:
    people: list[LearnerProfile]
    total: int
    page: int
    pages: int


def people_in_scope(
    scope_clause, search: str = "", unit: Unit | None = None, page: int = 1, per_page: int = 50
) -> PeoplePage:
    """A page of profiles in the viewer's units, in Vietnamese name order (two queries)."""
    query = select(LearnerProfile).where(scope_clause)
    if unit is not None:
        query = query.where(
            LearnerProfile.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))
        )
    for word in fold(search).split():
        query = query.where(LearnerProfile.search_text.contains(word, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    people = db.session.scalars(
        query.order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return PeoplePage(list(people), total, page, pages)


def accounts_by_user_id(user_ids: list[str]) -> dict[str, Account]:
    """Standalone accounts of these people, in one query."""
    ids = [int(uid) for uid in user_ids if uid.isdigit()]
    if not ids:
        return {}
    return {str(a.id): a for a in db.session.scalars(select(Account).where(Account.id.in_(ids)))}


# --- units ---------------------------------------------------------------------------------------


def find_unit(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(func.lower(Unit.code) == code.strip().lower()))


def create_unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    code = code.strip()
    if not UNIT_CODE_RE.match(code):
        raise ServiceError(_("A unit code has 1–32 letters, digits, dots, dashes or underscores."))
    if find_unit(code) is not None:
        raise ServiceError(_("The unit code %(c)s is taken.", c=code))
    if not name.strip():
        raise ServiceError(_("The unit name is required."))
    if kind not in set(UnitKind):
        raise ServiceError(_("Unknown unit kind."))
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record("unit.create", "unit", unit.id, after={"code": code, "name": unit.name})
    return unit


def update_unit(unit: Unit, name: str, kind: str, retired: bool) -> None:
    if not name.strip():
        raise ServiceError(_("The unit name is required."))
    if kind not in set(UnitKind):
        raise ServiceError(_("Unknown unit kind."))
    before = {"name": unit.name, "kind": unit.kind, "retired": unit.retired}
    unit.name, unit.kind, unit.retired = name.strip(), kind, retired
    after = {"name": unit.name, "kind": unit.kind, "retired": unit.retired}
    if before != after:
        record("unit.update", "unit", unit.id, before=before, after=after)


def unit_tree(tops: list[Unit] | None = None) -> list[Unit]:
    """Units in tree order (each parent before its children), limited to the given subtrees."""
    query = select(Unit)
    if tops is not None:
        from sqlalchemy import or_

        if not tops:
            return []
        query = query.where(or_(*(Unit.path.startswith(top.path) for top in tops)))
    units = list(db.session.scalars(query))
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {unit.id for unit in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []

    def walk(parent_id: int | None) -> None:
        for child in sorted(by_parent.get(parent_id, []), key=lambda u: u.code):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered


# --- role grants ---------------------------------------------------------------------------------


def grant_role(user_id: str, role: str, unit: Unit) -> RoleGrant:
    if role not in {r.value for r in GRANTABLE_ROLES}:
        raise ServiceError(_("Unknown role."))
    existing = db.session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.role == role, RoleGrant.unit_id == unit.id
        )
    )
    if existing is not None:
        return existing
    grant = RoleGrant(user_id=user_id, role=role, unit=unit)
    db.session.add(grant)
    db.session.flush()
    record("role.grant", "profile", user_id, after={"role": role, "unit": unit.code})
    return grant


def revoke_role(grant: RoleGrant) -> None:
    record(
        "role.revoke",
        "profile",
        grant.user_id,
        before={"role": grant.role, "unit": grant.unit.code},
    )
    db.session.delete(grant)
    db.session.flush()
