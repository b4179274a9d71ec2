"""Who may do what where: role grants on unit subtrees, and the load-then-authorise helpers."""

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from lms import db
from lms.accounts.models import LearnerProfile, Role, RoleGrant, Unit
from lms.request_cache import request_cache


def current_grants() -> list[RoleGrant]:
    """The signed-in user's grants, loaded once per request."""
    cache = request_cache()
    if "grants" not in cache:
        if not current_user.is_authenticated:
            cache["grants"] = []
        else:
            user_id = str(current_user.get_id())
            cache["grants"] = list(
                db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id))
            )
    return cache["grants"]


def _satisfies(grant: RoleGrant, roles: tuple[str, ...]) -> bool:
    return grant.role in roles or grant.role == Role.ADMIN


def has_any_role(*roles: str) -> bool:
    """True when the user holds one of `roles` (or admin) on any unit."""
    return any(_satisfies(grant, roles) for grant in current_grants())


def roles_held() -> set[str]:
    return {grant.role for grant in current_grants()}


def scope_units(*roles: str) -> list[Unit]:
    """Top units of the subtrees where the user holds one of `roles` (admin included)."""
    return [grant.unit for grant in current_grants() if _satisfies(grant, roles)]


def can(role: str, unit: Unit | None) -> bool:
    """True when the user holds `role` (or admin) on `unit` or one of its ancestors."""
    tops = scope_units(role)
    if unit is None:
        # People not yet placed in a unit belong to whoever holds the role on a whole tree.
        return any(top.parent_id is None for top in tops)
    return any(top.contains(unit) for top in tops)


def in_scope_clause(unit_column, *roles: str):
    """SQL condition: `unit_column` lies in one of the user's subtrees for `roles`."""
    tops = scope_units(*roles)
    if not tops:
        return unit_column.is_(None) & unit_column.isnot(None)
    subtree = select(Unit.id).where(or_(*(Unit.path.startswith(top.path) for top in tops)))
    if any(top.parent_id is None for top in tops):
        return or_(unit_column.in_(subtree), unit_column.is_(None))
    return unit_column.in_(subtree)


def get_unit_or_404(unit_id: int, need: str) -> Unit:
    """Load a unit, then check the user holds `need` on it (404 when missing, 403 when not)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not can(need, unit):
        abort(403)
    return unit


def _within_powers(role: str, unit: Unit, tops: list[Unit]) -> bool:
    """True when a grant of `role` on `unit` gives less than the actor already holds on `tops`:
    the unit lies in one of them, and an admin grant lies strictly below it (a peer or superior
    admin is never the actor's to manage).
    """
    return any(top.contains(unit) and (role != Role.ADMIN or unit.id != top.id) for top in tops)


def can_manage_person(profile: LearnerProfile) -> bool:
    """True when the signed-in admin may act on this person (edit, reset the password, disable,
    grant or revoke roles): their admin scope holds the person's unit and every grant the person
    has, and none of those grants is admin at or above the actor's own top units. So nobody can
    take over an account that holds more than they do, nor a fellow admin, nor their own.
    """
    if not can(Role.ADMIN, profile.unit):
        return False
    tops = scope_units(Role.ADMIN)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == profile.user_id))
    return all(_within_powers(grant.role, grant.unit, tops) for grant in grants)


def can_grant(role: str, unit: Unit) -> bool:
    """True when the signed-in admin may give `role` on `unit`: only a grant they could later
    manage (so no admin on their own top unit, which would make a peer they cannot revoke)."""
    return _within_powers(role, unit, scope_units(Role.ADMIN))


def get_manageable_person_or_404(user_id: str) -> LearnerProfile:
    """Load a person the signed-in admin may act on (404 when missing, 403 when not theirs)."""
    profile = get_profile_or_404(user_id, need=Role.ADMIN)
    if not can_manage_person(profile):
        abort(403)
    return profile


def get_profile_or_404(user_id: str, need: str) -> LearnerProfile:
    """Load a person's profile, then check the user holds `need` on that person's unit."""
    profile = db.session.get(LearnerProfile, user_id)
    if profile is None:
        abort(404)
    if not can(need, profile.unit):
        abort(403)
    return profile
