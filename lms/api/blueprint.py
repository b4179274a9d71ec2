"""The API's blueprint (`lms.api`, under /api/v1) and the registry its operations are declared
in; `views`, `webhooks.views` and `openapi` add to them."""

from flask import Blueprint

from lms.api.errors import register_error_handlers
from lms.api.registry import ApiRegistry

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
register_error_handlers(bp)
api = ApiRegistry(bp)
