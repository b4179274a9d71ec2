"""What the API answers, twice in one place: the JSON Schema of each object (for the OpenAPI
document) beside the function that builds it, so the two are read and changed together.
"""

import json
from datetime import UTC, date, datetime
from fractions import Fraction

from lms.api.models import WebhookDelivery, WebhookEndpoint
from lms.certificates.services import status_of

#: Minutes of a training period (tiết).
PERIOD_MINUTES = 45


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def hours(periods: int) -> float:
    """Clock hours of a number of 45-minute periods."""
    return float(Fraction(periods * PERIOD_MINUTES, 60))


def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return schema | {"type": [kind, "null"]}


STRING = {"type": "string"}
TIMESTAMP = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
UNIT = {
    "type": ["object", "null"],
    "required": ["code", "name"],
    "properties": {"code": STRING, "name": STRING},
    "description": "The official's unit now (null when they have none).",
}
OFFICIAL = {
    "type": "object",
    "required": ["official_code", "full_name", "unit"],
    "properties": {
        "official_code": _nullable(STRING | {"description": "Mã CBCCVC."}),
        "full_name": STRING,
        "unit": UNIT,
    },
}


def official_json(row) -> dict:
    unit = {"code": row.unit_code, "name": row.unit_name} if row.unit_code else None
    return {"official_code": row.official_code, "full_name": row.full_name, "unit": unit}


# --- certificates ---------------------------------------------------------------------------------

CERTIFICATE = {
    "type": "object",
    "required": [
        "serial",
        "status",
        "issued_at",
        "expires_at",
        "revoked",
        "replaces",
        "replaced_by",
        "official",
        "class",
        "course_title",
        "periods",
        "hours",
        "verify_url",
        "pdf_sha256",
        "signed",
    ],
    "properties": {
        "serial": STRING,
        "status": {"type": "string", "enum": ["valid", "revoked", "expired", "replaced"]},
        "issued_at": TIMESTAMP,
        "expires_at": _nullable(TIMESTAMP),
        "revoked": {
            "type": ["object", "null"],
            "required": ["at", "reason"],
            "properties": {"at": TIMESTAMP, "reason": STRING},
        },
        "replaces": _nullable(STRING | {"description": "Serial this certificate replaced."}),
        "replaced_by": _nullable(STRING | {"description": "Serial that replaced this one."}),
        "official": OFFICIAL,
        "class": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {"code": STRING, "name": STRING},
        },
        "course_title": STRING,
        "periods": {"type": "integer", "description": "Training periods (tiết) of 45 minutes."},
        "hours": {"type": "number", "description": "The periods in clock hours."},
        "verify_url": _nullable(STRING),
        "pdf_sha256": STRING,
        "signed": {
            "type": "object",
            "description": "The facts as printed, signed with Ed25519: verify `signature` over "
            "`snapshot` serialized as UTF-8 JSON with sorted keys and no whitespace, with the "
            "key `key_id` of /verify/keys.json.",
            "required": ["snapshot", "signature", "key_id"],
            "properties": {
                "snapshot": {"type": "object"},
                "signature": STRING,
                "key_id": STRING,
            },
        },
    },
}


def certificate_json(row) -> dict:
    certificate = row[0]
    snapshot = json.loads(certificate.snapshot_json)
    revoked = None
    if certificate.revoked_at is not None:
        revoked = {"at": timestamp(certificate.revoked_at), "reason": certificate.revoke_reason}
    periods = int(snapshot.get("hours") or 0)
    return {
        "serial": certificate.serial,
        "status": status_of(certificate),
        "issued_at": timestamp(certificate.issued_at),
        "expires_at": timestamp(certificate.expires_at),
        "revoked": revoked,
        "replaces": row.replaces,
        "replaced_by": row.replaced_by,
        "official": official_json(row),
        "class": {"code": row.class_code, "name": row.class_name},
        "course_title": snapshot.get("course_title", ""),
        "periods": periods,
        "hours": hours(periods),
        "verify_url": snapshot.get("verify_url"),
        "pdf_sha256": certificate.pdf_sha256,
        "signed": {
            "snapshot": snapshot,
            "signature": certificate.signature,
            "key_id": certificate.key_id,
        },
    }


# --- completions and training periods ------------------------------------------------------------

COMPLETION = {
    "type": "object",
    "required": [
        "id",
        "official",
        "class",
        "course",
        "periods",
        "hours",
        "completed_at",
        "certificate_serial",
    ],
    "properties": {
        "id": {"type": "integer"},
        "official": OFFICIAL,
        "class": {
            "type": "object",
            "required": ["code", "name", "starts_on", "ends_on"],
            "properties": {
                "code": STRING,
                "name": STRING,
                "starts_on": _nullable(DATE),
                "ends_on": _nullable(DATE),
            },
        },
        "course": {
            "type": "object",
            "required": ["slug", "title", "topic"],
            "properties": {"slug": STRING, "title": STRING, "topic": STRING},
        },
        "periods": {"type": "integer", "description": "Training periods (tiết) of 45 minutes."},
        "hours": {"type": "number", "description": "The periods in clock hours."},
        "completed_at": TIMESTAMP,
        "certificate_serial": _nullable(STRING | {"description": "The current certificate."}),
    },
}


