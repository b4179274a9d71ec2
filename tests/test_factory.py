"""The standalone app factory and its configuration rules."""

import pytest

from lms import create_app
from lms.config import ConfigError


def test_two_apps_in_one_process(tmp_path):
    """Creating two apps in one process works: the extension keeps no app of its own."""
    first = create_app({"SECRET_KEY": "a", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SECRET_KEY": "b", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.extensions["lms"] is not second.extensions["lms"]


def test_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    """Outside `lms demo`, no LMS_SECRET_KEY and no stored key means a clear refusal."""
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        create_app()


def test_secret_key_from_instance_folder(tmp_path, monkeypatch):
    """A key stored in the instance folder (written by `lms demo`) is used."""
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "secret_key").write_text("stored-key")
    assert create_app().config["SECRET_KEY"] == "stored-key"


def test_database_defaults_to_sqlite_in_instance_folder(tmp_path, monkeypatch):
    """Without LMS_DATABASE_URL the database is a SQLite file in the instance folder."""
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"


def test_database_url_from_environment(tmp_path, monkeypatch):
    """LMS_DATABASE_URL chooses the database."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    monkeypatch.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")


def test_sqlite_has_foreign_keys_and_wal(app):
    """SQLite connections turn foreign keys and WAL on."""
    from sqlalchemy import text

    from lms import db

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
