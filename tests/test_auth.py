"""Standalone log-in, log-out, password change, throttling and session invalidation."""

from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import Account
from lms.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, csrf_token, login


def post_login(client, username, password):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )


def test_login_with_right_password_goes_home(client, make_person):
    """A right username and password log the person in."""
    make_person("hoa")
    response = post_login(client, "hoa", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_redirects_to_next(client, make_person):
    """After log-in the person lands on the page they asked for."""
    make_person("hoa")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/profile",
        data={"csrf_token": token, "username": "hoa", "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/profile"


def test_login_ignores_offsite_next(client, make_person):
    """A `next` pointing to another site is ignored (no open redirect)."""
    make_person("hoa")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "username": "hoa", "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_unknown_user_and_wrong_password_get_the_same_message(client, make_person):
    """The answer does not reveal whether the username exists."""
    make_person("hoa")
    wrong = post_login(client, "hoa", "sai-mat-khau-roi")
    unknown = post_login(client, "khongco", "sai-mat-khau-roi")
    assert wrong.status_code == unknown.status_code == 422
    assert "Sai tên đăng nhập hoặc mật khẩu." in wrong.get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in unknown.get_data(as_text=True)


def test_disabled_account_cannot_log_in(client, make_person):
    """A disabled account is refused with the same message."""
    account = make_person("hoa")
    services.set_active(account, False)
    db.session.commit()
    assert post_login(client, "hoa", TEST_PASSWORD).status_code == 422


def test_eleventh_failed_attempt_gets_429(client, make_person):
    """Ten failures within 15 minutes are allowed; the 11th attempt is refused."""
    make_person("hoa")
    statuses = [post_login(client, "hoa", "sai-mat-khau-roi").status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


def test_throttle_holds_even_with_the_right_password(client, make_person):
    """Once throttled, even the right password waits (no guessing through the limit)."""
    make_person("hoa")
    for _ in range(10):
        post_login(client, "hoa", "sai-mat-khau-roi")
    assert post_login(client, "hoa", TEST_PASSWORD).status_code == 429


def test_throttle_per_ip_across_accounts(client, make_person):
    """One address trying many usernames is throttled too."""
    for number in range(11):
        response = post_login(client, f"ai{number}", "sai-mat-khau-roi")
    assert response.status_code == 429


def test_successful_logins_do_not_count(client, make_person):
    """Only failures count toward the limit."""
    make_person("hoa")
    for _ in range(12):
        assert post_login(client, "hoa", TEST_PASSWORD).status_code == 302
        token = csrf_token(client, "/profile")
        client.post("/logout", data={"csrf_token": token})


def test_logout_ends_the_session(client, make_person):
    """After log-out, pages ask for log-in again."""
    login(client, make_person("hoa"))
    token = csrf_token(client, "/profile")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_needs_the_current_password(client, make_person):
    """A wrong current password changes nothing."""
    account = make_person("hoa")
    login(client, account)
    token = csrf_token(client, "/password")
    response = client.post(
        "/password",
        data={
            "csrf_token": token,
            "current": "khong-dung-dau",
            "new": "mat-khau-moi-dai",
            "confirm": "mat-khau-moi-dai",
        },
    )
    assert response.status_code == 422
    assert services.authenticate("hoa", TEST_PASSWORD) is not None


def test_password_change_ends_other_sessions(app, make_person):
    """Changing the password logs out every other session of the account."""
    account = make_person("hoa")
    phone, laptop = login(app.test_client(), account), login(app.test_client(), account)
    token = csrf_token(laptop, "/password")
    response = laptop.post(
        "/password",
        data={
            "csrf_token": token,
            "current": TEST_PASSWORD,
            "new": "mat-khau-moi-dai",
            "confirm": "mat-khau-moi-dai",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert services.authenticate("hoa", "mat-khau-moi-dai") is not None


def test_disable_ends_sessions_at_once(app, make_person):
    """Disabling an account logs it out on its next request."""
    account = make_person("hoa")
    client = login(app.test_client(), account)
    assert client.get("/").status_code == 200
    services.set_active(account, False)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_reset_password_forces_a_change(app, make_person):
    """After an admin reset, the person must pick a new password before anything else."""
    account = make_person("hoa")
    password = services.reset_password(account)
    db.session.commit()
    client = app.test_client()
    response = post_login(client, "hoa", password)
    assert response.headers["Location"] == "/password"
    assert client.get("/").headers["Location"] == "/password"


def test_passwords_are_hashed_with_a_modern_kdf(app, make_person):
    """By default passwords are stored as scrypt hashes, never in clear."""
    app.config["LMS_PASSWORD_METHOD"] = "scrypt"
    make_person("hoa")
    stored = db.session.scalar(select(Account.password_hash).where(Account.username == "hoa"))
    assert stored.startswith("scrypt:")
    assert TEST_PASSWORD not in stored


def test_password_change_is_audited(app, make_person):
    """A password change leaves an audit event (without the password)."""
    account = make_person("hoa")
    services.change_password(account, TEST_PASSWORD, "mat-khau-moi-dai")
    db.session.commit()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "account.password_change")
    )
    assert event.object_id == str(account.id)
    assert "mat-khau" not in str(event.after)
