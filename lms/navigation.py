"""The main menu every LMS page shows (its links, for the reader's roles and language), and the
addresses templates build.

Built once per language, set of roles and script root, and kept on the app's LMS state: the
menu was ten URL builds and ten catalogue lookups on every page, the same for everyone holding
the same roles. Nothing of one person is in it: the key is the roles the links depend on.
"""

from flask import current_app, request, url_for

from lms.accounts.permissions import has_any_role
from lms.config import N_
from lms.i18n import current_language, gettext
from lms.state import state

#: The roles the menu depends on.
MENU_ROLES = ("trainer", "organizer", "admin")

#: (endpoint, label, the roles that see it: empty for everyone), in menu order.
LINKS = (
    ("lms.main.home", N_("My learning"), ()),
    ("lms.courses.catalog", N_("Courses"), ()),
    ("lms.certificates.mine", N_("My certificates"), ()),
    ("lms.records.mine", N_("My training record"), ()),
    ("lms.main.trainer_home", N_("Teaching"), ("trainer",)),
    ("lms.banks.index", N_("Question banks"), ("trainer",)),
    ("lms.grading.queue", N_("Grading"), ("trainer", "organizer")),
    ("lms.organizer.home", N_("Organizing"), ("organizer",)),
    ("lms.admin.people", N_("Administration"), ("admin",)),
    ("lms.accounts.profile", N_("My profile"), ()),
)


def menu_links() -> tuple[tuple[str, str], ...]:
    """The (URL, label) pairs of the signed-in reader's menu."""
    roles = frozenset(role for role in MENU_ROLES if has_any_role(role))
    return _kept(
        ("menu", current_language(), roles, request.script_root),
        lambda: tuple(
            (url_for(endpoint), gettext(label))
            for endpoint, label, seen_by in LINKS
            if not seen_by or roles.intersection(seen_by)
        ),
    )


#: Things kept per app before the memo starts afresh (a crawl over many ids must not grow it
#: without end; a class page's addresses are a handful).
URL_MEMO_SIZE = 4096


def template_url_for(endpoint: str, **values) -> str:
    """Templates' `url_for`, remembered per app: an address depends only on its endpoint, its
    values and where the app is mounted, and a class page builds some fifteen of them (and every
    page its static files'). Relative endpoints, Flask's options (`_external`, `_anchor`…) and
    any app with URL defaults (a host portal adding a language to its addresses, say) are built
    as usual, every time. (LMS pages are drawn in requests only: the template context itself
    reads the request.)"""
    if (
        endpoint.startswith(".")
        or any(name.startswith("_") for name in values)
        or any(current_app.url_default_functions.values())
    ):
        return url_for(endpoint, **values)
    try:
        key = ("url", request.script_root, endpoint, frozenset(values.items()))
    except TypeError:  # a value that cannot be a key (a list of query values)
        return url_for(endpoint, **values)
    return _kept(key, lambda: url_for(endpoint, **values))


def _kept(key: tuple, build):
    """What `build` returns, kept on the app's LMS state under `key`."""
    memo = state().chrome
    found = memo.get(key)
    if found is None:
        if len(memo) >= URL_MEMO_SIZE:
            memo.clear()
        found = memo[key] = build()
    return found
