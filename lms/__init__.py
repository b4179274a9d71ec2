"""Learning-management system for Vietnamese civil servants' administrative-reform training.

`LMS` is the Flask extension a host portal mounts; `create_app` builds the standalone host.
"""

from lms.app import create_app
from lms.extension import LMS

__all__ = ["LMS", "create_app"]
