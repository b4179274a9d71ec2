"""The read operations of the API: certificates, completions and training periods. Each view
turns its parsed query into filters, asks `services` for one page and shapes it with `schemas`;
authentication, scopes, parameters and errors are the registry's."""

from flask_babel import gettext as _

from lms.api import (
    auth,
    openapi,  # noqa: F401 (its route joins bp)
    services,
)
from lms.api.blueprint import api, bp
from lms.api.errors import ApiError
from lms.api.models import Scope
from lms.api.params import CLASS_CODE, FROM, OFFICIAL_CODE, TO, UNIT, date_param, path_param
from lms.api.params import choice_param as choice
from lms.api.registry import Query
from lms.api.schemas import (
    certificate_json,
    completion_json,
    official_hours_json,
    official_json,
)
from lms.api.webhooks import views as webhook_views  # noqa: F401 (its operations join bp)
from lms.certificates.serials import looks_like_serial

__all__ = ["bp"]

CERTIFICATES = (Scope.CERTIFICATES_READ.value,)
RECORDS = (Scope.RECORDS_READ.value,)
LIST_ERRORS = (400, 401, 403, 429)
ONE_ERRORS = (400, 401, 403, 404, 429)


def _filters(query: Query) -> services.Filters:
    starts_on, ends_on = query.get("from"), query.get("to")
    if starts_on and ends_on and starts_on > ends_on:
        raise ApiError(
            400, "invalid_parameter", _("“from” must not be after “to”."), parameter="from"
        )
    return services.Filters(
        scope=auth.current_token().unit,
        unit=query.get("unit"),
        official_code=query.get("official_code"),
        starts_on=starts_on,
        ends_on=ends_on,
        class_code=query.get("class"),
    )


def _period(query: Query) -> tuple:
    """The asked period, this calendar year by default (either end may be given alone)."""
    first, last = services.default_period()
    starts_on, ends_on = query.get("from") or first, query.get("to") or last
    if starts_on > ends_on:
        raise ApiError(
            400, "invalid_parameter", _("“from” must not be after “to”."), parameter="from"
        )
    return starts_on, ends_on


def _page(page: services.Page, shape) -> dict:
    return {
        "data": [shape(row) for row in page.rows],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }


@api.operation(
    "GET",
    "/certificates",
    operation_id="list_certificates",
    summary="Certificates of the token's officials",
    scopes=CERTIFICATES,
    tag="certificates",
    params=(
        UNIT,
        OFFICIAL_CODE,
        CLASS_CODE,
        date_param("from", "Issued on or after this day (YYYY-MM-DD, local time)."),
        date_param("to", "Issued on or before this day (YYYY-MM-DD, local time)."),
        choice("status", "Only certificates in this status now.", services.STATUSES),
        date_param("revoked_from", "Only certificates revoked on or after this day."),
        date_param("revoked_to", "Only certificates revoked on or before this day."),
    ),
    response="Certificate",
    paginated=True,
    errors=LIST_ERRORS,
)
def list_certificates(query: Query):
    """Certificates of officials in the token's unit subtree, oldest issue first, each with its
    status now (valid, revoked with date and reason, expired, replaced by another serial) and
    the signed snapshot of what it printed. Walk the pages with `next_cursor`; to learn of
    revocations without webhooks, ask with `revoked_from`."""
    revoked_from, revoked_to = query.get("revoked_from"), query.get("revoked_to")
    if revoked_from and revoked_to and revoked_from > revoked_to:
        raise ApiError(
            400,
            "invalid_parameter",
            _("“revoked_from” must not be after “revoked_to”."),
            parameter="revoked_from",
        )
    page = services.certificates_page(
        _filters(query), query.page, query.get("status"), revoked_from, revoked_to
    )
    return _page(page, certificate_json)


@api.operation(
    "GET",
    "/certificates/<serial>",
    operation_id="get_certificate",
    summary="One certificate by serial",
    scopes=CERTIFICATES,
    tag="certificates",
    params=(path_param("serial", "The serial number, e.g. SNV-2026-00042.", {"type": "string"}),),
    response="Certificate",
    errors=ONE_ERRORS,
)
def get_certificate(query: Query, serial: str):
    """A certificate of an official in the token's unit subtree (404 for any other)."""
    row = None
    if looks_like_serial(serial):
        row = services.certificate_row(serial, auth.current_token().unit)
    if row is None:
        raise ApiError(404, "not_found", _("No certificate with this serial."))
    return certificate_json(row)


@api.operation(
    "GET",
    "/completions",
    operation_id="list_completions",
    summary="Classes completed by the token's officials",
    scopes=RECORDS,
    tag="records",
    params=(UNIT, OFFICIAL_CODE, CLASS_CODE, FROM, TO),
    response="Completion",
    paginated=True,
    errors=LIST_ERRORS,
)
def list_completions(query: Query):
    """Each class an official of the token's unit subtree completed (met every completion rule
    of), in order of completion, with the course's periods and the certificate's serial. `from`
    and `to` bound the day of completion."""
    return _page(services.completions_page(_filters(query), query.page), completion_json)


@api.operation(
    "GET",
    "/hours",
    operation_id="list_hours",
    summary="Training periods per official over a period",
    scopes=RECORDS,
    tag="records",
    params=(UNIT, OFFICIAL_CODE, FROM, TO),
    response="OfficialHours",
    paginated=True,
    errors=LIST_ERRORS,
)
def list_hours(query: Query):
    """Every official of the token's unit subtree (those with nothing completed too) with the
    classes they completed and the periods those count, from `from` to `to` (this calendar year
    by default)."""
    period = _period(query)
    filters = services.Filters(
        scope=auth.current_token().unit,
        unit=query.get("unit"),
        official_code=query.get("official_code"),
    )
    page = services.officials_page(filters, query.page)
    totals = services.period_totals([row.user_id for row in page.rows], *period)

    def shape(row) -> dict:
        return official_hours_json(official_json(row), period, totals.get(row.user_id, (0, 0)))

    return _page(page, shape)


@api.operation(
    "GET",
    "/officials/<official_code>/hours",
    operation_id="get_official_hours",
    summary="One official's training over a period",
    scopes=RECORDS,
    tag="records",
    params=(
        path_param("official_code", "The official's code (mã CBCCVC).", {"type": "string"}),
        FROM,
        TO,
    ),
    response="OfficialRecord",
    errors=ONE_ERRORS,
)
def get_official_hours(query: Query, official_code: str):
    """The classes one official completed from `from` to `to` (this calendar year by default),
    with their total; 404 for an official outside the token's unit subtree."""
    period = _period(query)
    official = services.find_official(official_code.strip(), auth.current_token().unit)
    if official is None:
        raise ApiError(404, "not_found", _("No official with this code."))
    rows = services.completions_of(official.user_id, *period)
    totals = (len(rows), sum(row.periods for row in rows))
    return official_hours_json(official_json(official), period, totals) | {
        "completions": [completion_json(row) for row in rows]
    }
