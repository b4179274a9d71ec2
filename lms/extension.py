"""The `LMS` Flask extension: mounts the LMS into a host app that brings its own database and
log-in, or into the standalone app built by `lms.create_app`.
"""

from pathlib import Path

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import Babel
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError

from lms import config, connections, db, i18n, ratelimit, routing, security, signed
from lms.accounts import sessions as login_sessions
from lms.errors import register_error_handlers
from lms.resources import PACKAGE_DIR, data_dir
from lms.state import LMSState, state

TRANSLATIONS_DIR = str(PACKAGE_DIR / "translations")


class LMS:
    """Mount with `LMS(app, url_prefix="/training")` or `lms.init_app(app, url_prefix=...)`.

    The host must already have Flask-SQLAlchemy and Flask-Login set up; the LMS uses both.
    """

    def __init__(self, app: Flask | None = None, **options) -> None:
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Flask, url_prefix: str = "", standalone: bool = False) -> None:
        if "sqlalchemy" not in app.extensions:
            raise RuntimeError("Set up Flask-SQLAlchemy on the app before mounting the LMS.")
        if getattr(app, "login_manager", None) is None:
            raise RuntimeError("Set up Flask-Login on the app before mounting the LMS.")
        config.apply_defaults(app)
        url_prefix = url_prefix.rstrip("/")
        migrations_dir = str(data_dir("migrations"))
        _init_babel(app)
        if "migrate" not in app.extensions:
            Migrate(app, app.extensions["sqlalchemy"], directory=migrations_dir)
        rate_limiter = ratelimit.create_limiter(app)
        app.extensions["lms"] = LMSState(
            url_prefix=url_prefix,
            standalone=standalone,
            rate_limiter=rate_limiter,
            throttle=security.LoginThrottle(app, rate_limiter),
            migrations_dir=migrations_dir,
        )
        from lms.certificates import jobs, receivers

        app.extensions["lms"].jobs = jobs.JobQueue(app)
        receivers.connect()
        from lms import api

        api.init_app(app)
        # Before the blueprints: their rules look their converters up when they are added.
        app.url_map.converters[routing.CONVERTER] = routing.IdConverter
        app.register_blueprint(_build_blueprint(standalone), url_prefix=url_prefix or None)
        if standalone:
            app.after_request(security.add_security_headers)
            # Outside any blueprint (an unknown URL, say) the standalone app still answers in
            # the user's language.
            register_error_handlers(app)
        i18n.register_template_helpers(app)
        app.jinja_env.globals.setdefault("csrf_token", signed.csrf_token)
        app.context_processor(_template_context)
        from lms.commands import lms_group

        if "lms" not in app.cli.commands:
            app.cli.add_command(lms_group)


def _template_context() -> dict:
    if not (is_lms_request() or state().standalone):
        return {}
    from lms.accounts.forms import education_label, rank_label, role_label
    from lms.accounts.permissions import has_any_role
    from lms.navigation import menu_links, template_url_for

    def lms_roles() -> dict[str, bool]:
        return {role: has_any_role(role) for role in ("trainer", "organizer", "admin")}

    return {
        "lms_layout": current_app.config["LMS_LAYOUT_TEMPLATE"],
        "lms_roles": lms_roles,
        "lms_menu": menu_links,
        "url_for": template_url_for,
        "lms_standalone": lambda: state().standalone,
        "role_label": role_label,
        "rank_label": rank_label,
        "education_label": education_label,
    }


def _init_babel(app: Flask) -> None:
    """Add the LMS catalogue to the host's Flask-Babel, or set Flask-Babel up (Vietnamese first)."""
    babel_state = app.extensions.get("babel")
    if babel_state is not None:
        if TRANSLATIONS_DIR not in babel_state.translation_directories:
            babel_state.translation_directories.append(TRANSLATIONS_DIR)
        return
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["LMS_DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["LMS_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    Babel(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)


def _build_blueprint(standalone: bool) -> Blueprint:
    """The `lms` blueprint with every area nested under it (endpoints `lms.<area>.<view>`)."""
    from lms.accounts.views import bp as accounts_bp
    from lms.accounts.views import standalone_bp
    from lms.admin.views import bp as admin_bp
    from lms.api.pages import bp as api_admin_bp
    from lms.api.views import bp as api_bp
    from lms.attendance.views import bp as attendance_bp
    from lms.certificates.verify import bp as verify_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.classes.views import bp as classes_bp
    from lms.courses.authoring import bp as authoring_bp
    from lms.courses.learning import bp as learn_bp
    from lms.courses.views import bp as courses_bp
    from lms.main.views import bp as main_bp
    from lms.organizer.views import bp as organizer_bp
    from lms.quizzes.attempts.views import bp as quiz_bp
    from lms.quizzes.bank.views import bp as banks_bp
    from lms.quizzes.grading.views import bp as grading_bp
    from lms.quizzes.manage.views import bp as quiz_manage_bp
    from lms.quizzes.results.views import bp as results_bp
    from lms.records.views import bp as records_bp

    parent = Blueprint(
        "lms",
        __name__,
        template_folder=str(data_dir("templates")),
        static_folder=str(Path(PACKAGE_DIR, "static")),
        static_url_path="/static",
    )
    for child in (
        main_bp,
        accounts_bp,
        admin_bp,
        organizer_bp,
        courses_bp,
        learn_bp,
        authoring_bp,
        classes_bp,
        quiz_bp,
        quiz_manage_bp,
        banks_bp,
        grading_bp,
        results_bp,
        certificates_bp,
        attendance_bp,
        verify_bp,
        api_bp,
        api_admin_bp,
        records_bp,
    ):
        parent.register_blueprint(child)
    if standalone:
        parent.register_blueprint(standalone_bp)
    parent.before_request(_before_lms_request)
    parent.after_request(_commit_on_success)
    if not standalone:
        parent.after_request(security.add_security_headers)
    register_error_handlers(parent)
    parent.register_error_handler(CSRFError, _csrf_failed)
    return parent


#: The JSON API's blueprint, authenticated by bearer tokens (lms.api.auth).
API_BLUEPRINT = "lms.api"

#: Pages a person who must change their password may still open.
PASSWORD_CHANGE_ALLOWED = {
    "lms.auth.password",
    "lms.auth.logout",
    "lms.main.set_language",
    "lms.static",
    "lms.main.healthz",
}


def _before_lms_request():
    if request.blueprint == API_BLUEPRINT:
        # Bearer tokens only: the session cookie is never read, so no CSRF token is needed.
        return None
    security.check_csrf()
    if (
        getattr(current_user, "must_change_password", False)
        and request.endpoint not in PASSWORD_CHANGE_ALLOWED
    ):
        return redirect(url_for("lms.auth.password"))
    return None


def _commit_on_success(response):
    """One commit per request: only when the view succeeded; anything else is rolled back.
    The log-in session's "last seen" goes in last, so the write lock is held only briefly.
    A request that wrote nothing has nothing to commit, and skips it (3 % of the attempt
    page's time went to committing nothing)."""
    if response.status_code < 400:
        login_sessions.write_last_seen()
        # With several databases (a host's binds) the one-connection check below does not see
        # them all: commit as always.
        several = len(current_app.extensions["sqlalchemy"].engines) > 1
        if several or connections.holds_uncommitted(db.session()):
            db.session.commit()
    return response


def _csrf_failed(error: CSRFError):
    from lms.errors import render_error

    return render_error(400, reason="csrf")


def is_lms_request() -> bool:
    return bool(request.blueprint and request.blueprint.split(".")[0] == "lms")
