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
    "lms.auth.logout_everywhere": ("POST", {"anonymous": LOGIN, "*": 302}),
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


# --- acting on a person ----------------------------------------------------------------------
# Every view that changes a person (their account, profile or roles), walked by
# test_access.test_person_action for each actor × target below. An admin acts only on people
# whose unit and every grant lie in their admin scope, never on an admin at or above their own
# top unit (a peer, a superior, themselves). "self" is the actor's own account.

#: Actors: the province admin of the main world, and an admin of department A only.
PERSON_ACTORS = ("admin", "admin_a")

#: Target → (profile unit, grants as (role, unit)) in the people world.
PERSON_TARGETS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "learner_a": ("unit_a", ()),
    "learner_b": ("unit_b", ()),
    "organizer_of_a": ("unit_a", (("organizer", "unit_a"),)),
    "trainer_of_province": ("unit_a", (("trainer", "province"),)),
    "admin_of_province": ("unit_a", (("admin", "province"),)),
    "admin_of_a": ("unit_a", (("admin", "unit_a"),)),
    "admin_of_division": ("division_a", (("admin", "division_a"),)),
    "self": ("", ()),
}

#: (actor, target) pairs allowed to act; every other pair gets 403 from every person action.
PERSON_ALLOWED = {
    ("admin", "learner_a"),
    ("admin", "learner_b"),
    ("admin", "organizer_of_a"),
    ("admin", "trainer_of_province"),
    ("admin", "admin_of_a"),
    ("admin", "admin_of_division"),
    ("admin_a", "learner_a"),
    ("admin_a", "organizer_of_a"),
    ("admin_a", "admin_of_division"),
}

#: Person actions (all POST) and the status of one that is allowed.
PERSON_ACTIONS = {
    "lms.admin.person": 302,
    "lms.admin.set_active": 302,
    "lms.admin.reset_password": 302,
    "lms.admin.add_grant": 302,
    "lms.admin.revoke_grant": 302,
}


def person_action_request(endpoint: str, target, profile, grant, unit_a) -> tuple[dict, dict]:
    """URL arguments and form fields of `endpoint` acting on `target` (its first grant, if any)."""
    user_id = str(target.id)
    if endpoint == "lms.admin.revoke_grant":
        return {"grant_id": grant.id}, {}
    forms = {
        "lms.admin.person": {
            "full_name": "Người Đã Sửa",
            "unit_id": str(profile.unit_id or ""),
            "rank": "",
            "education_level": "",
        },
        "lms.admin.set_active": {"active": "0"},
        "lms.admin.add_grant": {"role": "trainer", "unit_id": str(unit_a.id)},
    }
    return {"user_id": user_id}, forms.get(endpoint, {})
