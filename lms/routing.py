"""What a request may carry as an id: whole numbers bounded to the database's INTEGER range, read
by one URL converter (`<lms_id:quiz_id>`), one query-argument parser and one form-field coercion,
so a hand-edited address or form gets a 404, a 400 with a message or a form error, never a query
the database refuses.
"""

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from lms.errors import BadArgument

#: The largest value of an INTEGER column on PostgreSQL: every id, position and number we store.
ID_MAX = 2**31 - 1
#: The converter's name in the host's URL map (namespaced, so a host's own converters stay theirs).
CONVERTER = "lms_id"


class IdConverter(IntegerConverter):
    """A path part holding an id (or a position, a version number): 1 to ID_MAX, else 404.

    Not found outright, rather than "this rule does not match": Werkzeug would then answer 405
    when another method's rule has the same path, and no such address names anything anyway.
    """

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise NotFound()
        return number


def parse_id(text: str) -> int | None:
    """`text` as a whole number from 1 to ID_MAX, or None when it cannot be one.

    ASCII digits only: `str.isdigit()` also admits "²", which `int()` then refuses.
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None


def coerce_id(value: object) -> int:
    """The `coerce=` of form fields posting ids: ValueError (a form error) for anything else."""
    number = value if isinstance(value, int) else parse_id(str(value))
    if number is None or not 1 <= number <= ID_MAX:
        raise ValueError(f"not an id: {value!r}")
    return number


def query_int(name: str, default: int | None = None) -> int | None:
    """Query argument `name` as a whole number from 1 to ID_MAX; `default` when absent or empty.

    Anything else (letters, zero, a number past the range) answers 400 with a message naming the
    argument.
    """
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    value = parse_id(raw)
    if value is None:
        raise BadArgument(_("The address has an invalid value for “%(name)s”.", name=name))
    return value
