"""Error pages that still render when the database has failed: after a refused statement (which
aborts the transaction on PostgreSQL) and while the database cannot be reached at all.
"""

import pytest
from sqlalchemy.exc import OperationalError

from lms import create_app, db
from lms.accounts.models import Role, Unit
from lms.main import views
from tests.conftest import login

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def test_the_error_page_renders_after_a_statement_the_database_refused(
    app, client, make_unit, make_person, monkeypatch
):
    """The session is rolled back first, so the 500 page can still read the person's menu."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")

    def duplicate_unit(*args, **kwargs):
        db.session.add(Unit(code="TINH", name="Trùng mã", kind="province"))
        db.session.flush()

    monkeypatch.setattr(views, "render_template", duplicate_unit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, make_person("quantri", role=Role.ADMIN, unit=province))
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body
    assert 'href="/admin/people"' in body  # the menu, read from the database after the rollback
    assert response.headers["Content-Security-Policy"]


@pytest.fixture
def cut_off_client(tmp_path):
    """A client of an app whose database server does not answer, with a signed-in cookie."""
    app = create_app(
        {"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": UNREACHABLE, "PROPAGATE_EXCEPTIONS": False}
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["lms_account_version"] = 1
        session["lms_login_session"] = "an-opaque-session-id"
    return client


def test_a_database_outage_answers_503_with_the_localized_page(cut_off_client):
    """Someone logged in meets the Vietnamese 503 page, with the security headers."""
    response = cut_off_client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Dịch vụ tạm thời không khả dụng" in body
    assert "Traceback" not in body and "psycopg" not in body
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert response.headers[header]


def test_a_database_outage_answers_json_callers_in_json(cut_off_client):
    """An autosave during an outage gets a JSON 503 it can retry on."""
    response = cut_off_client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.is_json and response.json["error"]


def test_a_database_lost_at_the_commit_answers_503(app, client, make_person, monkeypatch):
    """The request's one commit failing for an outage is a 503 too, not a 500."""
    from datetime import timedelta

    from sqlalchemy import update

    from lms.accounts.models import LoginSession
    from lms.db import utcnow

    login(client, make_person("hoa"))
    # "Last seen" due: the page writes it, so it commits (a page that only reads does not).
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()

    def lost(*args, **kwargs):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", lost)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/")
    assert response.status_code == 503
    assert "Dịch vụ tạm thời không khả dụng" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"]
