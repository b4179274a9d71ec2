"""Configuration defaults (all `LMS_*`) and the secret-key rule of the standalone app."""

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS: dict[str, object] = {
    #: Template that LMS pages extend; a host sets its own layout (blocks `title` and `content`).
    "LMS_LAYOUT_TEMPLATE": "lms/layout.html",
    #: Redis for the shared rate limits; without it they are counted in the database.
    "LMS_REDIS_URL": None,
    #: Prefix of every key the LMS writes in Redis: give each deployment sharing a Redis its own.
    "LMS_REDIS_PREFIX": "lms",
    #: Failed log-ins allowed per account and per IP address before answering 429.
    "LMS_LOGIN_LIMIT": "10 per 15 minutes",
    #: A log-in ends after this long without a request (shared office computers), and this long
    #: after it began in any case (NIST SP 800-63B's figures for this level of assurance).
    "LMS_SESSION_IDLE_MINUTES": 30,
    "LMS_SESSION_MAX_HOURS": 12,
    "LMS_LANGUAGES": ("vi", "en"),
    "LMS_DEFAULT_LOCALE": "vi",
    "LMS_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LMS_CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'self'"
    ),
    "LMS_PAGE_SIZE": 50,
    #: Attachment store (default: uploads/ in the instance folder), size limit and allowed types.
    "LMS_UPLOAD_PATH": None,
    "LMS_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "LMS_UPLOAD_EXTENSIONS": ("png", "jpg", "jpeg", "gif", "webp", "pdf"),
    #: Werkzeug hash method for passwords (scrypt); tests use a cheap one to stay fast.
    "LMS_PASSWORD_METHOD": "scrypt",
    #: Legal-document registry files the authoring pages check citations against (default: the
    #: shipped courses/legal-documents.yaml); a province lists its own file after it.
    "LMS_LEGAL_DOCUMENTS": None,
    #: A module not checked against the law for longer than this is flagged to trainers.
    "LMS_CONTENT_REVIEW_MONTHS": 12,
    #: Strict-Transport-Security max-age sent over HTTPS; 0 (off) until the site is HTTPS-only.
    "LMS_HSTS_SECONDS": 0,
    #: The site's public address, printed in certificates' QR codes (default: the request's).
    "LMS_PUBLIC_URL": None,
    #: PEM file of the Ed25519 key signing certificates (default: signing_key.pem in the
    #: instance folder, created on first use).
    "LMS_SIGNING_KEY_FILE": None,
    #: Certificate checks allowed per client address (against enumerating serials).
    "LMS_VERIFY_LIMIT": "30 per minute",
    #: Check-in tries per learner and session (against guessing the six digits).
    "LMS_CHECKIN_LIMIT": "10 per 5 minutes",
    #: Run background jobs at once in the process that queues them (tests only).
    "LMS_JOBS_IMMEDIATE": False,
    #: Calls allowed per API token, and calls with a wrong token per client address.
    "LMS_API_LIMIT": "600 per minute",
    "LMS_API_BAD_TOKEN_LIMIT": "30 per minute",
    #: API lists leave out rows younger than this (see lms.api.pagination).
    "LMS_API_SETTLE_SECONDS": 30,
    #: Webhooks to plain http:// addresses (development only; production needs https).
    "LMS_WEBHOOK_ALLOW_HTTP": False,
    #: Networks webhooks may reach although private or local (e.g. "10.20.0.0/16").
    "LMS_WEBHOOK_ALLOWED_NETWORKS": (),
    #: Seconds to wait for a receiver, attempts before giving up, and the first retry's wait
    #: (doubled after each failure).
    "LMS_WEBHOOK_TIMEOUT": 10,
    "LMS_WEBHOOK_MAX_ATTEMPTS": 8,
    "LMS_WEBHOOK_RETRY_SECONDS": 60,
}

SECRET_KEY_FILE = "secret_key"

