"""A view's first read, sent inside the log-in's statement (`sessions.load_account`): one round
trip where there were two, and one statement's worth of SQLAlchemy's Python, on the requests
that do little else (the exam day's autosave, the quiz attempt page).

Two kinds, by what the view answers with:

- a JSON answer draws no menu: its read (`statement`, Core columns) is joined to the log-in as
  a subquery, outer, on true, and the grants are not read along (rows would multiply by them;
  `permissions.current_grants` reads them if something asks);
- a page draws the menu: its read is the ORM's (`attach` adds its entities, outer-joined, to
  the log-in's statement, which keeps the grants), and the ORM puts the objects back together
  from the rows the grants multiply.

Either way a read that finds nothing still logs the person in (no row of the read), and a
log-in that fails reads nothing: the view is not reached. The view still authorises what it
finds (load, then authorise): riding changes when the read runs, not who may see it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_request_context, request
from sqlalchemy import Row, Select, literal, true

from lms.request_cache import request_cache

#: Where `load_account` leaves a ride's rows for the view (`ride_rows`), in the request's memo.
RIDE_ROWS = "login_ride_rows"


@dataclass(frozen=True)
class LoginRide:
    """`params` gives this request's values for the read, or None when it should not ride
    (the view then runs it itself). Then exactly one of: `statement`, the read as Core columns,
    built once (bindparams: `functools.cache`); `attach`, which adds the read's entities to the
    log-in's statement it is given (outer joins only: the log-in must stand without them)."""

    params: Callable[[], dict | None]
    statement: Callable[[], Select] | None = None
    attach: Callable[[Select], Select] | None = None

    @property
    def draws_page(self) -> bool:
        """An ORM read for a page: the log-in keeps reading the grants, for its menu."""
        return self.attach is not None


@dataclass(frozen=True)
class Placement:
    """Where the read sits in the log-in's rows: its columns (`part`) and, for a Core read, the
    column that says the row is one of its own (None on the outer join's empty side)."""

    part: slice
    marker: int | None


def join_to(login: Select, ride: LoginRide, at: int) -> tuple[Select, Placement]:
    """The log-in's statement (whose first `at` columns are its own) with `ride`'s read."""
    if ride.attach is not None:
        return ride.attach(login), Placement(slice(at, None), None)
    read = ride.statement().add_columns(literal(1).label("lms_ride_found")).subquery("ride")
    width = len(read.c) - 1
    placement = Placement(slice(at, at + width), at + width)
    return login.add_columns(*read.c).outerjoin(read, true()), placement


def rows_of(placement: Placement, rows: list[Row]) -> list:
    """The read's own rows among the log-in's (none when it found nothing). An ORM read's
    objects repeat on every grant's row: each comes once, in order."""
    if placement.marker is not None:
        return [row[placement.part] for row in rows if row[placement.marker] is not None]
    found = dict.fromkeys(tuple(row[placement.part]) for row in rows)
    return [objects for objects in found if any(item is not None for item in objects)]


def rides_login(ride: LoginRide):
    """Mark a view whose first read rides in the log-in's statement (`LoginRide`)."""

    def mark(view):
        view.lms_login_ride = ride
        return view

    return mark


def view_mark(name: str, default: object = None) -> object:
    """A mark a decorator set on the view this request goes to (`rides_login`,
    `sessions.loads_profile`); `default` outside a request and for a request that matched no
    view."""
    view = current_app.view_functions.get(request.endpoint or "") if has_request_context() else None
    return getattr(view, name, default)


def view_ride() -> LoginRide | None:
    """The ride of the view this request goes to; None outside a request, for a request that
    matched no view, and for OPTIONS and HEAD (answered without the view's read)."""
    if has_request_context() and request.method in ("OPTIONS", "HEAD"):
        return None
    return view_mark("lms_login_ride")


def keep(ride: LoginRide, params: dict, rows: list) -> None:
    request_cache()[RIDE_ROWS] = (ride, params, rows)


def forget() -> None:
    """Nothing ridden yet in this request (the log-in is about to be read, maybe again)."""
    request_cache().pop(RIDE_ROWS, None)


def ride_rows(ride: LoginRide, params: dict) -> list | None:
    """The rows `ride` read with this request's log-in, when it rode with exactly `params`;
    None when it did not ride (the caller then runs its read itself). A read that found
    nothing gives no row."""
    found = request_cache().get(RIDE_ROWS)
    if found is None or found[0] is not ride or found[1] != params:
        return None
    return found[2]
