"""Server-side log-in sessions: log-out ends a session for good (a copied cookie stops working),
"log out on every device", idle and absolute lifetimes, and the cost of checking a session."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms import create_app, db
from lms.accounts.models import LoginSession
from lms.config import ConfigError
from lms.db import utcnow
from tests.conftest import TEST_PASSWORD, csrf_token, login

COOKIE = "lms_session"


def log_in_through_the_form(client, username: str, user_agent: str = "Firefox"):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": TEST_PASSWORD},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 302
    return client


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def sessions_of(account_id: int) -> list[LoginSession]:
    return list(
        db.session.scalars(select(LoginSession).where(LoginSession.account_id == account_id))
    )


def test_a_cookie_copied_before_log_out_stops_working(app, make_person):
    """The review's case: after log-out, a copy of the cookie taken before opens nothing."""
    make_person("hoa")
    client = log_in_through_the_form(app.test_client(), "hoa")
    thief = copy_of(app, client)
    assert thief.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_log_in_records_a_session_and_log_out_deletes_it(app, make_person):
    """One row per log-in, with the browser it came from; log-out removes that row only."""
    account_id = make_person("hoa").id
    phone = log_in_through_the_form(app.test_client(), "hoa", "Phone browser")
    log_in_through_the_form(app.test_client(), "hoa", "Office computer")
    agents = sorted(row.user_agent for row in sessions_of(account_id))
    assert agents == ["Office computer", "Phone browser"]
    phone.post("/logout", data={"csrf_token": csrf_token(phone, "/profile")})
    assert [row.user_agent for row in sessions_of(account_id)] == ["Office computer"]


def test_the_stored_id_is_not_the_cookie_value(app, make_person):
    """The table keeps a hash of the cookie's random id: a copy of it opens no session."""
    account_id = make_person("hoa").id
    client = log_in_through_the_form(app.test_client(), "hoa")
    with client.session_transaction() as session:
        token = session["lms_login_session"]
    stored = sessions_of(account_id)[0].id
    assert token not in stored and len(stored) == 64
    with client.session_transaction() as session:
        session["lms_login_session"] = stored
    assert client.get("/").status_code == 302


