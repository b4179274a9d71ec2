"""The demo's courses and classes: the shipped courses and question banks loaded as `lms content
load` would, and a class of each course with the demo learners enrolled at different points of
progress.

Idempotent: unchanged courses and banks are left alone, classes are looked up by code.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import LearnerProfile, Unit
from lms.classes import enrolment as enrolments
from lms.classes import services as classes
from lms.classes.models import Enrolment, EnrolmentEvent, ModuleCompletion, TrainingClass
from lms.content.loader import find_courses, read_course
from lms.courses.search import index as search_index
from lms.courses.services import current_version, find_course, load_source
from lms.db import utcnow
from lms.demo.people import learner_accounts
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_gift
from lms.resources import data_dir


def seed_content() -> None:
    """The shipped courses and question banks (unchanged ones are left alone)."""
    titles = {}
    for folder in find_courses(data_dir("courses")):
        source = read_course(folder)
        load_source(source)
        titles[source.slug] = source.title
    # Unchanged courses are not loaded again: their search documents are rebuilt here, whatever
    # made the database.
    search_index.rebuild()
    for path in sorted(data_dir("quizzes").glob("*.gift")):
        parsed = parse_gift(path.read_bytes(), str(path))
        if parsed.errors:
            raise RuntimeError("\n".join(str(error) for error in parsed.errors))
        bank = banks.get_or_create_bank(path.stem, title=titles.get(path.stem))
        banks.import_questions(bank, parsed.questions)


#: (class code, course slug, class name, mode, self-enrolment on) — one class per shipped course.
CLASSES = [
    (
        "MC-2026-01",
        "mot-cua",
        "Lớp bồi dưỡng cơ chế một cửa, một cửa liên thông năm 2026",
        "blended",
        False,
    ),
    (
        "CNTT-2026-01",
        "ky-nang-cntt",
        "Lớp kỹ năng ứng dụng CNTT cho công chức cấp xã năm 2026",
        "online",
        True,
    ),
    (
        "GT-2026-01",
        "giao-tiep-cong-dan",
        "Lớp kỹ năng giao tiếp, ứng xử với người dân năm 2026",
        "in-person",
        False,
    ),
    (
        "TTHC-2026-01",
        "ra-soat-tthc",
        "Lớp rà soát, đơn giản hóa thủ tục hành chính năm 2026",
        "blended",
        False,
    ),
]


def seed_classes(units: dict[str, Unit]) -> None:
    """A class of each shipped course, learners enrolled at different points of progress."""
    trainer = services.find_account("giangvien")
    learners = [str(account.id) for account in learner_accounts()]
    for number, (code, slug, name, mode, self_enrol) in enumerate(CLASSES):
        if classes.find_class(code) is not None:
            continue
        version = current_version(find_course(slug))
        training_class = classes.create_class(
            classes.ClassData(
                code=code,
                name=name,
                course_version=version,
                unit=units["DN-SNV"],
                mode=mode,
                starts_on=date(2026, 11, 2 + 7 * number),
                ends_on=date(2026, 12, 18),
                location="Hội trường Sở Nội vụ, 24 Trần Phú, Đà Nẵng",
                capacity=60,
                enrol_opens_on=date(2026, 10, 20),
                enrol_closes_on=date(2026, 12, 10),
                decision_number=f"{312 + number}/QĐ-SNV",
                decision_date=date(2026, 10, 15),
                decision_issuer="Sở Nội vụ thành phố Đà Nẵng",
                self_enrol=self_enrol,
                self_enrol_unit=units["DN"] if self_enrol else None,
                trainer_ids=[str(trainer.id)] if trainer else [],
            )
        )
        required = [m for m in version.modules if m.required]
        # Every class but one takes a different half of the learners; hocvien is in all four.
        chosen = [learners[0]] + [uid for i, uid in enumerate(learners[1:]) if i % 4 != number]
        for rank, user_id in enumerate(chosen):
            if db.session.get(LearnerProfile, user_id) is None:
                continue
            enrolment = enrolments.enrol(training_class, user_id)
            backdate(enrolment, training_class, rank)
            done = (rank + number) % (len(required) + 1)
            for offset, module in enumerate(required[:done]):
                db.session.add(
                    ModuleCompletion(
                        enrolment_id=enrolment.id,
                        module_id=module.id,
                        completed_at=utcnow() - timedelta(days=done - offset),
                    )
                )
            if done:
                enrolment.last_module_id = required[done - 1].id
                enrolment.last_activity_at = utcnow() - timedelta(hours=rank)
        db.session.flush()


def backdate(enrolment: Enrolment, training_class: TrainingClass, rank: int) -> None:
    """Enrolled on a working morning of the class's enrolment period (before it starts), as an
    organizer's list would be entered, never later than now: not all at the moment the demo ran.
    """
    first = training_class.enrol_opens_on
    last = min(training_class.enrol_closes_on, training_class.starts_on - timedelta(days=1))
    day = first + timedelta(days=(rank * 3) % max((last - first).days + 1, 1))
    # 08:00–11:45 in Đà Nẵng (UTC+7).
    at = datetime.combine(day, time(1 + rank % 4, 15 * (rank % 4)), tzinfo=UTC)
    at = min(at, utcnow())
    enrolment.enrolled_at = at
    for event in db.session.scalars(
        select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id)
    ):
        event.occurred_at = at
