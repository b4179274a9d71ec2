"""Access rules of the foundation: home pages, accounts, admin, organizer."""

from tests.access import LOGIN

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.static": ("GET", {"*": 200}),
    "lms.main.healthz": ("GET", {"*": 200}),
    "lms.main.set_language": ("POST", {"*": 302}),
    "lms.main.home": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.main.trainer_home": (
        "GET",
        {"anonymous": LOGIN, "trainer": 200, "admin": 200, "*": 403},
    ),
    "lms.accounts.profile": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.auth.login": ("GET", {"anonymous": 200, "*": 302}),
    "lms.auth.logout": ("POST", {"anonymous": LOGIN, "*": 302}),
    "lms.auth.password": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.admin.index": ("GET", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.people": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.new_person": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.person": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.set_active": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.reset_password": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.add_grant": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.revoke_grant": ("POST", {"anonymous": LOGIN, "admin": 302, "*": 403}),
    "lms.admin.units": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.new_unit": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.admin.edit_unit": ("GET", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    "lms.organizer.home": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "organizer_b": 200, "admin": 200, "*": 403},
    ),
    "lms.organizer.people": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "organizer_b": 200, "admin": 200, "*": 403},
    ),
    # The person lives in unit A: organizer B is refused.
    "lms.organizer.person": (
        "GET",
        {"anonymous": LOGIN, "organizer_a": 200, "admin": 200, "*": 403},
    ),
}


def url_args(world) -> dict[str, dict]:
    learner_id = str(world["people"]["learner"].id)
    return {
        "lms.static": {"filename": "css/lms.css"},
        "lms.admin.person": {"user_id": learner_id},
        "lms.admin.set_active": {"user_id": learner_id},
        "lms.admin.reset_password": {"user_id": learner_id},
        "lms.admin.add_grant": {"user_id": learner_id},
        "lms.admin.revoke_grant": {"grant_id": world["grant"].id},
        "lms.admin.edit_unit": {"unit_id": world["unit_a"].id},
        "lms.organizer.person": {"user_id": learner_id},
    }


def form_data(world) -> dict[str, dict]:
    return {
        "lms.admin.add_grant": {"role": "trainer", "unit_id": str(world["unit_a"].id)},
        "lms.main.set_language": {"language": "en"},
        "lms.admin.set_active": {"active": "1"},
    }
