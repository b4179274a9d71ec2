"""What the LMS keeps per app, in `app.extensions["lms"]`, and `state()` to read it.

Below the extension that fills it and the views that read it (the admin pages ask whether the
app is standalone).
"""

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from lms import ratelimit, security


@dataclass
class LMSState:
    """What the LMS keeps per app, in `app.extensions["lms"]`."""

    url_prefix: str
    standalone: bool
    #: Shared, atomic rate limits (lms.ratelimit): the log-in throttle and whoever needs one.
    rate_limiter: ratelimit.RateLimiter
    throttle: security.LoginThrottle
    migrations_dir: str
    #: The queue of certificate jobs (`lms.certificates.jobs.JobQueue`), set up by the extension.
    jobs: Any = None
    #: The main menu per language, roles and script root, and template addresses
    #: (`lms.navigation`): the same on every page, built once.
    chrome: dict = field(default_factory=dict)


def state() -> LMSState:
    return current_app.extensions["lms"]
