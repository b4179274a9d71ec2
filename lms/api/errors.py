"""Errors of the JSON API: one shape for every failure, in the caller's language.

`{"error": {"code": "invalid_parameter", "message": "…", "parameter": "from"}}`, with
`WWW-Authenticate` on 401 and 403 (RFC 6750) and `Retry-After` on 429. Messages follow the
request's Accept-Language among the LMS's languages, Vietnamese by default.
"""

import json
import logging

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms import db
from lms.errors import DATABASE_OUTAGES

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A failure answered as JSON: `status`, a stable machine `code` and a translated message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers = headers or {}


def api_language() -> str:
    """The request's Accept-Language among the LMS's languages, else the default one."""
    languages = current_app.config["LMS_LANGUAGES"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["LMS_DEFAULT_LOCALE"]
    )


def json_response(body, status: int = 200):
    """JSON as UTF-8 text (Vietnamese stays readable, and smaller than with escapes),
    whatever the host app's JSON settings."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(text, status=status, mimetype="application/json")


def error_response(error: ApiError):
    _rollback()
    body: dict = {"code": error.code, "message": error.message}
    if error.parameter:
        body["parameter"] = error.parameter
    response = json_response({"error": body}, error.status)
    response.headers.update(error.headers)
    return response


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback before an API error failed", exc_info=True)


#: Codes of the HTTP errors the API can meet outside its views (a converter's 404, say).
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def _http_message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        404: _("Nothing was found at this address."),
        405: _("This method is not allowed at this address."),
        413: _("The request is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        503: _("The service is temporarily unavailable."),
    }.get(status, _("An unexpected error happened. It has been logged; please try again later."))


def _handle_http(error: HTTPException):
    status = error.code or 500
    with force_locale(api_language()):
        return error_response(
            ApiError(status, HTTP_CODES.get(status, "error"), _http_message(status))
        )


def _handle_unexpected(error: InternalServerError):
    original = getattr(error, "original_exception", None)
    if isinstance(original, DATABASE_OUTAGES):
        return _handle_outage(original)
    return _handle_http(error)


def _handle_outage(error: Exception):
    log.error("database unavailable: %s", error)
    with force_locale(api_language()):
        return error_response(ApiError(503, "unavailable", _http_message(503)))


def register_error_handlers(blueprint) -> None:
    """JSON instead of the HTML error pages for everything under the API's blueprint."""
    blueprint.register_error_handler(HTTPException, _handle_http)
    blueprint.register_error_handler(InternalServerError, _handle_unexpected)
    for outage in DATABASE_OUTAGES:
        blueprint.register_error_handler(outage, _handle_outage)
