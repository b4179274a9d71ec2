"""CSRF, security headers, cookies and error pages."""

from sqlalchemy import select

from lms import db
from lms.accounts.models import LearnerProfile
from tests.conftest import csrf_token, login


def test_post_without_csrf_token_is_400_and_changes_nothing(client, make_person):
    """A form posted without its token is refused and nothing is saved."""
    login(client, make_person("hoa", full_name="Trần Thị Hoa"))
    response = client.post("/profile", data={"full_name": "Kẻ Giả Mạo"})
    assert response.status_code == 400
    assert "biểu mẫu đã hết hạn" in response.get_data(as_text=True).lower()
    name = db.session.scalar(select(LearnerProfile.full_name))
    assert name == "Trần Thị Hoa"


def test_post_with_a_wrong_csrf_token_is_400(client, make_person):
    """A forged token is refused too."""
    login(client, make_person("hoa"))
    response = client.post("/profile", data={"csrf_token": "forged", "full_name": "X"})
    assert response.status_code == 400


def test_login_form_needs_csrf(client, make_person):
    """Even the log-in form needs its token."""
    make_person("hoa")
    response = client.post("/login", data={"username": "hoa", "password": "x"})
    assert response.status_code == 400


def test_language_switch_needs_csrf(client):
    """Changing language is a POST with a token."""
    assert client.post("/language", data={"language": "en"}).status_code == 400


def test_security_headers(client):
    """Pages carry a strict CSP and the hardening headers."""
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags_over_http(client, make_person):
    """The session cookie is HttpOnly and SameSite=Lax; not Secure on plain HTTP."""
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(client):
    """Served over HTTPS, the session cookie is marked Secure."""
    response = client.get("/login", base_url="https://lms.example")
    assert "Secure" in response.headers["Set-Cookie"]


def test_404_page_is_localized(client):
    """An unknown page answers in Vietnamese."""
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_403_page_is_localized(client, make_person):
    """A learner opening an admin page gets a Vietnamese 403."""
    login(client, make_person("hoa"))
    response = client.get("/admin/people")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_500_shows_no_traceback(app, client, make_person, monkeypatch):
    """An unexpected error shows a localized page, never a traceback."""
    from lms.main import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "render_template", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, make_person("hoa"))
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body
    assert "secret internals" not in body
    assert "Traceback" not in body


def test_json_callers_get_json_errors(client, make_person):
    """A JSON caller gets a JSON 403, not an HTML page."""
    login(client, make_person("hoa"))
    response = client.get("/admin/people", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.is_json


def test_anonymous_json_caller_gets_401(client):
    """An anonymous JSON caller gets 401 instead of a redirect."""
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_pages_load_nothing_from_other_hosts(client, make_person):
    """No stylesheet, script, font or image comes from another host."""
    login(client, make_person("hoa"))
    body = client.get("/").get_data(as_text=True)
    assert "http://" not in body and "https://" not in body
    assert "<script>" not in body


def test_csrf_token_is_valid_after_login_page(client, make_person):
    """The token a page hands out is accepted on submit."""
    login(client, make_person("hoa"))
    token = csrf_token(client, "/profile")
    response = client.post("/profile", data={"csrf_token": token, "full_name": "Trần Thị Hoa"})
    assert response.status_code == 302
