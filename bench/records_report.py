"""The yearly report for a province of 20,000 officials and 100,000 participant-turns (80% of
them completed, each class with SESSIONS sessions and most learners marked): seconds, SQL
statements and peak memory of building it and of its XLSX, and of one official's record.
Figures, not a test; prints one table.

    python bench/records_report.py [--officials 20000] [--turns 100000] [--database URL]

Without --database it runs on a fresh SQLite file in a temporary folder; with a PostgreSQL URL it
creates the tables there (use an empty database).
"""

import argparse
import io
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

TOPICS = ("one-stop", "it-skills", "communication", "tthc-simplification", "other")
#: Sessions per class, on the days before it ends (those still to come count in no rate).
SESSIONS = 4
#: A session's mark, drawn in these shares (None: left unmarked).
MARKS = (("present", 0.7), ("late", 0.1), ("excused", 0.05), ("absent", 0.05), (None, 0.1))
#: Rows per INSERT, so the marks never sit in memory all at once.
BATCH = 50_000


def seed(officials: int, turns: int) -> dict:
    from lms import db
    from lms.accounts.models import LearnerProfile, Unit
    from lms.certificates.models import Completion
    from lms.classes.models import Enrolment, TrainingClass
    from lms.courses.models import Course, CourseVersion

    province = Unit(code="BENCH", name="Tỉnh đo tải", kind="province", path="")
    db.session.add(province)
    db.session.flush()
    province.path = f"/{province.id}/"
    units = []
    for number in range(200):
        kind = "department" if number < 20 else "commune"
        unit = Unit(code=f"B{number}", name=f"Đơn vị {number}", kind=kind, parent_id=province.id)
        db.session.add(unit)
        units.append(unit)
    db.session.flush()
    for unit in units:
        unit.path = f"{province.path}{unit.id}/"
    versions = []
    for number, topic in enumerate(TOPICS):
        course = Course(slug=f"bench-{number}")
        db.session.add(course)
        db.session.flush()
        version = CourseVersion(
            course_id=course.id,
            number=1,
            status="published",
            title=f"Khóa {topic}",
            topic=topic,
            hours=4 + number,
        )
        db.session.add(version)
        versions.append(version)
    db.session.flush()
    classes = []
    for number in range(turns // 250):
        training_class = TrainingClass(
            code=f"BL{number}",
            name=f"Lớp {number}",
            course_version_id=versions[number % 5].id,
            unit_id=units[number % 20].id,
            ends_on=date(2026, 1 + number % 12, 10),
        )
        db.session.add(training_class)
        classes.append(training_class)
    db.session.flush()
    # Ids of their own, so the seed can join a bench instance that holds other scenarios' data.
    user_ids = [f"tinh-{n}" for n in range(officials)]
    db.session.execute(
        insert(LearnerProfile),
        [
            {"user_id": uid, "full_name": f"Công chức {n}", "unit_id": units[n % 200].id}
            for n, uid in enumerate(user_ids)
        ],
    )
    rng = random.Random(7)
    enrolments, completions = [], []
    for index in range(turns):
        # Each official once per pass, in a class shifted by 97 per pass: no pair repeats.
        class_id = classes[(index + 97 * (index // officials)) % len(classes)].id
        user_id = user_ids[index % officials]
        enrolments.append({"class_id": class_id, "user_id": user_id, "status": "enrolled"})
        if rng.random() < 0.8:
            done = datetime(2026, 6, 1, tzinfo=UTC)
            completions.append(
                {
                    "class_id": class_id,
                    "user_id": user_id,
                    "completed_at": done,
                    "outcomes": [],
                    "evaluated_at": done,
                }
            )
    db.session.execute(insert(Enrolment), enrolments)
    db.session.execute(insert(Completion), completions)
    seed_attendance(classes, enrolments, rng)
    db.session.commit()
    return {"province_id": province.id, "official": user_ids[0]}


def seed_attendance(classes, enrolments: list[dict], rng: random.Random) -> None:
    """SESSIONS sessions per class and the turns' marks; one class in ten with statuses of its
    own (late earns as much as present), one in seven not counting the unmarked as absent."""
    from lms import db
    from lms.attendance.models import (
        AttendanceMark,
        AttendanceSession,
        AttendanceSettings,
        AttendanceStatus,
    )

    sessions: dict[int, list[int]] = {}
    for training_class in classes:
        ends = datetime.combine(training_class.ends_on, datetime.min.time(), UTC)
        rows = [
            AttendanceSession(
                class_id=training_class.id,
                # 08:00-11:00 in Vietnam.
                starts_at=ends - timedelta(days=day) + timedelta(hours=1),
                ends_at=ends - timedelta(days=day) + timedelta(hours=4),
            )
            for day in range(1, SESSIONS + 1)
        ]
        db.session.add_all(rows)
        if training_class.id % 10 == 0:
            for position, (code, points) in enumerate(
                (("present", 2), ("late", 2), ("excused", None), ("absent", 0))
            ):
                db.session.add(
                    AttendanceStatus(
                        class_id=training_class.id,
                        code=code,
                        label=code,
                        points=points,
                        position=position,
                    )
                )
        if training_class.id % 7 == 0:
            db.session.add(AttendanceSettings(class_id=training_class.id, automark_absent=False))
        db.session.flush()
        sessions[training_class.id] = [row.id for row in rows]
    codes = [code for code, _share in MARKS]
    shares = [share for _code, share in MARKS]
    batch = []
    for enrolment in enrolments:
        for session_id in sessions[enrolment["class_id"]]:
            status = rng.choices(codes, shares)[0]
            if status is not None:
                batch.append(
                    {"session_id": session_id, "user_id": enrolment["user_id"], "status": status}
                )
        if len(batch) >= BATCH:
            db.session.execute(insert(AttendanceMark), batch)
            batch = []
    if batch:
        db.session.execute(insert(AttendanceMark), batch)


def measure(label: str, work) -> dict:
    from lms import db

    engine = db.session.get_bind()
    statements = []

    def count(*args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    event.remove(engine, "before_cursor_execute", count)
    return {
        "label": label,
        "seconds": seconds,
        "cpu": cpu,
        "queries": len(statements),
        "peak": peak,
        "result": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--database")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-records-"))
    url = options.database or f"sqlite:///{folder / 'bench.sqlite3'}"

    from lms import create_app, db
    from lms.accounts.models import LearnerProfile, Unit
    from lms.db import Base
    from lms.records import exports, reports, services
    from lms.tabular.writing import write_xlsx

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    app.instance_path = str(folder)
    with app.app_context(), app.test_request_context():
        import lms.models  # noqa: F401  (every table)

        Base.metadata.create_all(db.session.get_bind())
        started = time.perf_counter()
        ids = seed(options.officials, options.turns)
        seeded = time.perf_counter() - started
        # Fresh statistics, as autovacuum (PostgreSQL) or a maintenance run would leave them.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        province = db.session.get(Unit, ids["province_id"])
        period = (date(2026, 1, 1), date(2026, 12, 31))
        rows = [measure("report (build)", lambda: reports.build(province, *period))]
        report = rows[0]["result"]
        rows.append(
            measure("report (merged units)", lambda: reports.build(province, *period, True))
        )
        rows.append(
            measure(
                "report XLSX", lambda: write_xlsx(exports.report_table(report, False), io.BytesIO())
            )
        )
        profile = db.session.get(LearnerProfile, ids["official"])
        rows.append(measure("one official's record", lambda: services.training_record(profile)))
        db.session.rollback()
    print(
        f"seeded {options.officials:,} officials, {options.turns:,} turns in {seeded:.1f} s "
        f"({url.split(':')[0]})"
    )
    print(
        f"totals: {report.total.classes} classes, {report.total.turns} turns, "
        f"{report.total.learners} learners, {report.total.completed} completed"
    )
    # CPU seconds of this process: on a shared machine the steadier figure, and on SQLite (which
    # runs in the process) nearly all the work; PostgreSQL's own work is not in it.
    print("| step | seconds | CPU seconds (this process) | SQL statements | Python peak MB |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['label']} | {row['seconds']:.2f} | {row['cpu']:.2f} | {row['queries']} "
            f"| {row['peak']:.1f} |"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {max_rss:.0f} MB")


if __name__ == "__main__":
    main()
