"""The demo's training history: classes of 2024 and 2025 that ended with most learners
completing (so records span several years and the organizer's report has something to count),
yearly targets of the city, an official of the ceased Quận Hải Châu whose history the report can
count under Phường Hải Châu, and one external training (political theory) with its decision
number.

Completions of past classes are written as the completion service leaves them (the standing met
on the class's last day): the demo has no way to replay two years of reading.

Idempotent: past classes are looked up by code, targets by their key, the external entry by its
evidence number.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import LearnerProfile, Unit
from lms.certificates.models import Completion
from lms.classes import enrolment as enrolments
from lms.classes import services as classes
from lms.courses.services import current_version, find_course
from lms.demo.classes import backdate
from lms.demo.people import learner_accounts
from lms.records import evidence, services
from lms.records.models import ExternalTraining, UnitSuccessor

#: (code, course slug, name, last day, organizing unit) — Đà Nẵng's classes before this year.
PAST_CLASSES = [
    ("MC-2024-01", "mot-cua", "Lớp bồi dưỡng cơ chế một cửa năm 2024", date(2024, 5, 17), "DN-SNV"),
    ("CNTT-2024-01", "ky-nang-cntt", "Lớp kỹ năng CNTT năm 2024", date(2024, 10, 11), "DN-SNV"),
    (
        "GT-2025-01",
        "giao-tiep-cong-dan",
        "Lớp giao tiếp với người dân 2025",
        date(2025, 4, 25),
        "DN-SNV",
    ),
    ("TTHC-2025-01", "ra-soat-tthc", "Lớp rà soát TTHC năm 2025", date(2025, 9, 19), "DN-VP"),
]
#: (unit, year, rank, position, periods): the city's own targets (no national minimum).
TARGETS = [("DN", year, "", "", 16) for year in (2024, 2025, 2026)] + [
    ("DN", year, "chuyen-vien-chinh", "", 24) for year in (2025, 2026)
]
#: An official of the district that ceased on 1/7/2025, trained before it did.
DISTRICT_OFFICIAL = ("demo-qhc-1", "Phan Văn Hải", "DN0009001", "DN-QHC")
EXTERNAL_DECISION = "1520/QĐ-TCT"


def _finished_at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def seed_past_classes(units: dict[str, Unit]) -> None:
    learners = [str(account.id) for account in learner_accounts()]
    user_id, name, code, unit_code = DISTRICT_OFFICIAL
    if db.session.get(LearnerProfile, user_id) is None:
        accounts.save_profile(user_id, full_name=name, official_code=code, unit=units[unit_code])
    for number, (class_code, slug, class_name, last_day, unit_code) in enumerate(PAST_CLASSES):
        if classes.find_class(class_code) is not None:
            continue
        starts_on = last_day.replace(day=max(last_day.day - 4, 1))
        training_class = classes.create_class(
            classes.ClassData(
                code=class_code,
                name=class_name,
                course_version=current_version(find_course(slug)),
                unit=units[unit_code],
                mode="in-person",
                starts_on=starts_on,
                ends_on=last_day,
                # Enrolment open three weeks ahead, as for the current classes: their learners
                # were enrolled then, not on the day the demo ran.
                enrol_opens_on=starts_on - timedelta(days=21),
                enrol_closes_on=starts_on - timedelta(days=1),
                location="Hội trường Sở Nội vụ, 24 Trần Phú, Đà Nẵng",
                decision_number=f"{101 + number}/QĐ-SNV",
                decision_date=last_day.replace(month=max(last_day.month - 1, 1)),
                decision_issuer="Sở Nội vụ thành phố Đà Nẵng",
            )
        )
        # Most learners took part; every fifth did not complete.
        chosen = [uid for i, uid in enumerate(learners) if (i + number) % 3 != 2]
        if number == 0:
            chosen.insert(0, user_id)
        for rank, learner_id in enumerate(chosen):
            backdate(enrolments.enrol(training_class, learner_id), training_class, rank)
            if rank % 5 == 4:
                continue
            finished = _finished_at(last_day)
            db.session.add(
                Completion(
                    class_id=training_class.id,
                    user_id=learner_id,
                    completed_at=finished,
                    outcomes=[],
                    evaluated_at=finished,
                )
            )
        db.session.flush()


def seed_targets(units: dict[str, Unit]) -> None:
    for unit_code, year, rank, position, periods in TARGETS:
        services.set_target(units[unit_code], year, rank, position, periods)


def seed_successor(units: dict[str, Unit]) -> None:
    if db.session.get(UnitSuccessor, units["DN-QHC"].id) is None:
        services.set_successor(units["DN-QHC"], units["DN-PHC"])


def seed_external() -> None:
    learner = accounts.find_account("hocvien")
    if learner is None or db.session.scalar(
        select(ExternalTraining.id).where(ExternalTraining.evidence_number == EXTERNAL_DECISION)
    ):
        return
    evidence.add_external(
        str(learner.id),
        kind="political-theory",
        title="Bồi dưỡng lý luận chính trị dành cho đảng viên mới",
        provider="Trường Chính trị thành phố Đà Nẵng",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 14),
        periods=40,
        result="Khá",
        evidence_number=EXTERNAL_DECISION,
        scan=None,
    )


def seed_records(units: dict[str, Unit]) -> None:
    seed_past_classes(units)
    seed_targets(units)
    seed_successor(units)
    seed_external()
    db.session.flush()
