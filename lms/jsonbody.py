"""Reading a JSON request body within bounds, for every view that takes one.

`request.get_json()` trusts Content-Length (a chunked body has none, and is read whole up to
MAX_CONTENT_LENGTH, sized for uploads) and lets a deeply nested document reach the parser's
recursion limit (a 500). Here the body is read from the stream, at most `limit` + 1 bytes, and
anything too big, unreadable or nested deeper than `MAX_DEPTH` is a `BodyError` with a message.
"""

from typing import Any

from flask import request
from flask_babel import gettext as _

from lms import jsontext

#: Deeper than any body the LMS's own pages or API clients send.
MAX_DEPTH = 32


class BodyError(ValueError):
    """A body refused: `status` (400 or 413) and a message in the user's language."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def read_json(limit: int) -> Any:
    """The request's JSON body, read from the stream up to `limit` bytes; BodyError otherwise."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyError(_("Too much data was sent at once."), 413)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise BodyError(_("Too much data was sent at once."), 413)
    try:
        body = jsontext.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BodyError(_("The data sent is not valid JSON.")) from error
    except RecursionError as error:
        raise BodyError(_("The data sent is nested too deeply.")) from error
    if depth(body) > MAX_DEPTH:
        raise BodyError(_("The data sent is nested too deeply."))
    return body


def depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level + 1)
            if level + 1 > MAX_DEPTH:
                break
            stack.extend((child, level + 1) for child in item)
    return deepest
