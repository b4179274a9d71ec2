"""Every LMS route × every role against the declared access tables in tests/access/.

A new route without a declared rule fails `test_every_route_is_declared`.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant
from tests.access import area_modules
from tests.access.core import (
    PERSON_ACTIONS,
    PERSON_ACTORS,
    PERSON_ALLOWED,
    PERSON_TARGETS,
    person_action_request,
)
from tests.conftest import csrf_token, login

ROLES = ("anonymous", "learner", "trainer", "organizer_a", "organizer_b", "admin")
AREAS = list(area_modules())
ACCESS: dict[str, tuple[str, dict[str, int]]] = {}
for _area in AREAS:
    ACCESS.update(_area.ACCESS)


@pytest.fixture
def world(app, make_unit, make_person):
    """A province with two departments (A, B), a learner in A and one account per role."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=province)
    unit_b = make_unit("SO-B", "Sở B", parent=province)
    people = {
        "learner": make_person("hocvien", unit=unit_a),
        "trainer": make_person("giangvien", role=Role.TRAINER, unit=province),
        "organizer_a": make_person("tochuca", role=Role.ORGANIZER, unit=unit_a),
        "organizer_b": make_person("tochucb", role=Role.ORGANIZER, unit=unit_b),
        "admin": make_person("quantri", role=Role.ADMIN, unit=province),
    }
    extra = make_person("giangvienphu", unit=unit_a)
    grant = services.grant_role(str(extra.id), Role.TRAINER, unit_a)
    db.session.commit()
    world = {
        "province": province,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "people": people,
        "grant": grant,
    }
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
    db.session.commit()
    return world


def _merged(name: str, world) -> dict:
    merged: dict = {}
    for area in AREAS:
        if hasattr(area, name):
            merged.update(getattr(area, name)(world))
    return merged


def test_every_route_is_declared(app):
    """Every LMS endpoint has a line in the access tables, and every line names a real one."""
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lms.")
    }
    assert endpoints == set(ACCESS)


def test_every_view_declares_its_access(app):
    """Every LMS view carries an `access(...)` declaration."""
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("lms.") and endpoint != "lms.static":
            assert hasattr(view, "lms_access"), endpoint


def _status(app, world, endpoint: str, role: str) -> int:
    """The status `role` gets from `endpoint`, from a fresh client."""
    method = ACCESS[endpoint][0]
    client = app.test_client()
    if role != "anonymous":
        login(client, world["people"][role])
    with app.test_request_context():
        url = url_for(endpoint, **_merged("url_args", world).get(endpoint, {}))
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/profile" if role != "anonymous" else "/login")
        data = _merged("form_data", world).get(endpoint, {})
        response = client.open(url, method=method, data={"csrf_token": token, **data})
    response.close()
    return response.status_code


def _expected(endpoint: str, role: str) -> int:
    expected = ACCESS[endpoint][1]
    return expected.get(role, expected["*"])


READS = sorted(endpoint for endpoint, (method, _) in ACCESS.items() if method == "GET")
WRITES = sorted(endpoint for endpoint, (method, _) in ACCESS.items() if method != "GET")


@pytest.mark.parametrize("endpoint", READS)
def test_page_access(app, world, endpoint):
    """Each role gets exactly the status the table declares for a page.

    A GET changes nothing another role could see, so the six roles share one world (building a
    world per role made this walk the slowest part of the suite).
    """
    statuses = {role: _status(app, world, endpoint, role) for role in ROLES}
    assert statuses == {role: _expected(endpoint, role) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", WRITES)
def test_action_access(app, world, endpoint, role):
    """Each role gets exactly the status the table declares for an action (a fresh world each,
    since an allowed action changes what the next role would meet)."""
    assert _status(app, world, endpoint, role) == _expected(endpoint, role)


# --- acting on a person -------------------------------------------------------------------------


@pytest.fixture
def people_world(app, make_unit, make_person):
    """Units province ⊃ A ⊃ division A1, and B; the two admins and one account per target."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=province)
    units = {
        "province": province,
        "unit_a": unit_a,
        "unit_b": make_unit("SO-B", "Sở B", parent=province),
        "division_a": make_unit("PHONG-A1", "Phòng A1", parent=unit_a, kind="division"),
    }
    actors = {
        "admin": make_person("quantri", role=Role.ADMIN, unit=province),
        "admin_a": make_person("quantria", role=Role.ADMIN, unit=unit_a),
    }
    targets = {}
    for name, (unit, grants) in PERSON_TARGETS.items():
        if name == "self":
            continue
        targets[name] = make_person(name, unit=units[unit])
        for role, grant_unit in grants:
            services.grant_role(str(targets[name].id), role, units[grant_unit])
    db.session.commit()
    return {"units": units, "actors": actors, "targets": targets}


def _person_state(user_id: str) -> tuple:
    """What a person action can change: password, active flag, name and grants."""
    account = db.session.get(Account, int(user_id))
    profile = db.session.get(LearnerProfile, user_id)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id))
    return (
        account.password_hash,
        account.active,
        profile.full_name,
        sorted((grant.role, grant.unit_id) for grant in grants),
    )


PERSON_CASES = [
    (actor, target, endpoint)
    for actor in PERSON_ACTORS
    for target in sorted(PERSON_TARGETS)
    for endpoint in sorted(PERSON_ACTIONS)
    # Revoking needs a grant to revoke.
    if endpoint != "lms.admin.revoke_grant" or target == "self" or PERSON_TARGETS[target][1]
]


@pytest.mark.parametrize(("actor", "target", "endpoint"), PERSON_CASES)
def test_person_action(app, people_world, actor, target, endpoint):
    """An admin acts on a person only when their admin scope holds the person's unit and every
    grant, and the person is no admin at or above the actor's own top unit; a refused action
    changes nothing."""
    actor_account = people_world["actors"][actor]
    account = actor_account if target == "self" else people_world["targets"][target]
    user_id = str(account.id)
    profile = db.session.get(LearnerProfile, user_id)
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user_id))
    url_args, form = person_action_request(
        endpoint, account, profile, grant, people_world["units"]["unit_a"]
    )
    before = _person_state(user_id)
    client = login(app.test_client(), actor_account)
    token = csrf_token(client, "/profile")
    with app.test_request_context():
        url = url_for(endpoint, **url_args)
    response = client.post(url, data={"csrf_token": token, **form})
    allowed = (actor, target) in PERSON_ALLOWED
    assert response.status_code == (PERSON_ACTIONS[endpoint] if allowed else 403)
    assert (_person_state(user_id) != before) == allowed
