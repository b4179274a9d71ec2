"""Server-side log-in sessions of the standalone host: one `LoginSession` row per log-in, found
through the random id the signed cookie carries. Log-out deletes the row, so a copied cookie dies
with it; a session also ends after LMS_SESSION_IDLE_MINUTES without a request, and
LMS_SESSION_MAX_HOURS after log-in in any case.
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import Select, String, bindparam, cast, delete, or_, select, update
from werkzeug.exceptions import HTTPException

from lms import db
from lms.accounts import login_rides
from lms.accounts.login_rides import LoginRide
from lms.accounts.models import Account, LearnerProfile, LoginSession, RoleGrant, Unit
from lms.db import utcnow
from lms.request_cache import request_cache
from lms.rows import MappedColumns

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
    return login_rides.view_mark("lms_loads_profile", False)


@dataclass(frozen=True)
class _LoginRead:
    """`load_account`'s statement, and where in its rows each object's columns are: the
    account, the session's "last seen", a grant and its unit (a row per grant) unless a view's
    read rides along, for `loads_profile` views the profile and its unit, and last the riding
    read's columns (`ride`, a row per row it reads)."""

    statement: Select
    parts: dict[str, tuple[MappedColumns, slice]]
    last_seen: int
    ride: login_rides.Placement | None = None


@functools.cache
def _login_read(with_profile: bool, ride: LoginRide | None = None) -> _LoginRead:
    """Built once per shape: every logged-in request runs it. Core rows of the tables' columns,
    made into the session's objects by `MappedColumns.build` (`lms.rows`), without the ORM's
    loading machinery."""
    accounts, sessions, grants = Account.__table__, LoginSession.__table__, RoleGrant.__table__
    grant_units, profiles = Unit.__table__.alias("grant_unit"), LearnerProfile.__table__
    profile_units = Unit.__table__.alias("profile_unit")
    objects = {"account": MappedColumns.of(Account)}
    with_grants = ride is None or ride.draws_page
    if with_grants:
        objects["grant"] = MappedColumns.of(RoleGrant)
        objects["grant_unit"] = MappedColumns.of(Unit, grant_units)
    if with_profile:
        objects["profile"] = MappedColumns.of(LearnerProfile)
        objects["profile_unit"] = MappedColumns.of(Unit, profile_units)
    # The account's columns, "last seen", then each other object's columns, in that order.
    parts, at = {}, len(objects["account"]) + 1
    parts["account"] = (objects["account"], slice(0, at - 1))
    for name, columns in list(objects.items())[1:]:
        parts[name] = (columns, slice(at, at + len(columns)))
        at += len(columns)
    query = select(
        *objects["account"].columns,
        sessions.c.last_seen_at,
        *(column for name in list(objects)[1:] for column in objects[name].columns),
    ).join(sessions, sessions.c.account_id == accounts.c.id)
    if with_grants:
        query = (
            query.outerjoin(grants, grants.c.user_id == cast(accounts.c.id, String))
            .outerjoin(grant_units, grant_units.c.id == grants.c.unit_id)
            .order_by(grants.c.id)
        )
    if with_profile:
        query = query.outerjoin(
            profiles, profiles.c.user_id == cast(accounts.c.id, String)
        ).outerjoin(profile_units, profile_units.c.id == profiles.c.unit_id)
    placement = None
    if ride is not None:
        query, placement = login_rides.join_to(query, ride, at)
    statement = query.where(
        accounts.c.id == bindparam("account_id"),
        accounts.c.active.is_(True),
        accounts.c.session_version == bindparam("version"),
        sessions.c.id == bindparam("digest"),
        sessions.c.expires_at > bindparam("now"),
        sessions.c.last_seen_at > bindparam("idle_since"),
    )
    return _LoginRead(statement, parts, last_seen=len(objects["account"]), ride=placement)


def _build(read: _LoginRead, name: str, row, **related):
    columns, where = read.parts[name]
    return columns.build(row[where], **related)


def load_account(user_id: str, token: object, version: object) -> Account | None:
    """The active account of a live log-in session, in one query (the account joined to its
    session row, its role grants and its learner profile); None when the session was ended, has
    expired, or the account's session version moved on (password changed, account disabled).

    The grants come along because every page's menu needs them: loaded here, they fill the
    per-request memo `permissions.current_grants` reads, saving a round trip on every page. The
    profile comes along for the views marked `loads_profile` (the home page first): loaded
    here, it sits in the session's identity map, where `ensure_profile` finds it without a query.
    A view marked `rides_login` has its first read run in the same statement (`LoginRide`).
    """
    if not user_id.isdigit() or not isinstance(token, str) or not isinstance(version, int):
        return None
    now = utcnow()
    login_rides.forget()
    ride = login_rides.view_ride()
    try:
        ride_params = None if ride is None else ride.params()
    except HTTPException:
        # The request cannot give the read's values (a body cut short, too large): the view
        # meets the same fault itself, and answers it.
        ride_params = None
    read = _login_read(_view_loads_profile(), ride if ride_params is not None else None)
    params = {
        "account_id": int(user_id),
        "version": version,
        "digest": _digest(token),
        "now": now,
        "idle_since": now - _idle(),
    }
    if ride_params is not None:
        if not params.keys().isdisjoint(ride_params):
            raise ValueError(f"a riding read binds a name of the log-in's: {sorted(ride_params)}")
        params.update(ride_params)
    result = db.session.execute(read.statement, params)
    # An ORM read joins its collections: the same objects on several rows, put back together.
    rows = (result.unique() if ride_params is not None and ride.draws_page else result).all()
    if not rows:
        return None
    first = rows[0]
    account = _build(read, "account", first)
    cache = request_cache()  # this request's alone (flask.g): nothing in it reaches another user
    if read.ride is not None:
        login_rides.keep(ride, ride_params, login_rides.rows_of(read.ride, rows))
    if "grant" in read.parts:
        # One row per grant, beside its unit; a single row of Nones there without any, which
        # builds no grant (its key is None).
        cache["grants"] = [
            grant
            for row in rows
            if (grant := _build(read, "grant", row, unit=_build(read, "grant_unit", row)))
        ]
    if "profile" in read.parts:
        # Held for the request: the identity map keeps objects only while something refers to them.
        cache["profile"] = _build(read, "profile", first, unit=_build(read, "profile_unit", first))
    if now - first[read.last_seen] >= _touch_interval():
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
        # The table, not the mapped class: a mapped UPDATE goes the ORM's bulk way (session
        # synchronisation, a cache key of its own), for a row no object of the request holds.
        # A Core statement does not autoflush: the request's pending changes go first, so this
        # stays its last write.
        db.session.flush()
        sessions = LoginSession.__table__
        db.session.execute(
            update(sessions).where(sessions.c.id == _digest(token)).values(last_seen_at=now)
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
