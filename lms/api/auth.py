"""Who is calling the API: the bearer token of the request, never a session cookie.

A missing, wrong or revoked token gets 401; a token lacking an operation's scope, or asking about
a unit outside its subtree, 403. Each token's calls are counted (LMS_API_LIMIT) in the shared
rate limiter, and so are wrong tokens per client address (LMS_API_BAD_TOKEN_LIMIT): past either
limit the answer is 429 with Retry-After.
"""

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import select, true

from lms.accounts.models import Unit
from lms.api import tokens
from lms.api.errors import ApiError
from lms.api.models import ApiToken
from lms.ratelimit import Limit, rate_limiter

REALM = 'Bearer realm="lms"'


def _limit(key: str) -> Limit:
    return Limit.parse(current_app.config[key])


def _too_many(limit: Limit) -> ApiError:
    # The window started at its first hit, so it ends within its length: a safe wait.
    return ApiError(
        429,
        "rate_limited",
        _("Too many requests. Wait a moment and try again."),
        headers={"Retry-After": str(limit.seconds)},
    )


def _unauthorized(code: str, message: str) -> ApiError:
    header = REALM if code == "unauthorized" else f'{REALM}, error="invalid_token"'
    return ApiError(401, code, message, headers={"WWW-Authenticate": header})


def authenticate() -> ApiToken:
    """The request's active token, counted against its limit; ApiError otherwise."""
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise _unauthorized(
            "unauthorized", _("Send an API token in the header Authorization: Bearer <token>.")
        )
    token = tokens.find_active(credentials)
    if token is None:
        limit = _limit("LMS_API_BAD_TOKEN_LIMIT")
        if not rate_limiter().hit(f"api:bad-token:ip:{request.remote_addr}", limit):
            raise _too_many(limit)
        raise _unauthorized("invalid_token", _("The API token is wrong or has been revoked."))
    limit = _limit("LMS_API_LIMIT")
    if not rate_limiter().hit(f"api:token:{token.id}", limit):
        raise _too_many(limit)
    tokens.touch(token)
    g._lms_api_token = token
    return token


def current_token() -> ApiToken:
    return g._lms_api_token


def require_scopes(token: ApiToken, scopes: tuple[str, ...]) -> None:
    missing = [scope for scope in scopes if scope not in token.scope_list]
    if missing:
        raise ApiError(
            403,
            "insufficient_scope",
            _("This token lacks the scope %(s)s.", s=" ".join(missing)),
            headers={
                "WWW-Authenticate": f'{REALM}, error="insufficient_scope", '
                f'scope="{" ".join(scopes)}"'
            },
        )


def covers(token: ApiToken, unit: Unit | None) -> bool:
    """True when `unit` lies in the token's subtree (people without a unit: whole-tree only)."""
    if token.unit is None:
        return True
    return unit is not None and token.unit.contains(unit)


def out_of_scope(unit: Unit) -> ApiError:
    return ApiError(
        403,
        "unit_out_of_scope",
        _("This token may not read unit %(c)s.", c=unit.code),
        parameter="unit",
    )


def subtree_clause(unit_column, unit: Unit | None):
    """SQL: `unit_column` lies in `unit`'s subtree (any unit, or none, when None)."""
    if unit is None:
        return true()
    return unit_column.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))
