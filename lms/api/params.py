"""The query parameters API operations share: how each is read and how the OpenAPI document
describes it (both from the same `Param`)."""

import re
from datetime import date

from flask_babel import gettext as _

from lms.accounts.services import find_unit
from lms.api import auth
from lms.api.registry import Param, ParamError

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODE_MAX = 32


def _date(text: str) -> date:
    try:
        if not DATE_RE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as error:
        raise ParamError(_("write a date as YYYY-MM-DD, e.g. 2026-12-31.")) from error


def _code(text: str) -> str:
    """A code as people type it: trimmed, printable, at most CODE_MAX characters."""
    text = text.strip()
    if not text or len(text) > CODE_MAX or not text.isprintable():
        raise ParamError(_("give a code of 1 to %(n)d printable characters.", n=CODE_MAX))
    return text


def _unit(text: str):
    unit = find_unit(_code(text))
    if unit is None:
        raise ParamError(_("there is no unit with this code."))
    if not auth.covers(auth.current_token(), unit):
        raise auth.out_of_scope(unit)
    return unit


def date_param(name: str, description: str) -> Param:
    return Param(name, description, {"type": "string", "format": "date"}, _date)


def code_param(name: str, description: str) -> Param:
    return Param(
        name, description, {"type": "string", "minLength": 1, "maxLength": CODE_MAX}, _code
    )


def choice_param(name: str, description: str, choices: tuple[str, ...]) -> Param:
    def parse(text: str) -> str:
        if text not in choices:
            raise ParamError(_("choose one of %(c)s.", c=", ".join(choices)))
        return text

    return Param(name, description, {"type": "string", "enum": list(choices)}, parse)


UNIT = Param(
    "unit",
    "Code of a unit: only officials of this unit and the units below it. It must lie in the "
    "token's own unit subtree (else 403).",
    {"type": "string", "minLength": 1, "maxLength": CODE_MAX},
    _unit,
)
OFFICIAL_CODE = code_param("official_code", "An official's code (mã CBCCVC).")
CLASS_CODE = code_param("class", "A class code.")
FROM = date_param("from", "First day of the period (YYYY-MM-DD, local time), included.")
TO = date_param("to", "Last day of the period (YYYY-MM-DD, local time), included.")


def path_param(name: str, description: str, schema: dict) -> Param:
    return Param(name, description, schema, location="path", required=True)
