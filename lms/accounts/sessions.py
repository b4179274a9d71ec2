"""Server-side log-in sessions of the standalone host: one `LoginSession` row per log-in, found
through the random id the signed cookie carries. Log-out deletes the row, so a copied cookie dies
with it; a session also ends after LMS_SESSION_IDLE_MINUTES without a request, and
LMS_SESSION_MAX_HOURS after log-in in any case.
"""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, has_request_context, request
from sqlalchemy import Select, String, bindparam, cast, delete, or_, select, update

from lms import db
from lms.accounts.models import Account, LearnerProfile, LoginSession, RoleGrant
from lms.db import utcnow
from lms.request_cache import request_cache

#: Key of the log-in's random id in the signed cookie.
LOGIN_SESSION_KEY = "lms_login_session"
#: "Last seen" is written at most this often (or every half idle period, if shorter), so a
#: busy page costs no write; the idle limit is thus honoured to within this interval.
TOUCH_INTERVAL = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["LMS_SESSION_IDLE_MINUTES"])


def _touch_interval() -> timedelta:
    return min(TOUCH_INTERVAL, _idle() / 2)


def start(account_id: int, user_agent: str = "") -> str:
    """Record a new log-in of the account and return the random id its cookie carries.

    Sessions that have ended (any account's) are removed on the way: log-ins keep the table small.
    """
    now = utcnow()
    db.session.execute(
        delete(LoginSession).where(
            or_(LoginSession.expires_at <= now, LoginSession.last_seen_at <= now - _idle())
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            id=_digest(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=current_app.config["LMS_SESSION_MAX_HOURS"]),
            user_agent=(user_agent or "")[:255],
        )
    )
    db.session.flush()
    return token


def loads_profile(view):
    """Mark a view that reads the person's learner profile on every visit (the home page, say):
    on its requests the log-in query brings the profile along, saving a round trip. Every other
    page is spared the profile's columns, which cost Python time on each request."""
    view.lms_loads_profile = True
    return view


def _view_loads_profile() -> bool:
    view = current_app.view_functions.get(request.endpoint or "") if has_request_context() else None
    return getattr(view, "lms_loads_profile", False)


@functools.cache
def _account_statement(with_profile: bool) -> Select:
    """`load_account`'s statement, built once per shape: every logged-in request runs it, and
    building it anew (columns, joins, comparisons) cost about as much as running it on SQLite."""
    query = (
        select(Account, LoginSession.last_seen_at, RoleGrant)
        .join(LoginSession, LoginSession.account_id == Account.id)
        .outerjoin(RoleGrant, RoleGrant.user_id == cast(Account.id, String))
    )
    if with_profile:
        query = query.add_columns(LearnerProfile).outerjoin(
            LearnerProfile, LearnerProfile.user_id == cast(Account.id, String)
        )
    return query.where(
        Account.id == bindparam("account_id"),
        Account.active.is_(True),
        Account.session_version == bindparam("version"),
        LoginSession.id == bindparam("digest"),
        LoginSession.expires_at > bindparam("now"),
        LoginSession.last_seen_at > bindparam("idle_since"),
    ).order_by(RoleGrant.id)


def load_account(user_id: str, token: object, version: object) -> Account | None:
    """The active account of a live log-in session, in one query (the account joined to its
    session row, its role grants and its learner profile); None when the session was ended, has
    expired, or the account's session version moved on (password changed, account disabled).

    The grants come along because every page's menu needs them: loaded here, they fill the
    per-request memo `permissions.current_grants` reads, saving a round trip on every page. The
    profile comes along for the views marked `loads_profile` (the home page first): loaded
    here, it sits in the session's identity map, where `ensure_profile` finds it without a query.
    """
    if not user_id.isdigit() or not isinstance(token, str) or not isinstance(version, int):
        return None
    now = utcnow()
    with_profile = _view_loads_profile()
    rows = db.session.execute(
        _account_statement(with_profile),
        {
            "account_id": int(user_id),
            "version": version,
            "digest": _digest(token),
            "now": now,
            "idle_since": now - _idle(),
        },
    ).all()
    if not rows:
        return None
    account, last_seen = rows[0][0], rows[0][1]
    # The memo is this request's alone (flask.g), so no other user's grants can leak into it.
    request_cache()["grants"] = [row[2] for row in rows if row[2] is not None]
    if with_profile:
        # Held for the request: the identity map keeps objects only while something refers to them.
        request_cache()["profile"] = rows[0][3]
    if now - last_seen >= _touch_interval():
        # Written when the request commits (`write_last_seen`), not now: on SQLite the first
        # write takes the database's one write lock until the commit, so a page that only reads
        # would hold it for its whole rendering, queueing every other writer (an autosave, the
        # rate limiter's own transaction) behind it.
        g.lms_last_seen = (token, now)
    return account


def write_last_seen() -> None:
    """Record the "last seen" time `load_account` found due, as the request's last statement."""
    pending = g.pop("lms_last_seen", None)
    if pending is not None:
        token, now = pending
        db.session.execute(
            update(LoginSession).where(LoginSession.id == _digest(token)).values(last_seen_at=now)
        )


def end(token: object) -> None:
    """End one log-in session (log-out); an unknown or missing id changes nothing."""
    if isinstance(token, str):
        db.session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def end_all(account_id: int, keep: object = None) -> int:
    """End every log-in session of the account (but `keep`, if given); returns how many ended."""
    query = delete(LoginSession).where(LoginSession.account_id == account_id)
    if isinstance(keep, str):
        query = query.where(LoginSession.id != _digest(keep))
    return db.session.execute(query).rowcount
