"""Bench data for the courses and classes scenarios: the module page of a demo class, and a
roster of 2,000 learners to export.
"""

import csv
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.servers import Instance, lms_command

DEMO_CLASS = "MC-2026-01"
ROSTER_CLASS = "BENCH-ROSTER"
ROSTER_SIZE = 2000


def module_page_path(instance: Instance) -> str:
    """Enrol the bench account in the demo one-stop class; return its second module's page."""
    enrol_bench_user(instance)
    return f"/learn/{demo_class_id(instance)}/modules/2"


def enrol_bench_user(instance: Instance) -> None:
    """Enrol the bench account in the demo one-stop class (once per instance)."""
    done = instance.folder / "bench-enrolled"
    if done.exists():
        return
    roster = instance.folder / "bench-enrol.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["username"], [instance.username]])
    subprocess.run(
        [*lms_command(), "enrol", "import", DEMO_CLASS, str(roster)],
        env=instance.env,
        check=True,
        capture_output=True,
    )
    done.touch()


def home_path(instance: Instance) -> str:
    """The learner's home, the bench account enrolled (as for the module page): without a class
    the page skips its progress and sessions queries, whatever order the scenarios run in."""
    enrol_bench_user(instance)
    return "/"


def class_page_path(instance: Instance) -> str:
    """The demo one-stop class's page, the bench account enrolled (as for the module page)."""
    enrol_bench_user(instance)
    return f"/learn/{demo_class_id(instance)}"


def demo_class_id(instance: Instance) -> int:
    """The demo class's id, from the instance's database (SQLite, or `LMS_DATABASE_URL`)."""
    url = instance.env.get("LMS_DATABASE_URL")
    if url:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return connection.execute(
                    text("SELECT id FROM lms_classes WHERE code = :code"), {"code": DEMO_CLASS}
                ).scalar_one()
        finally:
            engine.dispose()
    with sqlite3.connect(Path(instance.folder, "lms.sqlite3")) as db:
        (class_id,) = db.execute(
            "SELECT id FROM lms_classes WHERE code = ?", (DEMO_CLASS,)
        ).fetchone()
    return class_id


def seed_roster(app):
    """A class of the one-stop course with 2,000 enrolled learners, some progress each."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from lms import db
    from lms.accounts.models import LearnerProfile, Unit
    from lms.accounts.services import collation_string
    from lms.classes.models import Enrolment, ModuleCompletion, TrainingClass
    from lms.courses.models import CourseVersion, Module
    from lms.text import fold

    existing = db.session.scalar(select(TrainingClass).where(TrainingClass.code == ROSTER_CLASS))
    if existing is not None:
        return existing
    demo = db.session.scalar(select(TrainingClass).where(TrainingClass.code == DEMO_CLASS))
    version = db.session.get(CourseVersion, demo.course_version_id)
    unit = db.session.scalar(select(Unit).where(Unit.code == "DN-PHC"))
    training_class = TrainingClass(
        code=ROSTER_CLASS,
        name="Lớp đo tải 2.000 học viên",
        course_version_id=version.id,
        unit_id=demo.unit_id,
    )
    db.session.add(training_class)
    db.session.flush()
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
    givens = ["An", "Bình", "Chi", "Dũng", "Hà", "Lan", "Minh", "Sơn", "Tùng", "Yến"]
    now = datetime.now(UTC)
    profiles = []
    for number in range(ROSTER_SIZE):
        name = f"{families[number % 8]} Văn {givens[number % 10]} {number}"
        profiles.append(
            {
                "user_id": f"bench-{number}",
                "full_name": name,
                "sort_name": collation_string(name),
                "search_text": fold(name),
                "official_code": f"BENCH{number:05d}",
                "unit_id": unit.id,
                "position": "Công chức",
                "rank": "chuyen-vien",
                "education_level": "dai-hoc",
                "email": "",
                "created_at": now,
            }
        )
    db.session.execute(insert(LearnerProfile), profiles)
    db.session.execute(
        insert(Enrolment),
        [
            {
                "class_id": training_class.id,
                "user_id": p["user_id"],
                "status": "enrolled",
                "source": "import",
                "enrolled_at": now,
                "last_activity_at": now,
            }
            for p in profiles
        ],
    )
    modules = db.session.scalars(
        select(Module.id).where(Module.version_id == version.id).order_by(Module.position)
    ).all()
    enrolments = (
        db.session.execute(select(Enrolment.id).where(Enrolment.class_id == training_class.id))
        .scalars()
        .all()
    )
    db.session.execute(
        insert(ModuleCompletion),
        [
            {"enrolment_id": eid, "module_id": mid, "completed_at": now}
            for index, eid in enumerate(enrolments)
            for mid in modules[: index % (len(modules) + 1)]
        ],
    )
    db.session.commit()
    return training_class


def roster_xlsx(training_class) -> int:
    """Write the roster export of the class as XLSX; return its size in bytes."""
    from flask import current_app

    from lms.classes.exports import EXPORTS, table
    from lms.tabular.writing import xlsx_file

    # Exports format dates and numbers in the reader's language, as in a real download.
    with current_app.test_request_context():
        handle = xlsx_file(table(EXPORTS["roster"], training_class))
    size = handle.seek(0, 2)
    handle.close()
    return size


def roster_csv(training_class) -> Iterator[bytes]:
    """Stream the roster export as CSV chunks (drained inside the measurement)."""
    from flask import current_app

    from lms.classes.exports import EXPORTS, table
    from lms.tabular.writing import csv_chunks

    with current_app.test_request_context():
        yield from csv_chunks(table(EXPORTS["roster"], training_class))
