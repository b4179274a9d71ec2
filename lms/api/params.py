"""The query parameters API operations share: how each is read and how the OpenAPI document
describes it (both from the same `Param`)."""

import re
from datetime import date

from flask_babel import gettext as _

from lms.accounts.services import find_unit
from lms.api import auth
from lms.api.registry import Param, ParamError
from lms.routing import IdConverter, parse_id

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODE_MAX = 32
#: Unit and class codes, as their services allow them.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
#: Official codes are free text: no control character, no space at either end.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\s]([^\x00-\x1f\x7f-\x9f]*[^\x00-\x1f\x7f-\x9f\s])?$"


#: Dates a period may name: the years a training record can hold. Beyond them, turning a local
#: day into UTC moments would overflow Python's datetime (year 1 or 9999) into a 500.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2999, 12, 31)


def _date(text: str) -> date:
    try:
        if not DATE_RE.match(text):
            raise ValueError(text)
        value = date.fromisoformat(text)
    except ValueError as error:
        raise ParamError(_("write a date as YYYY-MM-DD, e.g. 2026-12-31.")) from error
    if not DATE_MIN <= value <= DATE_MAX:
        raise ParamError(_("give a date between 1900 and 2999."))
    return value


def _code(text: str) -> str:
    """A unit or class code: letters, digits, dots, dashes and underscores."""
    if not re.fullmatch(CODE_PATTERN, text):
        raise ParamError(
            _("a code has 1 to %(n)d letters, digits, dots, dashes or underscores.", n=CODE_MAX)
        )
    return text


def _text(text: str) -> str:
    """An official code: 1 to CODE_MAX characters, no control character or edge space."""
    if len(text) > CODE_MAX or not re.fullmatch(TEXT_PATTERN, text):
        raise ParamError(
            _("give a code of 1 to %(n)d characters without control characters.", n=CODE_MAX)
        )
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
    return Param(name, description, {"type": "string", "pattern": CODE_PATTERN}, _code)


def text_param(name: str, description: str) -> Param:
    schema = {"type": "string", "maxLength": CODE_MAX, "pattern": TEXT_PATTERN}
    return Param(name, description, schema, _text)


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
    {"type": "string", "pattern": CODE_PATTERN},
    _unit,
)
OFFICIAL_CODE = text_param("official_code", "An official's code (mã CBCCVC).")
CLASS_CODE = code_param("class", "A class code.")
FROM = date_param("from", "First day of the period (YYYY-MM-DD, local time), included.")
TO = date_param("to", "Last day of the period (YYYY-MM-DD, local time), included.")


def path_param(name: str, description: str, schema: dict) -> Param:
    return Param(name, description, schema, location="path", required=True)


#: The converter's name in the host's URL map.
ID_CONVERTER = "lms_api_id"


class ApiIdConverter(IdConverter):
    """`<lms_api_id:x>`: digits read as an id like `lms_id`, except that a number outside 1 to
    ID_MAX reads as 0, which names no row: the operation then answers its own JSON 404 (the
    `lms_id` converter's 404 is raised while routing, where only the app's HTML page answers).
    """

    def to_python(self, value: str) -> int:
        return parse_id(value) or 0
