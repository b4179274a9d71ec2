"""The standalone host: its own database, accounts and log-in pages, mounting the LMS at `/`."""

from datetime import timedelta
from pathlib import Path

from flask import Flask, session
from flask_babel import gettext
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import config, connections, jsontext
from lms.accounts.models import ACCOUNT_SESSION_KEY
from lms.config import N_
from lms.extension import LMS
from lms.security import LMSSessionInterface


def create_app(test_config: dict | None = None) -> Flask:
    """Build the standalone app; refuses to start without a secret key (see config.py)."""
    app = Flask("lms", instance_path=config.instance_path(), instance_relative_config=True)
    # Flask's defaults already hold these keys, so they are set here, before any override.
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_NAME="lms_session",
    )
    config.load_environment(app)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.load_secret_key(app)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", f"sqlite:///{Path(app.instance_path, 'lms.sqlite3')}"
    )
    app.session_interface = LMSSessionInterface()
    proxies = int(app.config.get("LMS_PROXY_COUNT", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    database = SQLAlchemy(app, engine_options=_engine_options(app))
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        with app.app_context():
            connections.ping_when_idle(database.engine)
            connections.read_outside_transaction(database.engine)
    _init_login(app)
    LMS(app, url_prefix="", standalone=True)
    # The signed cookie itself stops being accepted when the longest session would have ended.
    app.permanent_session_lifetime = timedelta(
        hours=config.positive_number(app, "LMS_SESSION_MAX_HOURS")
    )
    config.positive_number(app, "LMS_SESSION_IDLE_MINUTES")
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Refuse oversized requests before the CSRF check reads a form into a temp file
        # (a host portal sets its own limit for its whole site).
        app.config["MAX_CONTENT_LENGTH"] = app.config["LMS_UPLOAD_MAX_BYTES"] + 2**20
    return app


def _engine_options(app: Flask) -> dict:
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    # JSON columns (a question's data, a learner's response) read with orjson (`lms.jsontext`).
    options: dict = {"json_deserializer": jsontext.loads}
    if uri.startswith("sqlite"):
        options["connect_args"] = {"timeout": 15}
    elif make_url(uri).get_driver_name() == "psycopg":
        options["connect_args"] = {"cursor_factory": connections.DescribedOnceCursor}
    # Not `pool_pre_ping`: a round trip on every request; `connections.ping_when_idle` instead.
    return options


def _init_login(app: Flask) -> None:
    from lms.accounts import sessions as login_sessions
    from lms.accounts.sessions import LOGIN_SESSION_KEY

    manager = LoginManager(app)
    manager.login_view = "lms.auth.login"
    # Flask-Login's own wording, in the reader's language (its default is English only).
    manager.login_message = N_("Please log in to access this page.")
    manager.needs_refresh_message = N_("Please reauthenticate to access this page.")
    manager.localize_callback = gettext
    manager.session_protection = "basic"

    @manager.user_loader
    def load_account(user_id: str):
        # A log-out deletes the session's row; a password change or a disable bumps the version.
        return login_sessions.load_account(
            user_id, session.get(LOGIN_SESSION_KEY), session.get(ACCOUNT_SESSION_KEY)
        )
