"""Localized error pages for LMS views; no traceback ever reaches a user."""

import logging

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from lms import db

log = logging.getLogger(__name__)

#: What the database driver raises when the server is down, unreachable, or out of connections.
DATABASE_OUTAGES = (OperationalError, InterfaceError, PoolTimeoutError)


class BadArgument(BadRequest):
    """A value in the address that cannot be right; the error page shows `message` as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or was moved.")),
        405: (_("Not allowed"), _("This action is not allowed here.")),
        409: (
            _("Already changed"),
            _(
                "This page is out of date: someone (or another tab) "
                "changed it. Reload the page and try again."
            ),
        ),
        413: (_("File too large"), _("The file is larger than allowed.")),
        429: (_("Too many attempts"), _("Too many attempts. Wait a few minutes and try again.")),
        500: (
            _("Something went wrong"),
            _("An unexpected error happened. It has been logged; please try again later."),
        ),
        503: (_("Service unavailable"), _("The service is temporarily unavailable.")),
    }


def render_error(code: int, reason: str = "", message: str = ""):
    """The error page (or JSON) for `code`, after undoing whatever the request had written.

    The rollback comes first: on PostgreSQL a failed statement leaves the transaction aborted, and
    the page (the person's roles in the menu, say) could not be read from it.
    """
    _rollback()
    titles = _titles()
    title, default_message = titles.get(code, titles[500] if code >= 500 else titles[400])
    if reason == "csrf":
        message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    message = message or default_message
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(error=message), code
    return render_template("lms/errors/error.html", code=code, title=title, message=message), code


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # A connection lost mid-request cannot roll back; the pool discards it at teardown.
        log.warning("rollback before an error page failed", exc_info=True)


def _handle_http(error: HTTPException):
    message = error.description if isinstance(error, BadArgument) else ""
    return render_error(error.code or 500, message=message)


def _handle_unexpected(error: Exception):
    # The one commit of a request fails after the view, outside the handlers of its exceptions.
    original = getattr(error, "original_exception", None)
    if isinstance(original, DATABASE_OUTAGES):
        return _handle_database_outage(original)
    # Flask has already logged the traceback; the user only sees the localized page.
    return render_error(500)


def _handle_database_outage(error: SQLAlchemyError):
    """503 with the localized page, drawn without the database: as for someone not logged in."""
    log.error("database unavailable: %s", error)
    current_app.login_manager._update_request_context_with_user()
    return render_error(503)


def register_error_handlers(target: Blueprint) -> None:
    target.register_error_handler(HTTPException, _handle_http)
    target.register_error_handler(InternalServerError, _handle_unexpected)
    for outage in DATABASE_OUTAGES:
        target.register_error_handler(outage, _handle_database_outage)
