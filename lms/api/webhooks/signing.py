"""Webhook signatures and the endpoint secrets behind them.

Every delivery carries `X-LMS-Timestamp` (Unix seconds when it was sent) and `X-LMS-Signature`
(`sha256=` and the hex HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot and
the raw body). A receiver recomputes it, compares in constant time and refuses a timestamp older
than a few minutes, so a captured delivery cannot be replayed later (README, "Webhooks").

The secret is shown once, when the endpoint is created. It must stay readable to sign, so it is
stored encrypted (Fernet) with a key derived from the app's SECRET_KEY: a copy of the database
alone does not give it away. Changing SECRET_KEY makes the stored secrets unreadable; the
delivery log then says so, and the endpoints must be created again.
"""

import base64
import hashlib
import hmac
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

SECRET_PREFIX = "whsec_"
TIMESTAMP_HEADER = "X-LMS-Timestamp"
SIGNATURE_HEADER = "X-LMS-Signature"
EVENT_HEADER = "X-LMS-Event"
EVENT_ID_HEADER = "X-LMS-Event-Id"


class SecretUnreadable(RuntimeError):
    """The stored secret no longer decrypts (SECRET_KEY changed)."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet() -> Fernet:
    key = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), b"lms.webhook-secrets", hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("the endpoint's secret cannot be decrypted") from error


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str, body: bytes, event: str, event_id: str) -> dict[str, str]:
    """The headers of one delivery attempt, signed now."""
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "lms-cchc-webhooks/1",
        EVENT_HEADER: event,
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
