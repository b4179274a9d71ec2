"""Access rules of copying a course or a question bank.

The sources are the authoring area's course of unit A (published version 1) and the bank area's
bank of unit A. Any trainer may read them and copy them into a unit where they author, as may
admins; learners and organizers, who author nowhere, are refused by the role check.
"""

from tests.access import LOGIN

TRAINERS = {"anonymous": LOGIN, "trainer": 200, "admin": 200, "*": 403}
COPIED = {"anonymous": LOGIN, "trainer": 303, "admin": 303, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.courses.confirm_copy": ("GET", TRAINERS),
    "lms.courses.copy_course": ("POST", COPIED),
    "lms.banks.confirm_copy": ("GET", TRAINERS),
    "lms.banks.copy_bank": ("POST", COPIED),
}


def url_args(world) -> dict[str, dict]:
    return {
        "lms.courses.confirm_copy": {"slug": world["authoring_course"].slug},
        "lms.courses.copy_course": {"slug": world["authoring_course"].slug},
        "lms.banks.confirm_copy": {"bank_id": world["unit_bank"].id},
        "lms.banks.copy_bank": {"bank_id": world["unit_bank"].id},
    }


def form_data(world) -> dict[str, dict]:
    unit = str(world["unit_a"].id)
    return {
        "lms.courses.copy_course": {
            "title": "Khóa soạn thử (bản sao)",
            "slug": "khoa-soan-thu-ban-sao",
            "owner_unit_id": unit,
        },
        "lms.banks.copy_bank": {
            "title": "Ngân hàng của đơn vị (bản sao)",
            "slug": "nh-a-ban-sao",
            "owner_unit_id": unit,
        },
    }
