"""Cursor pagination: pages in a stable order (a time, then the id), each page ending with an
opaque cursor that names where the next one starts. Walk while `has_more`; keep the last cursor
to ask later for what has been added since (the same cursor comes back while nothing has).

Cursors are signed with the app's secret key (itsdangerous), and carry the operation and a
fingerprint of its filters: a cursor edited, forged, or replayed with other filters is refused
with 400 instead of reading from an arbitrary place. A page is a keyset query ("after this time
and id"), so rows added during a walk never shift the pages still to come: nothing is read twice
or skipped.

Rows newer than LMS_API_SETTLE_SECONDS are not listed yet. A transaction that started earlier
may still commit a row with an earlier time than one already visible; without that margin a
walker who passed the later row would never see the earlier one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from lms import db
from lms.api.errors import ApiError
from lms.db import utcnow

LIMIT_DEFAULT = 50
LIMIT_MAX = 200
CURSOR_MAX = 500
SALT = "lms.api.cursor"


@dataclass(frozen=True)
class Keyset:
    """The order of a list: a time column, then a unique tiebreaker (the id)."""

    time: InstrumentedAttribute
    tiebreaker: InstrumentedAttribute


@dataclass(frozen=True)
class PageRequest:
    """What the caller asked of a paged operation (read by the registry from the query)."""

    operation: str
    #: Digest of the operation's filters: a cursor is valid only with the same ones.
    fingerprint: str
    limit: int
    cursor: str | None


@dataclass(frozen=True)
class Page:
    rows: list
    #: Where the next page starts: after this page's last row (or where this one started, when
    #: it is empty), so a caller can also come back later for what is new. None: no rows yet.
    next_cursor: str | None
    #: More rows are there now: ask again at once with `next_cursor`.
    has_more: bool


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _invalid_cursor() -> ApiError:
    return ApiError(
        400,
        "invalid_cursor",
        _("The cursor is invalid, or belongs to another query; start again without one."),
        parameter="cursor",
    )


def encode(request: PageRequest, time: datetime, tiebreaker: object) -> str:
    return _serializer().dumps(
        [request.operation, request.fingerprint, time.isoformat(), tiebreaker]
    )


def decode(request: PageRequest) -> tuple[datetime, object] | None:
    """The position after which the page starts; None for the first page."""
    if request.cursor is None:
        return None
    if len(request.cursor) > CURSOR_MAX:
        raise _invalid_cursor()
    try:
        operation, fingerprint, time, tiebreaker = _serializer().loads(request.cursor)
        moment = datetime.fromisoformat(time)
    except (BadSignature, ValueError, TypeError) as error:
        raise _invalid_cursor() from error
    if (operation, fingerprint) != (request.operation, request.fingerprint):
        raise _invalid_cursor()
    if moment.tzinfo is None or not isinstance(tiebreaker, int | str):
        raise _invalid_cursor()
    return moment, tiebreaker


def settled_before() -> datetime:
    """Rows at or after this moment are too new to list."""
    return utcnow() - timedelta(seconds=float(current_app.config["LMS_API_SETTLE_SECONDS"]))


def paginate(query: Select, keyset: Keyset, request: PageRequest) -> Page:
    """One page of `query` (whose first selected entity or column carries the keyset)."""
    query = query.where(keyset.time < settled_before())
    position = decode(request)
    if position is not None:
        time, tiebreaker = position
        query = query.where(
            or_(keyset.time > time, and_(keyset.time == time, keyset.tiebreaker > tiebreaker))
        )
    query = query.order_by(keyset.time, keyset.tiebreaker).limit(request.limit + 1)
    rows: Sequence = db.session.execute(query).all()
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    if not rows:
        return Page([], request.cursor, False)
    last = rows[-1]
    cursor = encode(request, _value(last, keyset.time), _value(last, keyset.tiebreaker))
    return Page(list(rows), cursor, has_more)


def _value(row, column: InstrumentedAttribute):
    """The keyset column's value in a result row (of entities or of labelled columns)."""
    entity = row[0]
    if isinstance(entity, column.class_):
        return getattr(entity, column.key)
    return row._mapping[column]
