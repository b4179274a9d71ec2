"""The `lms` command line: users create/import/list and `lms demo`."""

import csv
import hashlib
import io
import re

from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select, text

from lms import db
from lms.accounts import services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant
from lms.cli import build_cli

HEADER = ["username", "full_name", "role", "unit", "official_code", "date_of_birth"]


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["lms", *args], input=input)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_users_create_with_password_from_stdin(app, make_unit):
    """`lms users create` makes the account, its profile and its role grant."""
    make_unit("SNV", "Sở Nội vụ")
    result = run(
        app,
        "users",
        "create",
        "lan",
        "--full-name",
        "Nguyễn Thị Lan",
        "--role",
        "organizer",
        "--unit",
        "SNV",
        "--password-stdin",
        input="mat-khau-rat-dai\n",
    )
    assert result.exit_code == 0, result.output
    assert services.authenticate("lan", "mat-khau-rat-dai") is not None
    grant = db.session.scalar(select(RoleGrant))
    assert grant.role == Role.ORGANIZER and grant.unit.code == "SNV"


def test_users_create_refuses_unknown_unit(app):
    """An unknown unit code is refused in Vietnamese, with exit code 1."""
    result = run(
        app,
        "users",
        "create",
        "lan",
        "--full-name",
        "Lan",
        "--role",
        "trainer",
        "--unit",
        "KHONGCO",
        "--password-stdin",
        input="mat-khau-rat-dai\n",
    )
    assert result.exit_code == 1
    assert "Không có đơn vị KHONGCO" in result.output or "KHONGCO" in result.output
    assert count(Account) == 0


def test_users_create_refuses_a_short_password(app):
    """A password under 10 characters is refused; nothing is written."""
    result = run(
        app, "users", "create", "lan", "--full-name", "Lan", "--password-stdin", input="ngan\n"
    )
    assert result.exit_code == 1
    assert count(Account) == 0


def test_import_csv_writes_every_row(app, make_unit, tmp_path):
    """A valid CSV imports every person, with profiles and generated passwords printed."""
    make_unit("SNV", "Sở Nội vụ")
    path = write_csv(
        tmp_path / "people.csv",
        [
            ["lan", "Nguyễn Thị Lan", "learner", "SNV", "CB1", "05/03/1990"],
            ["hung", "Võ Văn Hùng", "trainer", "SNV", "CB2", "1/9/1978"],
        ],
    )
    result = run(app, "users", "import", str(path))
    assert result.exit_code == 0, result.output
    assert count(Account) == 2
    assert (
        db.session.scalar(
            select(LearnerProfile).where(LearnerProfile.official_code == "CB2")
        ).date_of_birth.isoformat()
        == "1978-09-01"
    )
    assert "username,password" in result.output


def test_import_with_a_bad_row_writes_nothing(app, make_unit, tmp_path):
    """One bad row: every problem printed as `dòng N: …`, exit 1, database unchanged."""
    make_unit("SNV", "Sở Nội vụ")
    path = write_csv(
        tmp_path / "people.csv",
        [
            ["lan", "Nguyễn Thị Lan", "learner", "SNV", "CB1", "05/03/1990"],
            ["hung", "", "learner", "KHONGCO", "CB1", "31/02/1990"],
            ["lan", "Trùng Tên", "boss", "SNV", "", ""],
        ],
    )
    result = run(app, "users", "import", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("dòng 3:") and "KHONGCO" in line for line in lines)
    assert any(line.startswith("dòng 3:") and "CB1" in line for line in lines)
    assert any(line.startswith("dòng 3:") and "31/02/1990" in line for line in lines)
    assert any(line.startswith("dòng 4:") and "boss" in line for line in lines)
    assert any(line.startswith("dòng 4:") and "lan" in line for line in lines)
    assert count(Account) == 0 and count(LearnerProfile) == 0


def test_import_rejects_people_already_there(app, make_person, tmp_path):
    """A username or official code already in the database is reported by row."""
    make_person("lan", official_code="CB1")
    path = write_csv(
        tmp_path / "people.csv",
        [["lan", "Nguyễn Thị Lan", "", "", "", ""], ["mai", "Trần Thị Mai", "", "", "CB1", ""]],
    )
    result = run(app, "users", "import", str(path))
    assert result.exit_code == 1
    assert "dòng 2:" in result.output and "dòng 3:" in result.output
    assert count(Account) == 1


