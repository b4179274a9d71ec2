"""The OpenAPI 3.1 document at /api/v1/openapi.json, built from the registry the operations
are declared in (their parameters, scopes, answers and errors) and the schemas of `schemas`.
"""

from flask import current_app, request

from lms.api.blueprint import PREFIX, api, bp
from lms.api.errors import json_response
from lms.api.schemas import SCHEMAS
from lms.security import PUBLIC, access

ERROR_DESCRIPTIONS = {
    400: "Invalid parameter, cursor or body (`error.parameter` names the parameter).",
    401: "No token, a wrong token or a revoked one.",
    403: "The token lacks a scope the operation needs, or asked about a unit outside its subtree.",
    404: "Nothing with this id or code in the token's unit subtree.",
    429: "Too many requests for this token; wait `Retry-After` seconds.",
}

DESCRIPTION = """The LMS's API for the qualification-records system: issued certificates and
each official's completed classes and training periods, within the token's unit subtree.

**Authentication.** Every operation but this document needs `Authorization: Bearer <token>`.
Tokens are created by an admin (`lms api-token create`) with scopes (`certificates:read`,
`records:read`, `webhooks:manage`) and optionally a unit: the token then sees only officials of
that unit and the units below it.

**Pagination.** Lists answer `{"data": [...], "next_cursor": "...", "has_more": true}`, oldest
first; pass `next_cursor` back as `cursor`, with the same filters, while `has_more` is true.
Keep the last `next_cursor`: asked again later, it gives what was added since. Rows added
meanwhile appear on later pages; nothing is repeated or skipped. Rows of the last half-minute
are listed on a later call.

**Errors** are `{"error": {"code", "message", "parameter"?}}`, with the message in the language
of `Accept-Language` (Vietnamese by default).

**Webhooks** (see `webhooks`) are POSTed with `X-LMS-Timestamp` and `X-LMS-Signature:
sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>`; refuse a
timestamp older than five minutes."""


def _parameter(param) -> dict:
    return {
        "name": param.name,
        "in": param.location,
        "required": param.required,
        "description": param.description,
        "schema": param.schema,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(operation) -> dict:
    if operation.response is None:
        return {"description": "Done; no content."}
    schema = _ref(operation.response)
    if operation.many:
        schema = {
            "type": "object",
            "required": ["data", "next_cursor", "has_more"],
            "properties": {
                "data": {"type": "array", "items": schema},
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass it as `cursor` for the next page; keep the last one "
                    "to ask later for what is new (null only before the first row).",
                },
                "has_more": {
                    "type": "boolean",
                    "description": "More rows are there now: ask again at once.",
                },
            },
        }
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _operation(operation) -> dict:
    responses = {str(operation.status): _answer(operation)}
    for status in operation.errors:
        responses[str(status)] = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    document = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description
        + f"\n\nScopes: {', '.join(f'`{scope}`' for scope in operation.scopes)}.",
        "tags": [operation.tag],
        "security": [{"bearerToken": list(operation.scopes)}],
        "parameters": [_parameter(param) for param in operation.params],
        "responses": responses,
    }
    if operation.request_body:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(operation.request_body)}},
        }
    return document


def _webhook(summary: str) -> dict:
    header = {"required": True, "schema": {"type": "string"}}
    return {
        "post": {
            "summary": summary,
            "parameters": [
                {"name": "X-LMS-Event", "in": "header"} | header,
                {"name": "X-LMS-Event-Id", "in": "header"} | header,
                {"name": "X-LMS-Timestamp", "in": "header"} | header,
                {"name": "X-LMS-Signature", "in": "header"} | header,
            ],
            "requestBody": {"content": {"application/json": {"schema": _ref("WebhookEvent")}}},
            "responses": {"200": {"description": "Any 2xx acknowledges the event."}},
        }
    }


def document() -> dict:
    """The whole OpenAPI document of the current app."""
    paths: dict[str, dict] = {}
    for operation in api.operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    prefix = current_app.extensions["lms"].url_prefix
    return {
        "openapi": "3.1.0",
        "info": {"title": "LMS CCHC records API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": request.host_url.rstrip("/") + prefix + PREFIX}],
        "tags": [
            {"name": "certificates", "description": "Issued certificates and their status."},
            {"name": "records", "description": "Completed classes and training periods."},
            {"name": "webhooks", "description": "Signed events about certificates."},
        ],
        "paths": paths,
        "webhooks": {
            "certificate.issued": _webhook("A certificate was issued."),
            "certificate.revoked": _webhook("A certificate was revoked."),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (lms_…) created by an admin.",
                }
            },
        },
    }


@bp.route("/openapi.json")
@access(PUBLIC)
def openapi_document():
    return json_response(document())
