"""Bench data for check-in day: 500 learners of one class check in to its sessions, each request
a different learner (their own session cookie and CSRF token) posting the session's code.

Seeding runs once per bench instance in its own process (`python -m bench.checkin --out
FOLDER`): the learners come from the exam-day seeding's bulk helper, then SESSIONS online
sessions going on now (an online session keeps one code for its window, so a target written
now stays valid while the load runs). Each target is one learner's check-in to one session, sent
once: a second one would only measure the "already checked in" answer.
"""

import json
import subprocess
import sys
from pathlib import Path

from bench import seeding
from bench.servers import ROOT, Instance

LEARNERS = 500
SESSIONS = 12


def targets(instance: Instance) -> Path:
    folder = instance.folder / "bench-checkin"
    if not (folder / "checkin.jsonl").exists():
        subprocess.run(
            [sys.executable, "-m", "bench.checkin", "--out", str(folder)],
            env=instance.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return folder / "checkin.jsonl"


def seed(app, out: Path) -> None:
    from datetime import UTC, datetime, timedelta
    from urllib.parse import urlencode

    from bench import quizzes
    from lms import db
    from lms.attendance import checkin
    from lms.attendance.models import AttendanceSession

    training_class, accounts = quizzes.seed_learners(LEARNERS, "BENCH-CHECKIN", "diemdanh")
    db.session.flush()
    now = datetime.now(UTC)
    sessions = []
    for _number in range(SESSIONS):
        session = AttendanceSession(
            class_id=training_class.id,
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=3),
            mode="online",
            meeting_url="https://hop.example.vn/bench",
            checkin_after_minutes=180,
            late_after_minutes=170,
        )
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    with app.test_request_context():
        codes = {s.id: checkin.online_code(s) for s in sessions}
    lines = []
    for account in accounts:
        cookie, token = quizzes.session_cookie(app, account)
        for session in sessions:
            body = urlencode({"csrf_token": token, "code": codes[session.id]})
            lines.append(
                {
                    "path": f"/attendance/checkin/{session.id}",
                    "cookie": cookie,
                    "token": token,
                    "body": body,
                }
            )
    db.session.commit()
    # Session by session, learners in turn: as a room fills up.
    lines.sort(key=lambda line: line["path"])
    out.mkdir(parents=True, exist_ok=True)
    with (out / "checkin.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    return seeding.main(seed, "Seed the check-in bench data.", "folder for the targets file", argv)


if __name__ == "__main__":
    sys.exit(main())