def test_log_out_on_every_device(app, make_person):
    """The profile page's button ends every session of the account, the current one included."""
    account = make_person("hoa")
    other = make_person("lan")
    phone, laptop = login(app.test_client(), account), login(app.test_client(), account)
    colleague = login(app.test_client(), other)
    page = laptop.get("/profile").get_data(as_text=True)
    assert "Đăng xuất khỏi mọi thiết bị" in page
    response = laptop.post(
        "/logout-everywhere", data={"csrf_token": csrf_token(laptop, "/profile")}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    assert sessions_of(account.id) == []


def test_an_idle_session_ends(app, make_person):
    """No request for longer than LMS_SESSION_IDLE_MINUTES: the session is over."""
    account = make_person("hoa")
    client = login(app.test_client(), account)
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_a_busy_session_still_ends_after_its_maximum(app, make_person):
    """However active, a session ends LMS_SESSION_MAX_HOURS after log-in."""
    account = make_person("hoa")
    client = login(app.test_client(), account)
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_log_in_sets_the_maximum_lifetime(app, make_person):
    """A new session expires twelve hours after log-in by default."""
    account_id = make_person("hoa").id
    log_in_through_the_form(app.test_client(), "hoa")
    row = sessions_of(account_id)[0]
    assert row.expires_at - row.created_at == timedelta(hours=12)


def test_ended_sessions_are_cleared_at_the_next_log_in(app, make_person):
    """Expired rows of anyone go away when someone logs in, so the table stays small."""
    stale = make_person("nguoicu")
    login(app.test_client(), stale)
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    make_person("hoa")
    log_in_through_the_form(app.test_client(), "hoa")
    assert sessions_of(stale.id) == []


def test_last_seen_is_written_only_every_few_minutes(app, make_person, count_queries):
    """A page read right after log-in writes nothing; one five minutes later updates last seen."""
    account = make_person("hoa")
    client = login(app.test_client(), account)
    with count_queries() as statements:
        assert client.get("/profile").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    earlier = utcnow() - timedelta(minutes=6)
    db.session.execute(update(LoginSession).values(last_seen_at=earlier))
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/profile").status_code == 200
    assert len([s for s in statements if "UPDATE lms_login_sessions" in s]) == 1
    assert sessions_of(account.id)[0].last_seen_at > earlier + timedelta(minutes=5)


def test_last_seen_is_the_requests_last_write(app, make_person, count_queries):
    """The page is read before "last seen" is written: on SQLite the first write holds the one
    write lock until the commit, so writing it first would block every other writer for the
    whole rendering of a page that only reads."""
    account = make_person("hoa")
    client = login(app.test_client(), account)
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    # My classes reads the page's own rows after the account (whose query brings the profile).
    with count_queries() as statements:
        assert client.get("/learn/").status_code == 200
    data = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT"))]
    assert "UPDATE lms_login_sessions" in data[-1]
    assert len(data) > 2


def test_last_seen_stays_the_last_write_after_the_pages_own_changes(
    app, make_unit, make_person, count_queries
):
    """A page that changes something (the profile form) still writes "last seen" after its own
    changes: the UPDATE is Core, which does not flush them first by itself."""
    client = login(app.test_client(), make_person("hoa", unit=make_unit()))
    token = csrf_token(client, "/profile")
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    form = {"csrf_token": token, "full_name": "Trần Thị Hoa", "position": "Chuyên viên"}
    form |= {"rank": "", "education_level": "", "email": "hoa@example.vn", "date_of_birth": ""}
    with count_queries() as statements:
        assert client.post("/profile", data=form).status_code == 302
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert any("lms_profiles" in s for s in writes)
    assert "UPDATE lms_login_sessions" in writes[-1]


def test_the_account_and_its_session_come_in_one_query(app, make_person, count_queries):
    """Checking the session costs no query of its own: it is joined to loading the account."""
    client = login(app.test_client(), make_person("hoa"))
    with count_queries() as statements:
        client.get("/profile")
    touching = [s for s in statements if "lms_accounts" in s or "lms_login_sessions" in s]
    assert len(touching) == 1
    assert "JOIN lms_login_sessions" in touching[0]


def test_the_grants_and_their_units_come_with_the_account(
    app, make_unit, make_person, count_queries
):
    """An organizer's grants (each with its unit, which scopes what they may see) are built from
    the log-in's own row: reading them on the page costs no query."""
    from flask_login import current_user

    from lms.accounts.models import Role
    from lms.accounts.permissions import current_grants, scope_units

    province = make_unit(name="Sở Nội vụ tỉnh")
    client = login(app.test_client(), make_person("hoa", role=Role.ORGANIZER, unit=province))
    seen = {}

    @app.get("/_grants_seen")
    def grants_seen():
        assert current_user.is_authenticated  # the log-in's read, before counting
        with count_queries() as statements:
            seen["grants"] = [(grant.role, grant.unit.name) for grant in current_grants()]
            seen["scope"] = [unit.name for unit in scope_units(Role.ORGANIZER)]
            seen["user"] = current_user.username
        seen["statements"] = statements
        return "ok"

    assert client.get("/_grants_seen").status_code == 200
    assert seen["statements"] == []
    assert seen["grants"] == [(Role.ORGANIZER, "Sở Nội vụ tỉnh")]
    assert seen["scope"] == ["Sở Nội vụ tỉnh"]
    assert seen["user"] == "hoa"


def test_password_change_ends_the_other_sessions_rows(app, make_person):
    """After a password change only the session that changed it is left."""
    account = make_person("hoa")
    login(app.test_client(), account)
    laptop = login(app.test_client(), account)
    laptop.post(
        "/password",
        data={
            "csrf_token": csrf_token(laptop, "/password"),
            "current": TEST_PASSWORD,
            "new": "mat-khau-moi-dai",
            "confirm": "mat-khau-moi-dai",
        },
    )
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
    assert laptop.get("/").status_code == 200


def test_lifetimes_come_from_the_environment(monkeypatch, tmp_path):
    """LMS_SESSION_IDLE_MINUTES and LMS_SESSION_MAX_HOURS are read as numbers; the signed
    cookie itself is refused after the maximum."""
    monkeypatch.setenv("LMS_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("LMS_SESSION_MAX_HOURS", "8")
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["LMS_SESSION_IDLE_MINUTES"] == 15
    assert app.permanent_session_lifetime == timedelta(hours=8)


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan", "inf"])
def test_a_bad_lifetime_refuses_to_start(monkeypatch, value):
    """A lifetime that is not a positive number stops the app with a message naming it."""
    monkeypatch.setenv("LMS_SESSION_IDLE_MINUTES", value)
    with pytest.raises(ConfigError, match="LMS_SESSION_IDLE_MINUTES"):
        create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
