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


def attendance(data: dict) -> None:
    """Sessions and marks for the 2026 classes, written as rows (not through the marking
    services, whose completion re-evaluation would change the known completions).

    C1 (default statuses: present 2, late 1, excused left out, absent 0; unmarked counts as
    absent): two held sessions, one cancelled (its mark ignored), one to come. An present, late:
    3 of 4 = 75%. Bình excused, present: 2 of 2 = 100%. Dũng absent, unmarked: 0 of 4 = 0%.

    C2 (its own statuses: present 3, late 2, excused left out, absent 0; unmarked left out):
    three held sessions. An present, late, and "online" (a status since removed: earns what
    absent earns): 5 of 9 = 55,56%. Chi present, excused, unmarked: 3 of 3 = 100%. Em
    (withdrawn) present everywhere: not counted.

    2026 for TINH, the mean over turns: total (75 + 100 + 0 + 55,56 + 100) / 5 = 66,1;
    Sở A 76,9, Sở B 100,0, Huyện X 0,0; one-stop 58,3, IT skills 77,8.
    """
    from datetime import UTC, datetime, timedelta

    from lms.attendance.models import (
        AttendanceMark,
        AttendanceSession,
        AttendanceSettings,
        AttendanceStatus,
    )

    now = datetime.now(UTC).replace(microsecond=0)

    def session(training_class, days_ago: int, cancelled: bool = False) -> AttendanceSession:
        starts_at = now - timedelta(days=days_ago, hours=3)
        row = AttendanceSession(
            class_id=training_class.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            cancelled_at=now if cancelled else None,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def marks(row: AttendanceSession, **by_person: str) -> None:
        for person, status in by_person.items():
            db.session.add(
                AttendanceMark(session_id=row.id, user_id=data["people"][person], status=status)
            )

    c1, c2 = data["classes"]["c1"], data["classes"]["c2"]
    first, second = session(c1, 3), session(c1, 2)
    session(c1, -2)
    cancelled = session(c1, 1, cancelled=True)
    marks(first, an="present", binh="excused", dung="absent")
    marks(second, an="late", binh="present")
    marks(cancelled, an="absent", binh="absent", dung="present")
    for position, (code, points) in enumerate(
        (("present", 3), ("late", 2), ("excused", None), ("absent", 0))
    ):
        db.session.add(
            AttendanceStatus(
                class_id=c2.id, code=code, label=code, points=points, position=position
            )
        )
    db.session.add(AttendanceSettings(class_id=c2.id, automark_absent=False, low_percent=80))
    one, two, three = session(c2, 5), session(c2, 4), session(c2, 3)
    marks(one, an="present", chi="present", em="present")
    marks(two, an="late", chi="excused", em="present")
    marks(three, an="online", em="present")
    db.session.commit()
