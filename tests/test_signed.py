"""Signed values checked or signed once per process (`lms.signed`): the session cookie, the
CSRF token a page carries and the one a post sends. What the memo accepts is only what the full
check would accept, until the moment that check would stop accepting it."""

import pytest
from flask import session
from flask_wtf.csrf import ValidationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer, timed

from lms import signed
from tests.conftest import csrf_token, login


def _clock(monkeypatch, seconds: float) -> None:
    """Move both clocks on: the memo's and itsdangerous's own (what the full check reads)."""
    now = signed.time.time() + seconds
    monkeypatch.setattr(signed.time, "time", lambda: now)
    monkeypatch.setattr(timed.time, "time", lambda: now)


@pytest.fixture
def cookies():
    return signed.CookieSerializer(URLSafeTimedSerializer("secret", salt="cookie"))


def _count(monkeypatch, target, name: str) -> list:
    calls = []
    original = getattr(target, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, counted)
    return calls


def test_a_cookie_is_checked_once_and_each_reading_is_a_copy(cookies, monkeypatch):
    cookie = cookies.dumps({"user": "u-1", "_flashes": [["info", "saved"]]})
    checks = _count(monkeypatch, cookies.serializer, "loads")
    first = cookies.loads(cookie, max_age=3600)
    first["_flashes"].append(["info", "changed in this request only"])
    second = cookies.loads(cookie, max_age=3600)
    assert len(checks) == 1
    assert second == {"user": "u-1", "_flashes": [["info", "saved"]]}


def test_a_changed_cookie_is_refused_after_the_good_one_was_kept(cookies):
    cookie = cookies.dumps({"user": "u-1"})
    cookies.loads(cookie, max_age=3600)
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    with pytest.raises(BadSignature):
        cookies.loads(forged, max_age=3600)


def test_a_kept_cookie_expires_when_the_full_check_would_refuse_it(cookies, monkeypatch):
    cookie = cookies.dumps({"user": "u-1"})
    assert cookies.loads(cookie, max_age=60) == {"user": "u-1"}
    _clock(monkeypatch, 62)
    with pytest.raises(SignatureExpired):
        cookies.loads(cookie, max_age=60)


def test_the_memo_starts_afresh_when_full(monkeypatch):
    memo = signed.Memo()
    monkeypatch.setattr(signed, "KEPT", 2)
    memo.put("a", 1, until=10**12)
    memo.put("b", 2, until=10**12)
    memo.put("c", 3, until=10**12)
    assert (memo.get("a", 0), memo.get("c", 0)) == (None, 3)


def test_a_session_reads_the_same_through_the_app(client, make_person):
    """Logged in, a page after a page: the cookie kept and read back the same, log-in and all."""
    login(client, make_person())
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    with client.session_transaction() as kept:
        assert kept.get("_user_id")


def _page_token(app, raw: str) -> str:
    """The token a page of the session holding `raw` carries (templates' `csrf_token()`), in a
    request of its own (its own `g`, as under a server)."""
    with app.app_context(), app.test_request_context("/"):
        session["csrf_token"] = raw
        return signed.csrf_token()


def test_a_session_is_handed_the_same_token_within_a_minute(app, monkeypatch):
    kept = _page_token(app, "raw-1")
    # Signed 30 s later, the token would carry another timestamp: the same one was handed out.
    _clock(monkeypatch, 30)
    assert _page_token(app, "raw-1") == kept
    _clock(monkeypatch, signed.TOKEN_REUSE_SECONDS + 1)
    assert _page_token(app, "raw-1") != kept


def test_a_page_s_forms_share_the_request_s_token(app):
    with app.app_context(), app.test_request_context("/"):
        session["csrf_token"] = "raw-1"
        assert signed.csrf_token() == signed.generate_csrf()


def test_each_session_has_its_own_token(app):
    assert _page_token(app, "raw-1") != _page_token(app, "raw-2")


def _switch(client, token: str):
    """A post: the language switch, with `token`."""
    return client.post("/language", data={"language": "vi", "csrf_token": token})


def test_a_token_checked_once_is_not_checked_again(app, client, monkeypatch):
    token = csrf_token(client)
    checks = _count(monkeypatch, signed, "validate_csrf")
    for _ in range(3):
        assert _switch(client, token).status_code == 302
    assert len(checks) == 1


def test_a_kept_token_is_refused_for_another_session(app, client):
    token = csrf_token(client)
    assert _switch(client, token).status_code == 302
    other = app.test_client()
    csrf_token(other)  # a session of its own, with its own raw token
    assert _switch(other, token).status_code == 400


def test_a_kept_token_is_refused_after_its_time_limit(app, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 120
    with app.app_context(), app.test_request_context("/"):
        token = signed.csrf_token()
        signed.check_csrf_token(token)
        _clock(monkeypatch, 122)
        with pytest.raises(ValidationError):
            signed.check_csrf_token(token)


def test_a_missing_token_is_refused_with_flask_wtf_s_reason(app):
    with app.app_context(), app.test_request_context("/"):
        session["csrf_token"] = "raw"
        with pytest.raises(ValidationError, match="missing"):
            signed.check_csrf_token("")
