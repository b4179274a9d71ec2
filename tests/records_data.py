"""A known data set for the records and report tests, every figure worked out by hand in the
docstring of `build`."""

from datetime import date

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Unit
from lms.classes import enrolment as enrolments
from lms.classes.models import TrainingClass
from lms.db import utcnow
from lms.records import services
from tests.access.classes import open_class, small_version
from tests.api_helpers import at, make_certificate, make_completion


def make_class(unit: Unit, code: str, periods: int, topic: str, ends_on: date | None):
    version = small_version(slug=f"khoa-{code.lower()}", required=(True,) * periods)
    version.topic = topic
    db.session.commit()
    return open_class(unit, code, version=version, starts_on=ends_on, ends_on=ends_on)


def official(code: str, unit: Unit, name: str, **profile) -> str:
    user_id = f"host-{code}"
    accounts.save_profile(user_id, full_name=name, official_code=code, unit=unit, **profile)
    db.session.commit()
    return user_id


def build(make_unit) -> dict:
    """TINH ⊃ SO-A ⊃ PHONG-A1; TINH ⊃ SO-B; TINH ⊃ HUYEN-X (ceased, successor XA-Y ⊂ TINH).

    Classes: C1 (SO-A, one-stop, 4 periods, ends 10/3/2026), C2 (SO-B, IT skills, 6 periods,
    ends 20/6/2026), C3 (SO-A, one-stop, 2 periods, ends 1/11/2025), C4 (SO-A, no dates).

    An (SO-A, chuyên viên): C1 completed and certified, C2 completed, C3 completed.
    Bình (PHONG-A1, trưởng phòng): C1 completed, certificate revoked.
    Chi (SO-B): C2 enrolled, not completed. Dũng (HUYEN-X): C1 completed and certified.
    Em (XA-Y): C2 withdrawn. Giang (SO-B): C4 (no dates: in no period).

    2026 for TINH: 2 classes, 5 turns, 4 learners, 4 completed (80,0%), 2 passed (40,0%).
    """
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=province)
    tree = {
        "province": province,
        "unit_a": unit_a,
        "division_a": make_unit("PHONG-A1", "Phòng A1", parent=unit_a, kind="division"),
        "unit_b": make_unit("SO-B", "Sở B", parent=province),
        "district": make_unit("HUYEN-X", "Huyện X", parent=province, kind="district"),
        "commune": make_unit("XA-Y", "Xã Y", parent=province, kind="commune"),
    }
    classes = {
        "c1": make_class(unit_a, "C1", 4, "one-stop", date(2026, 3, 10)),
        "c2": make_class(tree["unit_b"], "C2", 6, "it-skills", date(2026, 6, 20)),
        "c3": make_class(unit_a, "C3", 2, "one-stop", date(2025, 11, 1)),
        "c4": make_class(unit_a, "C4", 3, "one-stop", None),
    }
    people = {
        "an": official("CC-AN", unit_a, "Nguyễn Văn An", rank="chuyen-vien"),
        "binh": official("CC-BINH", tree["division_a"], "Trần Thị Bình", position="Trưởng phòng"),
        "chi": official("CC-CHI", tree["unit_b"], "Lê Thị Chi"),
        "dung": official("CC-DUNG", tree["district"], "Phạm Văn Dũng"),
        "em": official("CC-EM", tree["commune"], "Võ Thị Em"),
        "giang": official("CC-GIANG", tree["unit_b"], "Đỗ Văn Giang"),
    }
    # The district ceased on 1/7/2025; its official's record stays with it.
    accounts.update_unit(tree["district"], "Huyện X", "district", True)
    db.session.commit()
    make_completion(people["an"], classes["c1"], at("2026-03-10"))
    make_completion(people["an"], classes["c2"], at("2026-06-20"))
    make_completion(people["an"], classes["c3"], at("2025-11-01"))
    make_completion(people["binh"], classes["c1"], at("2026-03-11"))
    make_completion(people["dung"], classes["c1"], at("2026-03-12"))
    make_certificate(people["an"], classes["c1"], at("2026-03-15"), serial="SO-A-2026-00001")
    make_certificate(
        people["binh"],
        classes["c1"],
        at("2026-03-15"),
        serial="SO-A-2026-00002",
        revoked_at=utcnow(),
        revoke_reason="Cấp nhầm",
    )
    make_certificate(people["dung"], classes["c1"], at("2026-03-15"), serial="SO-A-2026-00003")
    enrolments.enrol(classes["c2"], people["chi"])
    enrolments.withdraw(enrolments.enrol(classes["c2"], people["em"]))
    enrolments.enrol(classes["c4"], people["giang"])
    db.session.commit()
    return {"units": tree, "classes": classes, "people": people}


def targets(tree: dict) -> None:
    """TINH 2026: everyone 40, chuyên viên 16, trưởng phòng 12; SO-A 2026: everyone 30."""
    services.set_target(tree["province"], 2026, "", "", 40)
    services.set_target(tree["province"], 2026, "chuyen-vien", "", 16)
    services.set_target(tree["province"], 2026, "", "trưởng phòng", 12)
    services.set_target(tree["unit_a"], 2026, "", "", 30)
    db.session.commit()


def class_of(code: str) -> TrainingClass:
    from sqlalchemy import select

    return db.session.scalar(select(TrainingClass).where(TrainingClass.code == code))
