"""The demo's sessions and marks: each class meets on Tuesday and Thursday mornings over its
dates (the online class in a video call), one session was cancelled, and the sessions already
held carry realistic marks — mostly present, some late with a remark, an excused absence, an
absence — written through the marking service (with audit events) by the class's trainer.

Idempotent: a class that already has sessions is left alone.
"""

from datetime import time

from sqlalchemy import select

from lms import db
from lms.accounts import services as accounts
from lms.attendance import marking, services
from lms.attendance.marking import Change
from lms.attendance.models import AttendanceSession
from lms.attendance.services import SessionData
from lms.classes import services as classes
from lms.db import utcnow
from lms.demo.classes import CLASSES

TOPICS = [
    "Khai giảng, giới thiệu chương trình",
    "Quy định hiện hành và văn bản hướng dẫn",
    "Thực hành theo tình huống",
    "Trao đổi kinh nghiệm của các đơn vị",
    "Bài tập nhóm",
    "Ôn tập và tổng kết",
]
#: (status, remark) by a learner's rank and the session's number: mostly present.
PATTERN = ["present"] * 7 + ["late", "present", "excused", "present", "absent"]
REMARKS = {"late": "Đến muộn 15 phút", "excused": "Đi công tác theo quyết định của cơ quan"}


def seed_attendance() -> None:
    trainer = accounts.find_account("giangvien")
    trainer_id = str(trainer.id) if trainer else ""
    now = utcnow()
    for code, _slug, _name, mode, _self in CLASSES:
        training_class = classes.find_class(code)
        if training_class is None or not training_class.starts_on or not training_class.ends_on:
            continue
        if db.session.scalar(
            select(AttendanceSession.id).where(AttendanceSession.class_id == training_class.id)
        ):
            continue
        online = mode == "online"
        weeks = (training_class.ends_on - training_class.starts_on).days // 7 + 1
        data = SessionData(
            day=training_class.starts_on,
            start=time(8),
            end=time(11),
            mode="online" if online else "in-person",
            room="" if online else "Phòng 301, Sở Nội vụ",
            meeting_url="https://hop.danang.gov.vn/lop-" + code.lower() if online else "",
            trainer_id=trainer_id,
        )
        days = [
            day
            for day in services.series_days(training_class.starts_on, {1, 3}, weeks, set())
            if day <= training_class.ends_on
        ]
        made = []
        for number, day in enumerate(days):
            topic = TOPICS[number] if number < len(TOPICS) - 1 else TOPICS[2 + number % 3]
            if number == len(days) - 1:
                topic = TOPICS[-1]
            made.append(
                services.create_session(
                    training_class.id,
                    SessionData(**{**vars(data), "day": day, "topic": topic}),
                    trainer_id,
                )
            )
        if len(made) > 3:
            services.cancel_session(
                made[3], "Trùng lịch họp của Hội đồng nhân dân thành phố", trainer_id
            )
        learners = services.enrolled_ids(training_class.id)
        held = [s for s in made if s.cancelled_at is None and s.ends_at <= now]
        for number, session in enumerate(made):
            if session not in held:
                continue
            changes = []
            for rank, user_id in enumerate(learners):
                status = PATTERN[(rank * 5 + number * 3) % len(PATTERN)]
                changes.append(Change(user_id, status, REMARKS.get(status, "")))
            # The latest session is left for the trainer to finish: a few learners unmarked.
            if session is held[-1]:
                changes = changes[: max(1, len(changes) - 3)]
            marking.write_marks(session, changes, trainer_id)
    db.session.flush()
