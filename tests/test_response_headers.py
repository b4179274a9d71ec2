"""Caching and transport headers: nothing personal stays in a shared office computer's cache,
static files stay cacheable, and HSTS is sent only when configured and only over HTTPS.
"""

import pytest

from lms import create_app, db
from lms.accounts.models import Role
from lms.config import ConfigError
from tests.access.grading import taught_class
from tests.access.learning import PNG, add_attachment, enrol, make_class, shipped_version
from tests.conftest import login


def test_logged_in_pages_are_not_stored(client, make_person):
    """Home and profile pages of a signed-in person say no-store."""
    login(client, make_person("hoa"))
    for url in ("/", "/profile"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_exports_are_not_stored(client, make_unit, make_person):
    """A roster download (names, codes, units) says no-store."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    training_class = taught_class(unit, trainer, make_person("hocvien", unit=unit))
    login(client, make_person("tochuc", role=Role.ORGANIZER, unit=unit))
    response = client.get(f"/classes/{training_class.id}/export/roster.xlsx")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_error_and_log_in_pages_are_not_stored(client):
    """Pages with a form token or an error are not kept either."""
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert client.get("/khong-co").headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client, make_person):
    """The stylesheet is public: the browser may keep it, even for a signed-in person."""
    login(client, make_person("hoa"))
    response = client.get("/static/css/lms.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_course_files_keep_their_private_caching(client, make_unit, make_person):
    """A module's image is course content, not personal data: the browser may keep it an hour."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    learner = make_person("hocvien", unit=unit)
    version = shipped_version()
    add_attachment(version, "so-do.png", PNG, "image/png")
    seat = enrol(make_class(version, unit, "HINH-1"), learner)
    db.session.commit()
    login(client, learner)
    response = client.get(f"/learn/{seat.class_id}/modules/assets/so-do.png")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=3600"


def test_no_hsts_by_default(client):
    """HSTS is off until a deployment asks for it (it cannot be undone in browsers quickly)."""
    response = client.get("/login", base_url="https://lms.example")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_configured_and_only_over_https(app, client):
    """With LMS_HSTS_SECONDS set, HTTPS answers carry it; plain HTTP ones must not."""
    app.config["LMS_HSTS_SECONDS"] = 31536000
    secure = client.get("/login", base_url="https://lms.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_seconds_from_the_environment(monkeypatch, tmp_path):
    """LMS_HSTS_SECONDS is read from the environment as a number; anything else stops the app."""
    monkeypatch.setenv("LMS_HSTS_SECONDS", "600")
    settings = {"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    assert create_app(settings).config["LMS_HSTS_SECONDS"] == 600
    monkeypatch.setenv("LMS_HSTS_SECONDS", "one year")
    with pytest.raises(ConfigError, match="LMS_HSTS_SECONDS"):
        create_app(settings)


@pytest.mark.parametrize(
    ("value", "private"),
    [
        ("private, max-age=3600", True),
        ("max-age=60,Private", True),
        ('private="Set-Cookie"', True),
        ("public, max-age=60", False),
        ("no-store", False),
        ("", False),
        (None, False),
    ],
)
def test_a_view_marks_a_response_private_through_its_cache_control(value, private):
    from lms.security import _marked_private

    assert _marked_private(value) is private


def test_a_header_a_view_set_itself_is_kept_and_the_others_are_added(app):
    from flask import Response

    from lms.security import add_security_headers

    with app.test_request_context("/"):
        response = add_security_headers(Response(headers={"x-frame-options": "DENY"}))
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_session_signer_is_kept_until_the_secret_key_changes(app, client, make_person):
    """The session cookie's serializer is made once, not per request; a new secret key makes a
    new one, and the cookies signed with the old key stop being accepted."""
    login(client, make_person("hoa"))
    interface = app.session_interface
    kept = interface.get_signing_serializer(app)
    assert client.get("/profile").status_code == 200
    assert interface.get_signing_serializer(app) is kept
    app.secret_key = "another-secret"
    assert interface.get_signing_serializer(app) is not kept
    assert client.get("/profile").status_code == 302  # signed with the old key: logged out
