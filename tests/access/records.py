"""Access rules of the records area: a learner's own record, a person's record for the
organizers and admins of their unit, external training and its scan, yearly targets, the
report, and the successors of ceased units.

The world's learner (unit A) has one external training with a PNG scan; unit A has a target.
"""

import io
from datetime import date

from lms import db
from lms.records import evidence, services
from tests.access import LOGIN

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def extend_world(world) -> None:
    learner_id = str(world["people"]["learner"].id)
    world["external"] = evidence.add_external(
        learner_id,
        kind="political-theory",
        title="Trung cấp lý luận chính trị",
        provider="Trường Chính trị tỉnh",
        starts_on=None,
        ends_on=date(2025, 6, 30),
        periods=120,
        result="Khá",
        evidence_number="123/QĐ-TCT",
        scan=io.BytesIO(PNG),
    )
    world["target"] = services.set_target(world["unit_a"], 2026, "", "", 40)
    db.session.commit()


OWN = {"anonymous": LOGIN, "*": 200}
ORGANIZERS = {"organizer_a": 200, "admin": 200, "organizer_b": 403, "anonymous": LOGIN, "*": 403}
ANY_ORGANIZER = {"organizer_a": 200, "organizer_b": 200, "admin": 200, "anonymous": LOGIN, "*": 403}
ORGANIZER_ACTS = {
    "organizer_a": 303,
    "admin": 303,
    "organizer_b": 403,
    "anonymous": LOGIN,
    "*": 403,
}

ACCESS = {
    "lms.records.mine": ("GET", OWN),
    "lms.records.my_export": ("GET", OWN),
    "lms.records.person": ("GET", ORGANIZERS),
    "lms.records.person_export": ("GET", ORGANIZERS),
    "lms.records.external_new": ("GET", ORGANIZERS),
    "lms.records.external_delete": ("POST", ORGANIZER_ACTS),
    "lms.records.scan": ("GET", ORGANIZERS | {"learner": 200}),
    "lms.records.targets": ("GET", ANY_ORGANIZER),
    "lms.records.target_delete": ("POST", ORGANIZER_ACTS),
    "lms.records.report": ("GET", ANY_ORGANIZER),
    "lms.records.report_export": ("GET", ANY_ORGANIZER),
    "lms.records.successors": ("GET", {"admin": 200, "anonymous": LOGIN, "*": 403}),
}


def url_args(world) -> dict[str, dict]:
    learner = {"user_id": str(world["people"]["learner"].id)}
    return {
        "lms.records.my_export": {"fmt": "pdf"},
        "lms.records.person": learner,
        "lms.records.person_export": learner | {"fmt": "xlsx"},
        "lms.records.external_new": learner,
        "lms.records.external_delete": {"item_id": world["external"].id},
        "lms.records.scan": {"item_id": world["external"].id},
        "lms.records.target_delete": {"target_id": world["target"].id},
    }
