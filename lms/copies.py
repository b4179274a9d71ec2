"""What a copy of a course or question bank is first called: a free short name `<slug>-ban-sao`
(then `-ban-sao-2`, `-3`…) and the title with "(bản sao)" after it, both within their columns.

The courses and quiz areas both copy; the names they suggest follow one rule, kept here.
"""

import re
from collections.abc import Collection

from flask_babel import gettext as _

#: What a copy's short name ends with (short names are ASCII, so it is not translated).
COPY_SUFFIX = "-ban-sao"
_COPY_ENDING = re.compile(rf"{COPY_SUFFIX}(?:-\d+)?$")


def copy_slug(slug: str, taken: Collection[str], limit: int) -> str:
    """A short name for a copy of `slug` that is not in `taken` and has at most `limit`
    characters. A copy of a copy counts on (`x-ban-sao-2`) rather than growing the suffix.
    """
    base = _COPY_ENDING.sub("", slug) or slug
    number = 1
    # Ends: each taken name stops at most one number.
    while (candidate := _numbered(base, number, limit)) in taken:
        number += 1
    return candidate


def _numbered(base: str, number: int, limit: int) -> str:
    suffix = COPY_SUFFIX if number == 1 else f"{COPY_SUFFIX}-{number}"
    return base[: limit - len(suffix)].rstrip("-") + suffix


def copy_title(title: str, limit: int) -> str:
    """`title (bản sao)` in the user's language, the title cut so the whole fits `limit`."""
    room = limit - len(_("%(title)s (copy)", title=""))
    return _("%(title)s (copy)", title=title[:room].rstrip())
