"""A per-request memo on `flask.g`, for things loaded once a request (the user's grants, say).

Below `security` and `accounts.permissions`, which both use it.
"""

from flask import g


def request_cache() -> dict:
    """Per-request memo for things loaded once a request (the user's grants, say)."""
    if "_lms_cache" not in g:
        g._lms_cache = {}
    return g._lms_cache
