"""A failing `lms` command prints one line in the default language and exits 1, never a
traceback; `lms serve` will not start on a database it cannot reach.
"""

import zipfile

import pytest
from click.testing import CliRunner

from lms import cli
from lms.cli import build_cli
from lms.cli_failures import failure_line

UNREACHABLE = "postgresql+psycopg://nobody:mat-khau@127.0.0.1:1/none"


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """An instance folder with a key; each test points LMS_DATABASE_URL where it needs."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    monkeypatch.delenv("LMS_DEFAULT_LOCALE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return monkeypatch


def lms(*args: str):
    return CliRunner().invoke(build_cli(), list(args), prog_name="lms")


def one_line(result) -> str:
    """The command's only output line, after checking it failed cleanly."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_an_unreachable_database_is_one_line_without_the_password(environment):
    """The line names the database (password hidden) and the driver's reason."""
    environment.setenv("LMS_DATABASE_URL", UNREACHABLE)
    line = one_line(lms("users", "list"))
    assert line.startswith("Không dùng được cơ sở dữ liệu tại postgresql+psycopg://nobody:***@")
    assert "mat-khau" not in line and "Connection refused" in line


def test_a_database_url_that_does_not_parse_is_one_line(environment):
    """A typo in LMS_DATABASE_URL says which setting is wrong."""
    environment.setenv("LMS_DATABASE_URL", "khong-phai-dia-chi")
    line = one_line(lms("users", "list"))
    assert line.startswith("Địa chỉ cơ sở dữ liệu (LMS_DATABASE_URL) không hợp lệ")


def test_a_database_without_the_tables_is_one_line(environment, tmp_path):
    """Before `lms db upgrade`, the missing table is named."""
    environment.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path / 'trong.sqlite3'}")
    assert "no such table" in one_line(lms("users", "list"))


def test_the_line_follows_the_default_language(environment):
    """With LMS_DEFAULT_LOCALE=en the operator reads English."""
    environment.setenv("LMS_DEFAULT_LOCALE", "en")
    environment.setenv("LMS_DATABASE_URL", "khong-phai-dia-chi")
    assert one_line(lms("users", "list")).startswith("The database URL (LMS_DATABASE_URL)")


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid"), "Tệp không phải văn bản"),
        (zipfile.BadZipFile("File is not a zip file"), "Tệp không phải là bảng tính XLSX"),
        (KeyError("sheet"), "Lệnh không thực hiện được: KeyError: 'sheet'"),
    ],
)
def test_what_no_reader_caught_still_reads_as_one_line(error, line):
    """A file no importer recognised, or any other error, is one line in the default language."""
    assert failure_line(error).startswith(line)


def test_a_file_that_cannot_be_written_is_one_line(app, tmp_path):
    """An export into a folder that does not exist names the file."""
    from tests.access.quizzes import small_bank

    small_bank()
    target = tmp_path / "khong-co" / "ngan-hang.gift"
    result = app.test_cli_runner().invoke(
        args=["lms", "quiz", "export", "thu-nghiem", "-o", str(target)]
    )
    assert one_line(result).startswith(f"Không dùng được tệp {target}")


def test_a_missing_secret_key_is_one_line_in_vietnamese(environment):
    """The secret-key rule speaks the default language; `lms --help` needs no key at all."""
    environment.delenv("LMS_SECRET_KEY")
    assert one_line(lms("users", "list")).startswith("Chưa có khóa bí mật: hãy đặt LMS_SECRET_KEY")
    help_page = lms("--help")
    assert help_page.exit_code == 0, help_page.output
    assert "Chưa có khóa bí mật" not in help_page.output and "users" in help_page.output


def test_serve_refuses_a_database_it_cannot_reach(environment):
    """`lms serve` checks the database before starting gunicorn, and says why it will not."""
    started = []
    environment.setattr(cli, "serve_app", lambda *args: started.append(args))
    environment.setenv("LMS_DATABASE_URL", UNREACHABLE)
    line = one_line(lms("serve", "--port", "5114"))
    assert line.startswith("Không dùng được cơ sở dữ liệu") and started == []


def test_serve_starts_on_a_database_that_answers(environment, tmp_path):
    """With the database there, `lms serve` goes on to gunicorn."""
    started = []
    environment.setattr(cli, "serve_app", lambda *args: started.append(args))
    environment.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path / 'lms.sqlite3'}")
    result = lms("serve", "--port", "5114")
    assert result.exit_code == 0, result.output
    assert started == [("127.0.0.1", 5114, 2, True)]  # True: with its background-job worker


def test_flask_debug_shows_the_traceback(environment):
    """Whoever debugs sets FLASK_DEBUG=1 and gets the exception itself."""
    environment.setenv("FLASK_DEBUG", "1")
    environment.setenv("LMS_DATABASE_URL", UNREACHABLE)
    result = lms("users", "list")
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "OperationalError"


@pytest.mark.parametrize("option", [("--port", "99999"), ("--workers", "0")])
def test_serve_refuses_a_port_or_worker_count_out_of_range(environment, option):
    """A port past 65535 or no worker at all is refused before anything starts."""
    started = []
    environment.setattr(cli, "serve_app", lambda *args: started.append(args))
    result = lms("serve", *option)
    assert result.exit_code == 2 and option[0] in result.output and started == []
