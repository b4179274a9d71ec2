"""The one place API operations are declared: each `@api.operation(...)` adds a Flask route to
the API blueprint *and* the operation's entry in the OpenAPI document, from the same parameter
and schema declarations. So the document cannot drift from what the routes accept.

An operation's route authenticates the bearer token, checks its scopes, counts it against the
token's rate limit, parses the declared query parameters (400 for a bad value, an unknown or a
repeated parameter) and calls the view with them; any `ApiError` becomes the JSON error answer,
in the language of the request's Accept-Language.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, request
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.api import auth
from lms.api.errors import ApiError, api_language, error_response, json_response
from lms.api.pagination import LIMIT_DEFAULT, LIMIT_MAX, PageRequest


class ParamError(ValueError):
    """A query value that cannot be right; the message (translated) says why."""


@dataclass(frozen=True)
class Param:
    """A parameter: its OpenAPI schema, and for query parameters how its text is read."""

    name: str
    description: str
    schema: dict
    #: Text → value; raises ParamError. Path parameters are read by the route's converter.
    parse: Callable[[str], object] | None = None
    location: str = "query"
    required: bool = False
    #: Part of the filters a cursor is bound to (everything but the paging itself).
    filters: bool = True


@dataclass(frozen=True)
class Operation:
    method: str
    #: Flask rule under the API prefix, e.g. "/certificates/<serial>".
    rule: str
    operation_id: str
    summary: str
    description: str
    scopes: tuple[str, ...]
    params: tuple[Param, ...]
    #: Name of the response schema in components (for paged operations: of one item).
    response: str | None
    status: int
    paginated: bool
    #: The answer is a list of `response` items: `{"data": [...], "next_cursor": ...}`.
    many: bool
    request_body: str | None
    errors: tuple[int, ...]
    tag: str

    @property
    def path(self) -> str:
        """The OpenAPI path: `<serial>` and `<lms_id:endpoint_id>` become `{serial}`…"""
        parts = []
        for part in self.rule.split("/"):
            if part.startswith("<") and part.endswith(">"):
                part = "{" + part[1:-1].split(":")[-1] + "}"
            parts.append(part)
        return "/".join(parts)


def _limit(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 4 or not 1 <= int(text) <= LIMIT_MAX:
        raise ParamError(_("Give a whole number from 1 to %(n)d.", n=LIMIT_MAX))
    return int(text)


def _cursor(text: str) -> str:
    return text


LIMIT = Param(
    "limit",
    "Items per page (1–200, default 50).",
    {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
    _limit,
    filters=False,
)
CURSOR = Param(
    "cursor",
    "The `next_cursor` of the previous page; omit it for the first page. Opaque and signed: "
    "a cursor works only with the same filters it was given with.",
    {"type": "string", "maxLength": 500},
    _cursor,
    filters=False,
)


@dataclass
class Query:
    """The parsed query parameters of a request, and the page it asks for."""

    values: dict
    page: PageRequest | None = None

    def get(self, name: str, default=None):
        return self.values.get(name, default)


@dataclass
class ApiRegistry:
    blueprint: Blueprint
    operations: list[Operation] = field(default_factory=list)

    def operation(
        self,
        method: str,
        rule: str,
        *,
        operation_id: str,
        summary: str,
        scopes: tuple[str, ...],
        tag: str,
        params: tuple[Param, ...] = (),
        response: str | None = None,
        status: int = 200,
        paginated: bool = False,
        many: bool = False,
        request_body: str | None = None,
        errors: tuple[int, ...] = (),
    ) -> Callable:
        if paginated:
            params = (*params, LIMIT, CURSOR)

        def decorator(view: Callable) -> Callable:
            operation = Operation(
                method=method,
                rule=rule,
                operation_id=operation_id,
                summary=summary,
                description=" ".join((view.__doc__ or "").split()),
                scopes=scopes,
                params=params,
                response=response,
                status=status,
                paginated=paginated,
                many=many or paginated,
                request_body=request_body,
                errors=errors,
                tag=tag,
            )
            self.operations.append(operation)
            wrapper = _route(operation, view)
            self.blueprint.add_url_rule(rule, operation_id, wrapper, methods=[method])
            return wrapper

        return decorator


def _route(operation: Operation, view: Callable) -> Callable:
    @wraps(view)
    def wrapper(**path_args):
        with force_locale(api_language()):
            try:
                token = auth.authenticate()
                auth.require_scopes(token, operation.scopes)
                query = parse_query(operation)
                result = view(query=query, **path_args)
            except ApiError as error:
                return error_response(error)
        if result is None:
            return "", operation.status
        return json_response(result, operation.status)

    # Declared for tests/test_access.py: a bearer token, never the session cookie, opens it.
    wrapper.lms_access = ("token", operation.scopes)
    wrapper.lms_csrf_exempt = True
    return wrapper


def parse_query(operation: Operation) -> Query:
    """The declared query parameters of this request, read and checked."""
    declared = {param.name: param for param in operation.params if param.location == "query"}
    unknown = sorted(set(request.args) - set(declared))
    if unknown:
        raise ApiError(
            400,
            "unknown_parameter",
            _("Unknown parameter: %(p)s.", p=", ".join(unknown)[:100]),
            parameter=unknown[0][:100],
        )
    values: dict = {}
    raw_filters: dict[str, str] = {}
    for name, param in declared.items():
        given = request.args.getlist(name)
        if len(given) > 1:
            raise ApiError(
                400, "invalid_parameter", _("Give “%(p)s” only once.", p=name), parameter=name
            )
        if not given:
            if param.required:
                raise ApiError(
                    400, "missing_parameter", _("“%(p)s” is required.", p=name), parameter=name
                )
            continue
        try:
            values[name] = param.parse(given[0])
        except ParamError as error:
            raise ApiError(
                400,
                "invalid_parameter",
                _("Invalid value for “%(p)s”: %(m)s", p=name, m=str(error)),
                parameter=name,
            ) from error
        if param.filters:
            raw_filters[name] = given[0]
    page = None
    if operation.paginated:
        fingerprint = hashlib.sha256(json.dumps(raw_filters, sort_keys=True).encode()).hexdigest()[
            :16
        ]
        page = PageRequest(
            operation=operation.operation_id,
            fingerprint=fingerprint,
            limit=values.pop("limit", LIMIT_DEFAULT),
            cursor=values.pop("cursor", None),
        )
    return Query(values, page)
