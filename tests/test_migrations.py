"""Migrations: `upgrade head` on an empty database equals the models; `downgrade base` works.
Runs on SQLite, and on PostgreSQL in a throwaway database when LMS_TEST_DATABASE_URL is set.
"""

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from lms import create_app, db
from lms.courses import services as course_services
from lms.courses.search.models import is_sqlite_index_table
from lms.courses.search.services import catalog_page
from lms.db import Base
from tests.access.learning import small_source

VERSION_TABLE = "lms_alembic_version"


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """An empty database of the kind the suite runs on."""
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(base)
    name = f"lms_migrations_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def migrated_app(url: str):
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url})
    return app, app.extensions["lms"].migrations_dir


def include_name(name, type_, parent_names):
    return type_ != "table" or (
        name.startswith("lms_") and name != VERSION_TABLE and not is_sqlite_index_table(name)
    )


def model_tables(names) -> set[str]:
    """The tables of a database but SQLite's full-text ones (the search's FTS5 table and its
    shadow tables, which no model describes)."""
    return {name for name in names if not is_sqlite_index_table(name)}


def test_upgrade_head_matches_the_models(empty_database):
    """After `upgrade head`, autogenerate finds nothing to change."""
    app, directory = migrated_app(empty_database)
    with app.app_context():
        upgrade(directory=directory)
        engine = app.extensions["sqlalchemy"].engine
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": include_name, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
        tables = model_tables(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {VERSION_TABLE}
        engine.dispose()


def test_downgrade_base_removes_every_table(empty_database):
    """`downgrade base` leaves no LMS table but the version table."""
    app, directory = migrated_app(empty_database)
    with app.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="base")
        engine = app.extensions["sqlalchemy"].engine
        assert set(inspect(engine).get_table_names()) == {VERSION_TABLE}
        upgrade(directory=directory)
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        engine.dispose()


def test_migrations_use_their_own_version_table(empty_database):
    """The version table is lms_alembic_version, so a host's own Alembic is not disturbed."""
    app, directory = migrated_app(empty_database)
    with app.app_context():
        upgrade(directory=directory)
        engine = app.extensions["sqlalchemy"].engine
        names = set(inspect(engine).get_table_names())
        assert VERSION_TABLE in names and "alembic_version" not in names
        engine.dispose()
    create_engine(empty_database).dispose()


def test_search_migration_indexes_courses_published_before_it(
    empty_database, tmp_path, monkeypatch
):
    """A course published before the search existed is found once `upgrade head` has run."""
    app, directory = migrated_app(empty_database)
    with app.app_context():
        upgrade(directory=directory, revision="0011_attendance_notices")
        # At 0011 a load cannot index the course: the documents table does not exist yet.
        monkeypatch.setattr(course_services, "index_version", lambda version: None)
        source = small_source(
            tmp_path, "cntt", title="Kỹ năng công nghệ thông tin", bodies={2: "Về Đề án 06."}
        )
        course_services.load_source(source)
        db.session.commit()
        db.session.remove()
        upgrade(directory=directory)
        assert [version.course.slug for version in catalog_page("CNTT").versions] == ["cntt"]
        page = catalog_page("de an 06")
        assert page.matches[page.versions[0].id].position == 2
        db.session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