def completion_json(row) -> dict:
    completion = row[0]
    return {
        "id": completion.id,
        "official": official_json(row),
        "class": {
            "code": row.class_code,
            "name": row.class_name,
            "starts_on": day(row.starts_on),
            "ends_on": day(row.ends_on),
        },
        "course": {"slug": row.course_slug, "title": row.course_title, "topic": row.course_topic},
        "periods": row.periods,
        "hours": hours(row.periods),
        "completed_at": timestamp(completion.completed_at),
        "certificate_serial": row.certificate_serial,
    }


OFFICIAL_HOURS = {
    "type": "object",
    "required": ["official", "from", "to", "classes_completed", "periods", "hours"],
    "properties": {
        "official": OFFICIAL,
        "from": DATE,
        "to": DATE,
        "classes_completed": {"type": "integer"},
        "periods": {"type": "integer", "description": "Training periods (tiết) in the period."},
        "hours": {"type": "number", "description": "The periods in clock hours."},
    },
}
OFFICIAL_RECORD = {
    "type": "object",
    "required": [*OFFICIAL_HOURS["required"], "completions"],
    "properties": OFFICIAL_HOURS["properties"]
    | {"completions": {"type": "array", "items": {"$ref": "#/components/schemas/Completion"}}},
}


def official_hours_json(official: dict, period: tuple[date, date], totals: tuple) -> dict:
    count, periods = totals
    return {
        "official": official,
        "from": day(period[0]),
        "to": day(period[1]),
        "classes_completed": count,
        "periods": periods,
        "hours": hours(periods),
    }


# --- webhooks ------------------------------------------------------------------------------------

EVENT_NAMES = ["certificate.issued", "certificate.revoked"]
WEBHOOK_ENDPOINT = {
    "type": "object",
    "required": ["id", "url", "description", "events", "unit", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "url": STRING,
        "description": STRING,
        "events": {"type": "array", "items": {"type": "string", "enum": EVENT_NAMES}},
        "unit": _nullable(STRING | {"description": "Code of the unit whose events it gets."}),
        "created_at": TIMESTAMP,
    },
}
NEW_WEBHOOK_ENDPOINT = {
    "type": "object",
    "required": [*WEBHOOK_ENDPOINT["required"], "secret"],
    "properties": WEBHOOK_ENDPOINT["properties"]
    | {"secret": STRING | {"description": "The signing secret. Shown this once only."}},
}
WEBHOOK_ENDPOINT_INPUT = {
    "type": "object",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {
        "url": STRING | {"maxLength": 2000, "description": "An https address with a public host."},
        "events": {
            "type": "array",
            "items": {"type": "string", "enum": EVENT_NAMES},
            "description": "Events to receive (default: all).",
        },
        "description": STRING | {"maxLength": 255},
    },
}


def endpoint_json(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    body = {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.event_list,
        "unit": endpoint.unit.code if endpoint.unit else None,
        "created_at": timestamp(endpoint.created_at),
    }
    if secret is not None:
        body["secret"] = secret
    return body


WEBHOOK_DELIVERY = {
    "type": "object",
    "required": [
        "id",
        "event",
        "event_id",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "event": {"type": "string", "enum": EVENT_NAMES},
        "event_id": STRING,
        "status": {"type": "string", "enum": ["pending", "delivered", "failed", "cancelled"]},
        "attempts": {"type": "integer"},
        "created_at": TIMESTAMP,
        "next_attempt_at": _nullable(TIMESTAMP),
        "last_attempt_at": _nullable(TIMESTAMP),
        "last_status_code": {"type": ["integer", "null"]},
        "last_error": STRING,
        "delivered_at": _nullable(TIMESTAMP),
    },
}


def delivery_json(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.id,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": timestamp(delivery.created_at),
        "next_attempt_at": timestamp(delivery.next_attempt_at)
        if delivery.status == "pending"
        else None,
        "last_attempt_at": timestamp(delivery.last_attempt_at),
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": timestamp(delivery.delivered_at),
    }


WEBHOOK_EVENT = {
    "type": "object",
    "required": ["id", "type", "created_at", "data"],
    "properties": {
        "id": STRING | {"description": "The event's id: drop an event already received."},
        "type": {"type": "string", "enum": EVENT_NAMES},
        "created_at": TIMESTAMP,
        "data": {
            "type": "object",
            "required": ["certificate"],
            "properties": {"certificate": {"$ref": "#/components/schemas/Certificate"}},
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": STRING | {"description": "Stable, for programs: e.g. invalid_parameter."},
                "message": STRING | {"description": "For people, in the Accept-Language."},
                "parameter": STRING | {"description": "The query parameter at fault, if any."},
            },
        }
    },
}

#: Components of the OpenAPI document, by name.
SCHEMAS = {
    "Certificate": CERTIFICATE,
    "Completion": COMPLETION,
    "OfficialHours": OFFICIAL_HOURS,
    "OfficialRecord": OFFICIAL_RECORD,
    "WebhookEndpoint": WEBHOOK_ENDPOINT,
    "NewWebhookEndpoint": NEW_WEBHOOK_ENDPOINT,
    "WebhookEndpointInput": WEBHOOK_ENDPOINT_INPUT,
    "WebhookDelivery": WEBHOOK_DELIVERY,
    "WebhookEvent": WEBHOOK_EVENT,
    "Error": ERROR,
}
