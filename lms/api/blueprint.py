"""The API's blueprint (`lms.api`, under /api/v1) and the registry its operations are declared
in; `views`, `webhooks.views` and `openapi` add to them. Any other address under /api/v1
answers JSON too (404, or 405 for a known address asked with another method), never the HTML
error page an unmatched URL would otherwise get from the app.
"""

from flask import Blueprint, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from lms.api.errors import ApiError, api_language, error_response, register_error_handlers
from lms.api.registry import ApiRegistry
from lms.security import PUBLIC, access

PREFIX = "/api/v1"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

bp = Blueprint("api", __name__, url_prefix=PREFIX)
register_error_handlers(bp)
api = ApiRegistry(bp)


def _allowed_methods() -> list[str]:
    """Methods another API route accepts at this path (none: the path is unknown)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    return allowed


@bp.route("/<path:rest>", methods=METHODS)
@access(PUBLIC)
def unknown(rest: str):
    allowed = _allowed_methods()
    with force_locale(api_language()):
        if allowed:
            error = ApiError(
                405,
                "method_not_allowed",
                _("This method is not allowed at this address."),
                headers={"Allow": ", ".join(allowed)},
            )
        else:
            error = ApiError(404, "not_found", _("Nothing was found at this address."))
        return error_response(error)
