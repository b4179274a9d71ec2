"""A view's first read riding in the log-in's statement (`lms.accounts.login_rides`): one round
trip for both, the view finding its rows, and nothing of it outliving a log-in that fails."""

from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import bindparam, select, update
from werkzeug.exceptions import RequestEntityTooLarge

from lms import db
from lms.accounts.login_rides import LoginRide, ride_rows, rides_login
from lms.accounts.models import Account, LoginSession, Role
from lms.db import utcnow
from lms.security import LOGIN, PUBLIC, access
from tests.conftest import login

NAMES = select(Account.__table__.c.username).where(Account.__table__.c.id == bindparam("wanted"))


def wanted_from_the_url() -> dict:
    return {"wanted": request.view_args["account_id"]}


def add_riding_view(app, ride: LoginRide, seen: dict, rule: str = LOGIN) -> None:
    """/_ride/<id>: a view whose read rides the log-in; it records what it found."""
    from flask_login import current_user

    from lms.accounts.permissions import current_grants

    @app.get("/_ride/<int:account_id>")
    @access(rule)
    @rides_login(ride)
    def riding(account_id: int):
        # The log-in first (`access` does so for LOGIN views): the ride comes with it.
        seen["user"] = current_user.username if current_user.is_authenticated else None
        params = ride.params()
        seen["rows"] = None if params is None else ride_rows(ride, params)
        seen["grants"] = [grant.role for grant in current_grants()]
        return "ok"


def selects(statements) -> list[str]:
    return [s for s, _ in statements if s.startswith("SELECT")]


def test_a_views_read_rides_in_the_log_ins_statement(app, make_unit, make_person, sql):
    """A JSON view's read comes beside the log-in, from one statement; the grants, not read
    along, still come when asked (one more query)."""
    seen = {}
    add_riding_view(app, LoginRide(wanted_from_the_url, statement=lambda: NAMES), seen)
    other = make_person("lan")
    organizer = make_person("hoa", role=Role.ORGANIZER, unit=make_unit(name="Sở Nội vụ"))
    client, other_id = login(app.test_client(), organizer), other.id
    with sql() as statements:
        assert client.get(f"/_ride/{other_id}").status_code == 200
    assert [tuple(row) for row in seen["rows"]] == [("lan",)]
    assert seen["user"] == "hoa" and seen["grants"] == [Role.ORGANIZER]
    reads = selects(statements)
    assert len(reads) == 2, reads  # the log-in with the ride; the grants, asked for
    assert "lms_login_sessions" in reads[0] and " AS ride " in reads[0]
    assert "lms_role_grants" not in reads[0] and "FROM lms_role_grants" in reads[1]


def test_a_ride_that_finds_nothing_still_logs_in(app, make_person):
    """The read is joined on true, outside: finding no row is an empty list, not a log-out."""
    seen = {}
    add_riding_view(app, LoginRide(lambda: {"wanted": 0}, statement=lambda: NAMES), seen)
    client = login(app.test_client(), make_person("hoa"))
    assert client.get("/_ride/0").status_code == 200
    assert seen["rows"] == [] and seen["user"] == "hoa"


def test_a_ride_does_not_outlive_the_session(app, make_person):
    """An ended session logs nobody in, and its ride brings nothing, though its read would
    find a row (a public view, reached anyway, finds no ridden rows)."""
    seen = {}
    ride = LoginRide(wanted_from_the_url, statement=lambda: NAMES)
    add_riding_view(app, ride, seen, rule=PUBLIC)
    person = make_person("hoa")
    client, person_id = login(app.test_client(), person), person.id
    assert client.get(f"/_ride/{person_id}").status_code == 200
    assert [tuple(row) for row in seen["rows"]] == [("hoa",)]
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(f"/_ride/{person_id}").status_code == 200
    assert seen["rows"] is None and seen["user"] is None


def test_a_ride_can_stay_home(app, make_person, sql):
    """Params of None: the log-in runs alone (with its grants) and the view is told so."""
    seen = {}
    add_riding_view(app, LoginRide(lambda: None, statement=lambda: NAMES), seen)
    client = login(app.test_client(), make_person("hoa"))
    with sql() as statements:
        assert client.get("/_ride/0").status_code == 200
    assert seen["rows"] is None
    (read,) = selects(statements)
    assert "lms_role_grants" in read


def test_a_request_that_cannot_give_the_values_logs_in_alone(app, make_person):
    """A read whose values cannot be had (a body too large, cut short) does not ride: the
    log-in still works, and the view meets the fault itself."""
    seen, asked = {}, []

    def too_large() -> dict:
        asked.append(1)
        if len(asked) == 1:
            raise RequestEntityTooLarge()
        return {"wanted": 0}

    add_riding_view(app, LoginRide(too_large, statement=lambda: NAMES), seen)
    client = login(app.test_client(), make_person("hoa"))
    assert client.get("/_ride/0").status_code == 200
    assert seen["user"] == "hoa" and seen["rows"] is None


def test_a_ride_may_not_bind_the_log_ins_names(app, make_person):
    """A riding read binding a name of the log-in's would swap one value for the other."""
    seen = {}
    ride = LoginRide(lambda: {"wanted": 0, "account_id": 1}, statement=lambda: NAMES)
    add_riding_view(app, ride, seen)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    client = login(app.test_client(), make_person("hoa"))
    with pytest.raises(ValueError, match="binds a name of the log-in's"):
        client.get("/_ride/0")


def test_a_page_ride_keeps_the_grants_and_puts_its_objects_together(
    app, make_unit, make_person, sql
):
    """An ORM read for a page: the grants still come (the menu), their rows multiply the
    read's, and the read's objects come once each."""
    from lms.accounts.models import RoleGrant, Unit

    def attach(login_statement):
        return login_statement.add_columns(Unit).outerjoin(Unit, Unit.name == bindparam("unit"))

    seen = {}
    ride = LoginRide(lambda: {"unit": "Sở Tư pháp"}, attach=attach)
    add_riding_view(app, ride, seen)
    make_unit(name="Sở Tư pháp")
    home = make_unit(name="Sở Nội vụ")
    person = make_person("hoa", role=Role.ORGANIZER, unit=home)
    db.session.add(RoleGrant(user_id=str(person.id), role=Role.TRAINER, unit_id=home.id))
    db.session.commit()
    client = login(app.test_client(), person)
    with sql() as statements:
        assert client.get("/_ride/0").status_code == 200
    ((unit,),) = seen["rows"]
    assert unit.name == "Sở Tư pháp"
    assert sorted(seen["grants"]) == sorted([Role.ORGANIZER, Role.TRAINER])
    assert len(selects(statements)) == 1
