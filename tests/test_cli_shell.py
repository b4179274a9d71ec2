"""The `lms` console script as a newcomer meets it: its help lists the LMS's own commands only,
and `lms serve` keeps gunicorn's control socket inside the instance folder it serves.
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from gunicorn.config import Config

from lms.cli import build_cli, control_socket_settings

LMS_COMMANDS = {
    "api-token",
    "attendance",
    "certificates",
    "classes",
    "content",
    "db",
    "demo",
    "enrol",
    "quiz",
    "records",
    "serve",
    "users",
    "webhooks",
    "worker",
}


@pytest.fixture
def no_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)


def listed_commands(help_text: str) -> set[str]:
    section = help_text.split("Commands:", 1)[1]
    return {match for match in re.findall(r"^  (\S+)", section, flags=re.MULTILINE)}


def test_help_lists_only_the_lms_commands(no_instance):
    """No Flask generics (run, shell, routes, limiter, a nested lms group, --app, --debug)."""
    result = CliRunner().invoke(build_cli(), ["--help"], prog_name="lms")
    assert result.exit_code == 0, result.output
    assert listed_commands(result.output) == LMS_COMMANDS
    for generic in ("--app", "--debug", "--env-file"):
        assert generic not in result.output


def test_commands_still_build_the_app(no_instance, tmp_path, monkeypatch):
    """A command that needs the app gets it (here: the tables of a fresh SQLite database)."""
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    monkeypatch.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path / 'lms.sqlite3'}")
    result = CliRunner().invoke(build_cli(), ["db", "upgrade"], prog_name="lms")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lms.sqlite3").stat().st_size > 0


def test_control_socket_lives_in_the_instance_folder(tmp_path):
    """gunicorn takes the setting, and the socket is the instance's own."""
    settings = control_socket_settings(tmp_path)
    assert settings == {"control_socket": str(tmp_path / "gunicorn.ctl")}
    config = Config()
    for name, value in settings.items():
        config.set(name, value)
    assert config.control_socket == str(tmp_path / "gunicorn.ctl")


@pytest.mark.parametrize("folder", ["missing", "x" * 120])
def test_control_socket_is_off_where_the_instance_cannot_hold_it(tmp_path, folder):
    """No folder, or a path too long for a Unix socket: no control socket, never the home one."""
    instance = tmp_path / folder
    if folder != "missing":
        instance.mkdir()
    settings = control_socket_settings(instance)
    assert settings == {"control_socket_disable": True}
    config = Config()
    config.set("control_socket_disable", True)
    assert config.control_socket_disable is True
