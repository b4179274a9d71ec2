"""API tokens: create one (its secret is shown once and only its SHA-256 is kept), find the token
a request presents, note when it was last used, revoke it, and list the tokens an admin may see.
Services flush and never commit.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from lms import db
from lms.accounts.models import Unit
from lms.accounts.services import ServiceError
from lms.api.models import ApiToken, Scope
from lms.api.webhooks import endpoints
from lms.audit.services import record
from lms.db import utcnow

#: Every token starts so, which makes one easy to spot in a leaked file or a secret scanner.
TOKEN_PREFIX = "lms_"
#: Characters of the token kept in the clear to tell tokens apart ("lms_" and 8 more).
SHOWN_CHARACTERS = 12
NAME_MAX = 100
#: "Last used" is written at most this often, so a busy token costs no write per request.
TOUCH_INTERVAL = timedelta(seconds=60)


class TokenError(ServiceError):
    """A token request that cannot be done; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    #: The whole token: shown to its creator once, never stored.
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_("Give the token a name."))
    if len(name) > NAME_MAX:
        raise TokenError(_("A name has at most %(n)d characters.", n=NAME_MAX))
    return name


def clean_scopes(scopes: list[str]) -> list[str]:
    """The scopes in their canonical order; TokenError for none or an unknown one."""
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = sorted(wanted - set(Scope))
    if unknown:
        raise TokenError(_("Unknown scope: %(s)s.", s=", ".join(unknown)))
    if not wanted:
        raise TokenError(_("Choose at least one scope."))
    return [scope.value for scope in Scope if scope.value in wanted]


def find_by_name(name: str) -> ApiToken | None:
    """The active token called `name`."""
    return db.session.scalar(
        select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )


def create(name: str, scopes: list[str], unit: Unit | None, actor_id: str = "") -> NewToken:
    """A new token for `scopes` on `unit`'s subtree (the whole tree when None)."""
    name = clean_name(name)
    scopes = clean_scopes(scopes)
    if find_by_name(name) is not None:
        raise TokenError(_("An active token is already called %(n)s.", n=name))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        prefix=secret[:SHOWN_CHARACTERS],
        secret_hash=digest(secret),
        scopes=" ".join(scopes),
        unit_id=unit.id if unit is not None else None,
        created_at=utcnow(),
        created_by=actor_id,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api_token.create",
        "api_token",
        token.id,
        after={"name": name, "scopes": scopes, "unit": unit.code if unit else None},
        actor_id=actor_id,
    )
    return NewToken(token, secret)


def find_active(secret: str) -> ApiToken | None:
    """The unrevoked token whose secret this is, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.secret_hash == digest(secret), ApiToken.revoked_at.is_(None)
        )
    )


def touch(token: ApiToken, now: datetime | None = None) -> None:
    """Note that the token was used, unless that was noted less than a minute ago."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    token.last_used_at = now


def revoke(token: ApiToken, actor_id: str = "") -> None:
    """Revoke a token at once; the webhook endpoints it created stop receiving events."""
    if token.revoked_at is not None:
        raise TokenError(_("This token is already revoked."))
    token.revoked_at = utcnow()
    token.revoked_by = actor_id
    stopped = endpoints.stop_endpoints_of_token(token.id, actor_id)
    db.session.flush()
    record(
        "api_token.revoke",
        "api_token",
        token.id,
        before={"revoked": False},
        after={"revoked": True, "name": token.name, "webhook_endpoints_stopped": stopped},
        actor_id=actor_id,
    )


def find(reference: str) -> ApiToken | None:
    """A token by id, or the active one by name (the command line's way to name one)."""
    reference = reference.strip()
    if reference.isascii() and reference.isdigit() and len(reference) < 10:
        return db.session.get(ApiToken, int(reference))
    return find_by_name(reference)


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def tokens_in_scope(tops: list[Unit]) -> list[ApiToken]:
    """Tokens on units inside the given subtrees (whole-tree tokens only for a root's admin),
    active first, newest first."""
    conditions = [ApiToken.unit_id.in_(subtree_ids(tops))]
    if any(top.parent_id is None for top in tops):
        conditions.append(ApiToken.unit_id.is_(None))
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(or_(*conditions))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def subtree_ids(tops: list[Unit]):
    """SQL: ids of the units in the given subtrees."""
    if not tops:
        return select(Unit.id).where(Unit.id.is_(None))
    return select(Unit.id).where(or_(*(Unit.path.startswith(top.path) for top in tops)))
