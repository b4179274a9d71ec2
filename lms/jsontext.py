"""Reading JSON text: with orjson, and with the standard library for what orjson refuses.

A quiz page reads some two dozen JSON values from the database (each question's data and the
learner's response) and a submit about fifty; the standard library's parser took about 3 % of
such a request, orjson a fifth of that. orjson is stricter: it refuses the non-standard NaN and
Infinity the standard library writes by default, and integers beyond 64 bits. Those are read
the old way, so a value stored before (in SQLite, which keeps JSON as text) still reads back.
"""

import json
from typing import Any

import orjson


def loads(text: str | bytes | bytearray | memoryview) -> Any:
    """The value `text` holds; `json.JSONDecodeError` (a ValueError) if it is not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(bytes(text) if isinstance(text, memoryview) else text)
