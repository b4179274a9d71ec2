"""Bench data for the report scenario: a unit of OFFICIALS officials and TURNS participant-turns
with their attendance (bench/records_report.py's seed), an organizer of it, and a targets file
whose one request carries the organizer's session cookie: the unit's yearly report page.

The size is a department's year, not the province's of issue 16 (20,000 officials, 100,000
turns): that page costs about 2 s of CPU, so a load run of a few seconds on 2 workers would
finish no request and print no rate. bench/records_report.py times the province's report.

Seeding runs once per bench instance in its own process (`python -m bench.records --out
FOLDER`), beside the demo's data: the report counts only the seeded province's officials.
"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from bench import seeding
from bench.servers import ROOT, Instance

#: A department's officials and a year's participant-turns (a tenth of issue 16's province).
OFFICIALS = 2_000
TURNS = 10_000
ORGANIZER = "baocao-tochuc"


def report_targets(instance: Instance) -> Path:
    folder = instance.folder / "bench-records"
    if not (folder / "report.jsonl").exists():
        subprocess.run(
            [sys.executable, "-m", "bench.records", "--out", str(folder)],
            env=instance.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return folder / "report.jsonl"


def report_path(unit_id: int) -> str:
    """The report of the unit's officials for 2026, the page's own query string."""
    query = {
        "unit": unit_id,
        "starts_on": "01/01/2026",
        "ends_on": "31/12/2026",
        "basis": "people",
    }
    return f"/records/report?{urlencode(query)}"


def seed(app, out: Path) -> None:
    from datetime import UTC, datetime

    from bench import quizzes
    from bench.records_report import seed as seed_unit
    from lms import db
    from lms.accounts.models import Account, LearnerProfile, Role, Unit
    from lms.accounts.services import grant_role

    ids = seed_unit(OFFICIALS, TURNS)
    unit = db.session.get(Unit, ids["province_id"])
    account = Account(username=ORGANIZER, password_hash="!", created_at=datetime.now(UTC))
    db.session.add(account)
    db.session.flush()
    db.session.add(
        LearnerProfile(user_id=str(account.id), full_name="Người Đọc Báo Cáo", unit_id=unit.id)
    )
    grant_role(str(account.id), Role.ORGANIZER, unit)
    cookie, token = quizzes.session_cookie(app, account)
    db.session.commit()
    out.mkdir(parents=True, exist_ok=True)
    line = {"path": report_path(unit.id), "cookie": cookie, "token": token}
    (out / "report.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return seeding.main(seed, "Seed the report bench data.", "folder for the targets file", argv)


if __name__ == "__main__":
    sys.exit(main())
