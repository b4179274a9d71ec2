"""Bench data for the export downloads over HTTP: the 2,000-learner class of the roster and
attendance scenarios (bench/courses.py, bench/attendance.py: 20 sessions, 40,000 marks), an
organizer of its unit, and one targets line per download carrying the organizer's session.

The runner reads each gunicorn worker's resident size before and after these downloads, which is
what the issue bounds (each worker under 200 MB after a 2,000-learner export). Seeding runs once
per bench instance, in its own process inside an app context (`python -m bench.exports --out
FOLDER`), and makes the organizer's cookie as bench/quizzes.py makes the learners'.
"""

import json
import subprocess
import sys
from pathlib import Path

from bench import seeding
from bench.scenarios import EXPORT_PATHS
from bench.servers import ROOT, Instance

ORGANIZER = "benchorganizer"


def targets(instance: Instance, what: str, fmt: str) -> Path:
    """A one-line targets file: GET the download as the organizer."""
    seeded = json.loads(_seeded(instance).read_text(encoding="utf-8"))
    path = EXPORT_PATHS[what].format(id=seeded["class_id"], fmt=fmt)
    file = instance.folder / f"export-{what}-{fmt}.jsonl"
    file.write_text(json.dumps({"path": path, "cookie": seeded["cookie"]}) + "\n", "utf-8")
    return file


def _seeded(instance: Instance) -> Path:
    """Seed the class and the organizer once per instance (in a subprocess)."""
    out = instance.folder / "bench-exports.json"
    if not out.exists():
        subprocess.run(
            [sys.executable, "-m", "bench.exports", "--out", str(out)],
            env=instance.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return out


def seed(app, out: Path) -> None:
    """The class with its marks, an organizer of its unit, and the organizer's cookie."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bench.attendance import seed_marks
    from bench.quizzes import session_cookie
    from lms import db
    from lms.accounts.models import Account, Role, RoleGrant
    from lms.classes.models import TrainingClass

    class_id = seed_marks(app)
    training_class = db.session.get(TrainingClass, class_id)
    account = db.session.scalar(select(Account).where(Account.username == ORGANIZER))
    if account is None:
        # No usable password: the session is made here, as the log-in view makes it.
        account = Account(username=ORGANIZER, password_hash="!", created_at=datetime.now(UTC))
        db.session.add(account)
        db.session.flush()
        db.session.add(
            RoleGrant(user_id=str(account.id), role=Role.ORGANIZER, unit=training_class.unit)
        )
    cookie, _token = session_cookie(app, account)
    db.session.commit()
    out.write_text(json.dumps({"class_id": class_id, "cookie": cookie}), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return seeding.main(
        seed, "Seed the export downloads' bench data.", "JSON file: class id, cookie", argv
    )


if __name__ == "__main__":
    sys.exit(main())
