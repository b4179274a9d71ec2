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


def get_profile_or_404(user_id: str, need: str) -> LearnerProfile:
    """Load a person's profile, then check the user holds `need` on that person's unit."""
    profile = db.session.get(LearnerProfile, user_id)
    if profile is None:
        abort(404)
    if not can(need, profile.unit):
        abort(403)
    return profile
