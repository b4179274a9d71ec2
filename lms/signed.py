"""Signed values checked or signed once per process, not again on every request.

A learner's session cookie and CSRF token come back unchanged on every request of a sitting: an
exam sends an autosave every few seconds, and each page carries a token for its forms. Checking
the cookie's signature (HMAC, base64, a timestamp, JSON), signing a new token for every page and
checking the token of every post cost a quiz page about 6 % of its time (sampled with py-spy).
Here a value, once found good, is remembered until the moment it would stop being accepted
anyway, so nothing is accepted that the full check would refuse: a cookie or token that differs
by a character is another key, and goes through the full check.
"""

import time
from typing import Any

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, bytes_to_int

#: Entries a memo holds before it starts afresh (a worker sees a few hundred learners at once).
KEPT = 4096

#: How long a signed CSRF token is handed out again to the same session's pages. A token is
#: accepted for `WTF_CSRF_TIME_LIMIT` (an hour) after signing: one handed out a minute later
#: expires a minute sooner, which no one filling in a form notices.
TOKEN_REUSE_SECONDS = 60.0

#: Flask-WTF's name for where it keeps the session's raw token and the request's signed one.
CSRF_FIELD = "csrf_token"


class Memo:
    """Values kept until their own deadline (`time.time()` seconds), at most `KEPT` of them."""

    def __init__(self) -> None:
        self._kept: dict[Any, tuple[Any, float]] = {}

    def get(self, key: Any, now: float) -> Any:
        found = self._kept.get(key)
        if found is None or now >= found[1]:
            return None
        return found[0]

    def put(self, key: Any, value: Any, until: float) -> None:
        if len(self._kept) >= KEPT:
            self._kept.clear()
        self._kept[key] = (value, until)


class CookieSerializer:
    """A session cookie's serializer whose `loads` remembers each cookie found good: the JSON it
    held (each request gets its own session built from it, free to change) and when it expires.
    `dumps` is the serializer's own."""

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self.serializer = serializer
        self._memo = Memo()

    def dumps(self, data: dict) -> str:
        return self.serializer.dumps(data)

    def loads(self, cookie: str, max_age: int) -> dict:
        """The cookie's data; itsdangerous's `BadSignature` (or `SignatureExpired`) if refused."""
        now = time.time()
        payload = self._memo.get((cookie, max_age), now)
        if payload is not None:
            return self.serializer.serializer.loads(payload)
        data, signed_at = self.serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        self._memo.put(
            (cookie, max_age),
            self.serializer.serializer.dumps(data),
            signed_at.timestamp() + max_age,
        )
        return data


_signed_tokens = Memo()
_valid_tokens = Memo()


def _csrf_secret() -> str | bytes:
    return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key


def csrf_token() -> str:
    """Flask-WTF's `generate_csrf` (templates' `csrf_token()`), handing the same session's pages
    the token signed for it within `TOKEN_REUSE_SECONDS` instead of signing one for each."""
    if CSRF_FIELD in g or CSRF_FIELD not in session:
        return generate_csrf()
    key = (_csrf_secret(), session[CSRF_FIELD])
    now = time.time()
    token = _signed_tokens.get(key, now)
    if token is None:
        token = generate_csrf()
        _signed_tokens.put(key, token, now + TOKEN_REUSE_SECONDS)
    setattr(g, CSRF_FIELD, token)  # where Flask-WTF's forms look for the request's token
    return token


def check_csrf_token(token: str | None) -> None:
    """Flask-WTF's `validate_csrf` (raises its `ValidationError`), skipped for a token that this
    session sent before and that is still within its time limit."""
    raw = session.get(CSRF_FIELD)
    if not token or raw is None:
        validate_csrf(token)  # refused, with Flask-WTF's own reason
        return
    secret = _csrf_secret()
    key = (secret, token, raw)
    now = time.time()
    if _valid_tokens.get(key, now):
        return
    validate_csrf(token)
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if limit is None:
        _valid_tokens.put(key, True, now + TOKEN_REUSE_SECONDS)  # no limit: any deadline will do
        return
    _valid_tokens.put(key, True, _signed_at(token) + limit)


def _signed_at(token: str) -> int:
    """When a token Flask-WTF has just accepted was signed: itsdangerous's timestamp, the
    middle of its three parts (read here rather than checking the signature a second time)."""
    return bytes_to_int(base64_decode(token.rsplit(".", 2)[1]))