def test_import_dry_run_writes_nothing(app, tmp_path):
    """--dry-run checks every row and writes nothing."""
    path = write_csv(tmp_path / "people.csv", [["lan", "Nguyễn Thị Lan", "", "", "", ""]])
    result = run(app, "users", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert count(Account) == 0


def test_import_xlsx_with_vietnamese_headers(app, make_unit, tmp_path):
    """An XLSX with Vietnamese column titles and real date cells imports."""
    from datetime import datetime

    make_unit("SNV", "Sở Nội vụ")
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Mã CBCCVC", "Ngày sinh"])
    sheet.append(["lan", "Nguyễn Thị Lan", "SNV", 12345, datetime(1990, 3, 5)])
    path = tmp_path / "people.xlsx"
    book.save(path)
    result = run(app, "users", "import", str(path))
    assert result.exit_code == 0, result.output
    profile = db.session.scalar(select(LearnerProfile))
    assert profile.official_code == "12345"
    assert profile.date_of_birth.isoformat() == "1990-03-05"


def test_import_reports_unknown_columns(app, tmp_path):
    """A misspelt column title is reported on row 1."""
    path = write_csv(tmp_path / "p.csv", [["lan", "Lan"]], header=["username", "fullname"])
    result = run(app, "users", "import", str(path))
    assert result.exit_code == 1
    assert "dòng 1:" in result.output


def test_users_list_csv_in_vietnamese_order(app, make_person):
    """`lms users list --format csv` sorts by given name, Vietnamese alphabet."""
    for name in ("Nguyễn Văn Bình", "Trần Thị An", "Đặng Thị Ánh", "Lê Văn An"):
        make_person(full_name=name)
    result = run(app, "users", "list", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["full_name"] for r in rows] == [
        "Lê Văn An",
        "Trần Thị An",
        "Đặng Thị Ánh",
        "Nguyễn Văn Bình",
    ]


def test_demo_twice_changes_nothing(tmp_path, monkeypatch):
    """`lms demo --no-serve` creates the demo once; a second run adds nothing."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    runner = CliRunner()
    first = runner.invoke(build_cli(), ["demo", "--no-serve"], prog_name="lms")
    assert first.exit_code == 0, first.output
    for username in ("hocvien", "giangvien", "tochuc", "quantri"):
        assert username in first.output
    engine = create_engine(f"sqlite:///{tmp_path / 'lms.sqlite3'}")

    def snapshot():
        with engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in (
                    "lms_units",
                    "lms_accounts",
                    "lms_profiles",
                    "lms_role_grants",
                    "lms_course_versions",
                    "lms_questions",
                    "lms_classes",
                    "lms_enrolments",
                    "lms_module_completions",
                )
            }, conn.execute(text("SELECT password_hash FROM lms_accounts")).scalars().all()

    before = snapshot()
    second = runner.invoke(build_cli(), ["demo", "--no-serve"], prog_name="lms")
    assert second.exit_code == 0, second.output
    assert snapshot() == before
    assert before[0]["lms_units"] >= 10
    # A class of each course this year, and the training history of 2024–2025 (records).
    assert before[0]["lms_course_versions"] == 4 and before[0]["lms_classes"] == 4 + 4
    assert before[0]["lms_questions"] >= 120 and before[0]["lms_module_completions"] > 0
    assert "quantri" not in second.output
    # The demo API token is printed by the run that creates it, and stored only as a hash.
    [token] = re.findall(r"^  (lms_[A-Za-z0-9_-]{43})$", first.output, re.M)
    assert "lms_" not in second.output
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT secret_hash FROM lms_api_tokens")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    engine.dispose()


def test_demo_prints_what_to_look_at(tmp_path, monkeypatch):
    """`lms demo` ends with the summary in Vietnamese, counting what it has committed."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    result = CliRunner().invoke(build_cli(), ["demo", "--no-serve"], prog_name="lms")
    assert result.exit_code == 0, result.output
    # A second connection sees only what was committed.
    engine = create_engine(f"sqlite:///{tmp_path / 'lms.sqlite3'}")
    with engine.connect() as conn:
        quizzes = conn.execute(text("SELECT count(*) FROM lms_quizzes")).scalar()
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM lms_attempt_questions q JOIN lms_attempts a"
                " ON a.id = q.attempt_id WHERE a.state = 'finished' AND q.fraction IS NULL"
            )
        ).scalar()
    engine.dispose()
    assert quizzes > 0 and waiting > 0
    # Other areas add their own lines to the summary: find the quiz lines by what they say.
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Bài kiểm tra:"))
    counts, essays, hint = lines[start : start + 3]
    assert counts.startswith(f"Bài kiểm tra: {quizzes}; lượt làm bài đã nộp: ")
    assert essays == f"Bài tự luận đang chờ chấm: {waiting} (đăng nhập bằng tài khoản giangvien)."
    assert hint.startswith("Đăng nhập bằng tài khoản hocvien")


def test_serve_refuses_without_secret_key(tmp_path, monkeypatch):
    """`lms serve` on an instance without a key explains what to do and exits 1."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    result = CliRunner().invoke(build_cli(), ["serve"], prog_name="lms")
    assert result.exit_code == 1
    assert "LMS_SECRET_KEY" in result.output