#: Environment variables the standalone app reads, and the config key each one sets.
ENVIRONMENT = {
    "LMS_SECRET_KEY": "SECRET_KEY",
    "LMS_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "LMS_REDIS_URL": "LMS_REDIS_URL",
    "LMS_REDIS_PREFIX": "LMS_REDIS_PREFIX",
    "LMS_LAYOUT_TEMPLATE": "LMS_LAYOUT_TEMPLATE",
    "LMS_LOGIN_LIMIT": "LMS_LOGIN_LIMIT",
    "LMS_SESSION_IDLE_MINUTES": "LMS_SESSION_IDLE_MINUTES",
    "LMS_SESSION_MAX_HOURS": "LMS_SESSION_MAX_HOURS",
    "LMS_PROXY_COUNT": "LMS_PROXY_COUNT",
    "LMS_DEFAULT_LOCALE": "LMS_DEFAULT_LOCALE",
    "LMS_UPLOAD_PATH": "LMS_UPLOAD_PATH",
    "LMS_HSTS_SECONDS": "LMS_HSTS_SECONDS",
    "LMS_PUBLIC_URL": "LMS_PUBLIC_URL",
    "LMS_SIGNING_KEY_FILE": "LMS_SIGNING_KEY_FILE",
    "LMS_VERIFY_LIMIT": "LMS_VERIFY_LIMIT",
    "LMS_CHECKIN_LIMIT": "LMS_CHECKIN_LIMIT",
    "LMS_API_LIMIT": "LMS_API_LIMIT",
    "LMS_API_BAD_TOKEN_LIMIT": "LMS_API_BAD_TOKEN_LIMIT",
    "LMS_API_SETTLE_SECONDS": "LMS_API_SETTLE_SECONDS",
    "LMS_WEBHOOK_ALLOW_HTTP": "LMS_WEBHOOK_ALLOW_HTTP",
    "LMS_WEBHOOK_ALLOWED_NETWORKS": "LMS_WEBHOOK_ALLOWED_NETWORKS",
    "LMS_WEBHOOK_TIMEOUT": "LMS_WEBHOOK_TIMEOUT",
    "LMS_WEBHOOK_MAX_ATTEMPTS": "LMS_WEBHOOK_MAX_ATTEMPTS",
    "LMS_WEBHOOK_RETRY_SECONDS": "LMS_WEBHOOK_RETRY_SECONDS",
}


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown (see ConfigError)."""
    return message


class ConfigError(RuntimeError):
    """Raised when the app cannot start safely; the message tells the operator what to do.

    It keeps the English `message` and its `values` apart, so the command line can print it in
    the default language (lms.cli_failures) although no app, and so no Flask-Babel, exists.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


def load_environment(app: Flask) -> None:
    for variable, key in ENVIRONMENT.items():
        if os.environ.get(variable):
            app.config[key] = os.environ[variable]


def apply_defaults(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    hsts = str(app.config["LMS_HSTS_SECONDS"]).strip()
    if not hsts.isascii() or not hsts.isdigit():
        raise ConfigError(
            N_("LMS_HSTS_SECONDS must be a whole number of seconds, not “%(value)s”."), value=hsts
        )
    app.config["LMS_HSTS_SECONDS"] = int(hsts)


def positive_number(app: Flask, key: str) -> float:
    """Read `key` as a positive number (the environment gives strings), store it back as one, and
    refuse to start on anything else."""
    value = app.config[key]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise ConfigError(f"{key} must be a positive number, not {value!r}.")
    app.config[key] = number
    return number


def instance_path() -> str | None:
    """The instance folder chosen with LMS_INSTANCE_PATH, or None for Flask's default."""
    path = os.environ.get("LMS_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def load_secret_key(app: Flask) -> str:
    """Return the secret key from LMS_SECRET_KEY or the instance folder, or refuse to start."""
    key_file = Path(app.instance_path) / SECRET_KEY_FILE
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip()
    raise ConfigError(
        N_(
            "No secret key: set LMS_SECRET_KEY in the environment, or run `lms demo` once to "
            "store a key in %(path)s. Sessions cannot be protected without one."
        ),
        path=str(key_file),
    )


def create_secret_key_file(instance: Path) -> Path:
    """Create the instance folder's secret key (owner-only) unless one exists already."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / SECRET_KEY_FILE
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file
