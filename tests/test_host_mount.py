"""Mounting the LMS into a host portal that owns the database, log-in and layout."""

import pytest
from sqlalchemy import create_engine, inspect

from lms import LMS, db
from lms.accounts import services
from lms.accounts.models import LearnerProfile, Role
from tests import hostapp
from tests.conftest import CSRF_RE


@pytest.fixture
def host(tmp_path):
    app = hostapp.create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}
    )
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["lms", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        hostapp.db.create_all()
        hostapp.db.session.add(
            hostapp.PortalUser(id=7, email="lan@tinh.gov.vn", name="Nguyễn Thị Lan")
        )
        hostapp.db.session.commit()
    return app


def portal_login(client, email="lan@tinh.gov.vn"):
    client.post("/portal/login", data={"email": email})
    return client


def test_upgrade_creates_only_lms_tables(tmp_path):
    """`flask --app HOST lms db upgrade` creates lms_* tables and lms_alembic_version only."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = hostapp.create_app({"SQLALCHEMY_DATABASE_URI": url})
    result = app.test_cli_runner().invoke(args=["lms", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(create_engine(url)).get_table_names())
    assert "lms_alembic_version" in tables
    assert all(name.startswith("lms_") for name in tables)
    assert "portal_users" not in tables and "alembic_version" not in tables


def test_lms_reuses_the_hosts_extensions(host):
    """No second Flask-SQLAlchemy or LoginManager: the host's serve the LMS."""
    assert host.extensions["sqlalchemy"] is hostapp.db
    assert host.login_manager is hostapp.login_manager
    with host.app_context():
        assert db.session() is hostapp.db.session()


def test_anonymous_visitors_go_to_the_hosts_login(host):
    """An anonymous visitor is sent to the host's log-in view with `next`."""
    response = host.test_client().get("/training/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/portal/login?next=")


def test_host_user_gets_a_profile_keyed_by_host_id(host):
    """A host user's first LMS visit creates a profile keyed by the host user's id."""
    client = portal_login(host.test_client())
    response = client.get("/training/")
    assert response.status_code == 200
    with host.app_context():
        profile = db.session.get(LearnerProfile, "7")
        assert profile.full_name == "Nguyễn Thị Lan"


def test_pages_use_the_hosts_layout(host):
    """LMS pages fill the host layout's title and content blocks."""
    client = portal_login(host.test_client())
    body = client.get("/training/profile").get_data(as_text=True)
    assert "PORTAL-HEADER" in body
    assert "– Cổng thông tin tỉnh</title>" in body
    assert "Hồ sơ của tôi" in body


def test_host_overrides_an_lms_template(host):
    """A file at templates/lms/... in the host replaces the LMS's own."""
    with host.app_context():
        unit = services.create_unit("TINH", "Tỉnh", "province", None)
        services.save_profile("7", full_name="Nguyễn Thị Lan", unit=unit)
        services.grant_role("7", Role.TRAINER, unit)
        db.session.commit()
    client = portal_login(host.test_client())
    assert "HOST-OVERRIDDEN-TRAINER-HOME" in client.get("/training/trainer").get_data(as_text=True)


def test_standalone_pages_are_absent(host):
    """Log-in and password pages belong to the host, not the LMS, when mounted."""
    client = portal_login(host.test_client())
    assert client.get("/training/login").status_code == 404
    assert client.get("/training/password").status_code == 404


def test_csrf_protects_lms_forms_in_the_host(host):
    """LMS forms need their CSRF token inside a host too; the host's own views are untouched."""
    client = portal_login(host.test_client())
    assert client.post("/training/profile", data={"full_name": "X"}).status_code == 400
    page = client.get("/training/profile").get_data(as_text=True)
    match = CSRF_RE.search(page)
    token = match.group(1) or match.group(2)
    response = client.post(
        "/training/profile", data={"csrf_token": token, "full_name": "Nguyễn Thị Lan Anh"}
    )
    assert response.status_code == 302


def test_init_app_with_another_prefix(tmp_path):
    """`LMS().init_app(app, url_prefix="/hoc")` mounts under that prefix."""
    from flask import Flask
    from flask_login import LoginManager
    from flask_sqlalchemy import SQLAlchemy

    app = Flask("other_host")
    app.config.update(SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://")
    SQLAlchemy(app)
    LoginManager(app).user_loader(lambda user_id: None)
    LMS().init_app(app, url_prefix="/hoc")
    assert app.test_client().get("/hoc/healthz").status_code == 200


def test_mounting_without_flask_sqlalchemy_fails_clearly():
    """Mounting needs the host's Flask-SQLAlchemy first, and says so."""
    from flask import Flask

    with pytest.raises(RuntimeError, match="Flask-SQLAlchemy"):
        LMS(Flask("bare"))
