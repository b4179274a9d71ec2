"""Declared access rules, one module per area; tests/test_access.py walks them all.

Each area module defines:
- `ACCESS`: endpoint → (method, {role: status, "*": status for roles not named});
- optionally `extend_world(world)`: create the objects its routes need (adds keys to `world`);
- optionally `url_args(world)`: endpoint → URL arguments;
- optionally `form_data(world)`: endpoint → form fields posted with a valid CSRF token.
Roles: anonymous, learner, trainer, organizer_a, organizer_b, admin (see test_access.world).
"""

import importlib
import pkgutil

LOGIN = 302  # anonymous visitors are sent to the log-in page


def area_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")
