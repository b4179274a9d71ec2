"""Localized error pages for LMS views; no traceback ever reaches a user."""

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


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


def render_error(code: int, reason: str = ""):
    titles = _titles()
    title, message = titles.get(code, titles[500] if code >= 500 else titles[400])
    if reason == "csrf":
        message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(error=message), code
    return render_template("lms/errors/error.html", code=code, title=title, message=message), code


def _handle_http(error: HTTPException):
    return render_error(error.code or 500)


def _handle_unexpected(error: Exception):
    # Flask has already logged the traceback; the user only sees the localized page.
    return render_error(500)


def register_error_handlers(target: Blueprint) -> None:
    target.register_error_handler(HTTPException, _handle_http)
    target.register_error_handler(InternalServerError, _handle_unexpected)
