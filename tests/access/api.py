"""Access rules of the JSON API and of the admin's API pages.

The API is opened by bearer tokens only: signed in or not, every role's browser session gets 401
(its tests, with tokens, are tests/test_api_*.py); the OpenAPI document is public. The admin's
pages follow the admin's unit scope: the world has a token of unit A, a live webhook endpoint of
unit B (the world's certificates belong to A's learner, so nothing is ever sent to it) and a
deleted one of A with a failed delivery.
"""

from lms import db
from lms.api import tokens
from lms.api.models import DeliveryStatus, WebhookDelivery
from lms.api.webhooks import endpoints
from tests.access import LOGIN

TOKEN_ONLY = {"*": 401}
ADMIN_PAGE = {"anonymous": LOGIN, "admin": 200, "*": 403}
ADMIN_ACT = {"anonymous": LOGIN, "admin": 302, "*": 403}

ACCESS = {
    "lms.api.openapi_document": ("GET", {"*": 200}),
    # Any other address under /api/v1: JSON 404 for everyone.
    "lms.api.unknown": ("GET", {"*": 404}),
    "lms.api.list_certificates": ("GET", TOKEN_ONLY),
    "lms.api.get_certificate": ("GET", TOKEN_ONLY),
    "lms.api.list_completions": ("GET", TOKEN_ONLY),
    "lms.api.list_hours": ("GET", TOKEN_ONLY),
    "lms.api.get_official_hours": ("GET", TOKEN_ONLY),
    "lms.api.list_webhooks": ("GET", TOKEN_ONLY),
    "lms.api.create_webhook": ("POST", TOKEN_ONLY),
    "lms.api.delete_webhook": ("DELETE", TOKEN_ONLY),
    "lms.api.list_webhook_deliveries": ("GET", TOKEN_ONLY),
    "lms.api_admin.tokens_page": ("GET", ADMIN_PAGE),
    "lms.api_admin.new_token": ("GET", ADMIN_PAGE),
    "lms.api_admin.revoke_token": ("POST", ADMIN_ACT),
    "lms.api_admin.webhooks_page": ("GET", ADMIN_PAGE),
    "lms.api_admin.new_webhook": ("GET", ADMIN_PAGE),
    "lms.api_admin.webhook_page": ("GET", ADMIN_PAGE),
    "lms.api_admin.delete_webhook": ("POST", ADMIN_ACT),
    "lms.api_admin.send_again": ("POST", ADMIN_ACT),
}


def extend_world(world) -> None:
    world["api_token"] = tokens.create(
        "Hệ thống hồ sơ", ["certificates:read"], world["unit_a"]
    ).token
    world["webhook"] = endpoints.create_endpoint(
        "https://8.8.8.8/lms-hook", None, world["unit_b"]
    ).endpoint
    gone = endpoints.create_endpoint("https://8.8.4.4/old", None, world["unit_a"]).endpoint
    failed = WebhookDelivery(
        endpoint_id=gone.id,
        event_id="00000000-0000-4000-8000-000000000000",
        event="certificate.issued",
        payload="{}",
        status=DeliveryStatus.FAILED,
        attempts=8,
    )
    db.session.add(failed)
    endpoints.delete_endpoint(gone)
    world["webhook_delivery"] = failed
    db.session.commit()


def url_args(world) -> dict[str, dict]:
    webhook = {"endpoint_id": world["webhook"].id}
    return {
        "lms.api.unknown": {"rest": "nothing-here"},
        "lms.api.get_certificate": {"serial": "SO-A-2026-00001"},
        "lms.api.get_official_hours": {"official_code": "CC-1"},
        "lms.api.delete_webhook": webhook,
        "lms.api.list_webhook_deliveries": webhook,
        "lms.api_admin.revoke_token": {"token_id": world["api_token"].id},
        "lms.api_admin.webhook_page": webhook,
        "lms.api_admin.delete_webhook": webhook,
        "lms.api_admin.send_again": {"delivery_id": world["webhook_delivery"].id},
    }
