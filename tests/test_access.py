"""Every LMS route × every role against a declared access table.

A new route without a line in ACCESS fails `test_every_route_is_declared`.
"""

import pytest
from flask import url_for

from lms import db
from lms.accounts import services
from lms.accounts.models import Role
from tests.conftest import csrf_token, login

ROLES = ("anonymous", "learner", "trainer", "organizer_a", "organizer_b", "admin")
LOGIN = 302  # anonymous visitors are sent to the log-in page

# endpoint: (method, {role: status}); roles not named get `other`.
ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.static": ("GET", {"*": 200}),
    "lms.main.healthz": ("GET", {"*": 200}),
    "lms.main.set_language": ("POST", {"*": 302}),
    "lms.main.home": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.main.trainer_home": ("GET", {"anonymous": LOGIN, "trainer": 200, "admin": 200, "*": 403}),
    "lms.accounts.profile": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.auth.login": ("GET", {"anonymous": 200, "*": 302}),
    "lms.auth.logout": ("POST", {"anonymous": LOGIN, "*": 302}),
    "lms.auth.password": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.admin.index": ("GET", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.people": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.new_person": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.person": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.set_active": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.reset_password": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.add_grant": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.revoke_grant": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.units": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.new_unit": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.edit_unit": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.organizer.home": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "organizer_b": 200, "admin": 200, "*": 403},
    ),
    "lms.organizer.people": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "organizer_b": 200, "admin": 200, "*": 403},
    ),
    # The person lives in unit A: organizer B is refused.
    "lms.organizer.person": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "admin": 200, "*": 403},
    ),
}


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
    return {"unit_a": unit_a, "people": people, "grant": grant}


def url_args(world) -> dict[str, dict]:
    learner_id = str(world["people"]["learner"].id)
    return {
        "lms.static": {"filename": "css/lms.css"},
        "lms.admin.person": {"user_id": learner_id},
        "lms.admin.set_active": {"user_id": learner_id},
        "lms.admin.reset_password": {"user_id": learner_id},
        "lms.admin.add_grant": {"user_id": learner_id},
        "lms.admin.revoke_grant": {"grant_id": world["grant"].id},
        "lms.admin.edit_unit": {"unit_id": world["unit_a"].id},
        "lms.organizer.person": {"user_id": learner_id},
    }


def form_data(endpoint: str, world) -> dict:
    if endpoint == "lms.admin.add_grant":
        return {"role": "trainer", "unit_id": str(world["unit_a"].id)}
    if endpoint == "lms.main.set_language":
        return {"language": "en"}
    if endpoint == "lms.admin.set_active":
        return {"active": "1"}
    return {}


def test_every_route_is_declared(app):
    """Every LMS endpoint has a line in the access table, and every line names a real one."""
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lms.")
    }
    assert endpoints == set(ACCESS)


def test_every_view_declares_its_access(app):
    """Every LMS view carries an `access(...)` declaration."""
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("lms.") and endpoint != "lms.static":
            assert hasattr(view, "lms_access"), endpoint


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access(app, world, endpoint, role):
    """Each role gets exactly the status the table declares."""
    method, expected = ACCESS[endpoint]
    status = expected.get(role, expected["*"])
    client = app.test_client()
    if role != "anonymous":
        login(client, world["people"][role])
    with app.test_request_context():
        url = url_for(endpoint, **url_args(world).get(endpoint, {}))
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/profile" if role != "anonymous" else "/login")
        response = client.post(url, data={"csrf_token": token, **form_data(endpoint, world)})
    response.close()
    assert response.status_code == status, f"{role} {method} {url}"
