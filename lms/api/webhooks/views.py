"""The webhook operations of the API: an outside system registers, lists and deletes the
endpoints of its token's unit subtree and reads their delivery logs."""

from flask_babel import gettext as _

from lms import db
from lms.api import auth
from lms.api.blueprint import api
from lms.api.errors import ApiError
from lms.api.models import Scope, WebhookEndpoint
from lms.api.params import path_param
from lms.api.registry import Query
from lms.api.schemas import delivery_json, endpoint_json
from lms.api.webhooks import endpoints
from lms.api.webhooks.targets import TargetError
from lms.jsonbody import BodyError, read_json

MANAGE = (Scope.WEBHOOKS_MANAGE.value,)
#: Creating an endpoint also needs the right to read what it will be sent.
MANAGE_AND_READ = (Scope.WEBHOOKS_MANAGE.value, Scope.CERTIFICATES_READ.value)
ENDPOINT_ID = path_param(
    "endpoint_id", "The endpoint's id.", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
)
FIELDS = {"url", "events", "description"}


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    """A live endpoint of the token's subtree (load, then authorise: 404 for any other)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    token = auth.current_token()
    if endpoint is None or endpoint.deleted_at is not None or not auth.covers(token, endpoint.unit):
        raise ApiError(404, "not_found", _("No webhook endpoint with this id."))
    return endpoint


#: An endpoint's address, events and description fit in far less.
MAX_BODY_BYTES = 64 * 1024


def _listing(items: list[dict]) -> dict:
    """A whole list in the shape of a last page."""
    return {"data": items, "next_cursor": None, "has_more": False}


def _body() -> dict:
    try:
        body = read_json(MAX_BODY_BYTES)
    except BodyError as error:
        raise ApiError(error.status, "invalid_body", str(error)) from error
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", _("Send a JSON object."))
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ApiError(400, "invalid_body", _("Unknown field: %(f)s.", f=", ".join(unknown)[:100]))
    if not isinstance(body.get("url"), str):
        raise ApiError(400, "invalid_body", _("Give the address as the text field “url”."))
    events = body.get("events")
    if events is not None and (
        not isinstance(events, list) or not all(isinstance(event, str) for event in events)
    ):
        raise ApiError(400, "invalid_body", _("“events” is a list of event names."))
    if not isinstance(body.get("description", ""), str):
        raise ApiError(400, "invalid_body", _("“description” is text."))
    return body


@api.operation(
    "GET",
    "/webhooks",
    operation_id="list_webhooks",
    summary="Webhook endpoints of the token's unit subtree",
    scopes=MANAGE,
    tag="webhooks",
    response="WebhookEndpoint",
    many=True,
    errors=(401, 403, 429),
)
def list_webhooks(query: Query):
    """Live endpoints in the token's unit subtree, oldest first."""
    live = endpoints.live_endpoints(auth.current_token().unit)
    return _listing([endpoint_json(endpoint) for endpoint in live])


@api.operation(
    "POST",
    "/webhooks",
    operation_id="create_webhook",
    summary="Register a webhook endpoint",
    scopes=MANAGE_AND_READ,
    tag="webhooks",
    request_body="WebhookEndpointInput",
    response="NewWebhookEndpoint",
    status=201,
    errors=(400, 401, 403, 429),
)
def create_webhook(query: Query):
    """Send `certificate.issued` and `certificate.revoked` events about officials of the
    token's unit subtree to `url` (https, a public host). The answer holds the signing
    `secret`, this once only. Deleting the token later deletes its endpoints."""
    body = _body()
    token = auth.current_token()
    try:
        created = endpoints.create_endpoint(
            body["url"],
            body.get("events"),
            token.unit,
            body.get("description", ""),
            token_id=token.id,
            actor_id=f"api-token:{token.id}",
        )
    except TargetError as error:
        raise ApiError(400, "invalid_url", str(error)) from error
    except endpoints.WebhookError as error:
        raise ApiError(400, "invalid_body", str(error)) from error
    return endpoint_json(created.endpoint, created.secret)


@api.operation(
    "DELETE",
    "/webhooks/<lms_api_id:endpoint_id>",
    operation_id="delete_webhook",
    summary="Delete a webhook endpoint",
    scopes=MANAGE,
    tag="webhooks",
    params=(ENDPOINT_ID,),
    status=204,
    errors=(401, 403, 404, 429),
)
def delete_webhook(query: Query, endpoint_id: int):
    """Stop sending to the endpoint; deliveries still waiting are cancelled."""
    token = auth.current_token()
    endpoints.delete_endpoint(_endpoint_or_404(endpoint_id), actor_id=f"api-token:{token.id}")


@api.operation(
    "GET",
    "/webhooks/<lms_api_id:endpoint_id>/deliveries",
    operation_id="list_webhook_deliveries",
    summary="An endpoint's delivery log",
    scopes=MANAGE,
    tag="webhooks",
    params=(ENDPOINT_ID,),
    response="WebhookDelivery",
    many=True,
    errors=(401, 403, 404, 429),
)
def list_webhook_deliveries(query: Query, endpoint_id: int):
    """The endpoint's newest 100 deliveries, newest first: status, attempts, the last answer."""
    deliveries = endpoints.deliveries_of(_endpoint_or_404(endpoint_id).id)
    return _listing([delivery_json(item) for item in deliveries])
