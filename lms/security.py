"""Request security: CSRF on every state change, response headers, cookies, log-in throttling,
and the access declarations every LMS view carries.
"""

import unicodedata
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from wtforms.validators import ValidationError

from lms import signed
from lms.accounts.permissions import has_any_role
from lms.config import ConfigError
from lms.ratelimit import Limit, RateLimiter

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_csrf() -> None:
    """Refuse a state-changing LMS request that carries no valid CSRF token (400, nothing done)."""
    if request.method not in UNSAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "lms_csrf_exempt", False):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        signed.check_csrf_token(token)
    except ValidationError as error:
        raise CSRFError(str(error)) from error


def add_security_headers(response):
    """Strict CSP (no inline script), the usual hardening headers, HSTS when configured over
    HTTPS, and no caching of anything but static files and what a view marks private."""
    headers = response.headers
    # The names already set, read once (each `setdefault` would scan the headers again).
    present = {name.lower() for name, _value in headers.items()}
    wanted = [
        ("Content-Security-Policy", current_app.config["LMS_CONTENT_SECURITY_POLICY"]),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "SAMEORIGIN"),
    ]
    hsts = current_app.config["LMS_HSTS_SECONDS"]
    if hsts and request.is_secure:
        wanted.append(("Strict-Transport-Security", f"max-age={hsts}"))
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    static = (request.endpoint or "").rsplit(".", 1)[-1] == "static"
    # Pages and exports carry personal data, and offices share computers: nothing is kept but
    # public static files and course files a view chose to cache privately.
    if not static and not _marked_private(headers.get("Cache-Control")):
        headers["Cache-Control"] = "no-store"
    return response


def _marked_private(cache_control: str | None) -> bool:
    """Whether a Cache-Control value has the `private` directive (`response.cache_control` would
    parse it into an object on every response to find out)."""
    return bool(cache_control) and any(
        part.split("=", 1)[0].strip().lower() == "private" for part in cache_control.split(",")
    )


def local_redirect_target(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: the one check every view that
    redirects to a visitor-supplied address (`next`) goes through.

    Browsers drop tabs and newlines anywhere in a URL, ignore leading spaces and control
    characters, and read a backslash as a slash; so those are removed or refused first, and what
    is left must be a path with a single leading slash, no scheme and no host.
    """
    cleaned = "".join(
        char
        for char in target or ""
        if not (char.isspace() or unicodedata.category(char).startswith("C"))
    )
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return default
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return default
    return cleaned


class LMSSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS, and keeps its
    signing serializer: Flask builds a new one (signer, key list, salt) twice per request, to
    read the cookie and to write it, which cost every page about as much as its CSP header. The
    one kept checks each cookie's signature once (`signed.CookieSerializer`)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_signing_serializer(self, app: Flask):
        # Kept per app and keys: a changed secret key (or fallback list) makes a new one.
        keys = (id(app), app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = getattr(self, "_kept_serializer", None)
        if kept is None or kept[0] != keys:
            kept = (keys, signed.CookieSerializer(super().get_signing_serializer(app)))
            self._kept_serializer = kept
        return kept[1]


class LoginThrottle:
    """Log-in attempts per account and per IP address, counted in the shared rate limiter
    (lms.ratelimit) before the password is checked: check and count are one step, so parallel
    guesses cannot slip past the limit. A right password gives its attempt back, so only failures
    (and attempts refused for being over the limit) use up the allowance.
    """

    def __init__(self, app: Flask, limiter: RateLimiter) -> None:
        self.limiter = limiter
        try:
            self.limit = Limit.parse(app.config["LMS_LOGIN_LIMIT"])
        except ValueError as error:
            raise ConfigError(f"LMS_LOGIN_LIMIT: {error}") from error

    def _keys(self, username: str) -> list[str]:
        return [f"login:account:{username.strip().lower()}", f"login:ip:{request.remote_addr}"]

    def attempt(self, username: str) -> bool:
        """Count an attempt on the account and from this address; False when either is over."""
        return all([self.limiter.hit(key, self.limit) for key in self._keys(username)])

    def succeeded(self, username: str) -> None:
        """The password was right: this attempt does not count."""
        for key in self._keys(username):
            self.limiter.undo(key, self.limit)


# --- access declarations ---------------------------------------------------------------------

PUBLIC = "public"
LOGIN = "login"


def _deny_anonymous():
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(error=_("Please log in.")), 401
    return current_app.login_manager.unauthorized()


def access(rule: str, *roles: str) -> Callable:
    """Declare who may open a view: `access(PUBLIC)`, `access(LOGIN)` or `access("role", ...)`.

    A role view admits anyone holding one of `roles` on some unit (admin counts for every role);
    which objects they may then touch is checked by the load-then-authorise helpers.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if rule != PUBLIC:
                if not current_user.is_authenticated:
                    return _deny_anonymous()
                if rule == "role" and not has_any_role(*roles):
                    abort(403)
            return view(*args, **kwargs)

        wrapper.lms_access = (rule, roles)
        return wrapper

    return decorator


def csrf_exempt(view: Callable) -> Callable:
    """Mark a view that authenticates by API token instead of a CSRF token."""
    view.lms_csrf_exempt = True
    return view
