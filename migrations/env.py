"""Alembic environment of the LMS: only `lms_*` tables, own version table, the host's engine."""

from alembic import context
from flask import current_app

import lms.models  # noqa: F401  (registers every model on the metadata)
from lms.courses.search.models import is_sqlite_index_table
from lms.db import Base

VERSION_TABLE = "lms_alembic_version"


def include_name(name, type_, parent_names):
    """Look only at LMS tables, so a host's own tables are never touched or compared; SQLite's
    full-text tables are its own, made by the search migration."""
    if type_ == "table":
        return bool(name) and name.startswith("lms_") and not is_sqlite_index_table(name)
    return True


def run_migrations() -> None:
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            include_name=include_name,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run `lms db upgrade`.")
run_migrations()
