"""Catalogue search: the search documents of published course versions, their full-text index
(a stored tsvector with a GIN index on PostgreSQL, FTS5 on SQLite, each kept by triggers), built
for the courses already published.

Revision ID: 0012_search
Revises: 0011_attendance_notices
Create Date: 2026-12-10 09:00:00
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lms.courses.search.index import course_documents

revision = "0012_search"
down_revision = "0011_attendance_notices"
branch_labels = None
depends_on = None

POSTGRESQL_VECTOR_TRIGGER = (
    "CREATE TRIGGER lms_search_documents_vector BEFORE INSERT OR UPDATE ON lms_search_documents "
    "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(vector, 'pg_catalog.simple', words)"
)
FTS_TABLE = "lms_search_fts"
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(words, "
    "content='lms_search_documents', content_rowid='id')",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
)

versions = sa.table(
    "lms_course_versions",
    sa.column("id", sa.Integer),
    sa.column("course_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("status", sa.String),
    sa.column("title", sa.String),
    sa.column("summary", sa.Text),
    sa.column("audience", sa.Text),
    sa.column("objectives", sa.Text),
)
modules = sa.table(
    "lms_modules",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
)


def upgrade() -> None:
    documents = op.create_table(
        "lms_search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column(
            "vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["lms_modules.id"],
            name=op.f("fk_lms_search_documents_module_id_lms_modules"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["lms_course_versions.id"],
            name=op.f("fk_lms_search_documents_version_id_lms_course_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_search_documents")),
    )
    op.create_index(
        op.f("ix_lms_search_documents_version_id"), "lms_search_documents", ["version_id"]
    )
    op.create_index(
        "ix_lms_search_documents_vector",
        "lms_search_documents",
        ["vector"],
        postgresql_using="gin",
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_VECTOR_TRIGGER)
    else:
        for statement in SQLITE_INDEX:
            op.execute(statement)
    rows = _published_documents()
    if rows:
        op.bulk_insert(documents, rows)


def _published_documents() -> list[dict]:
    """The documents of every course's newest published version (as publishing writes them)."""
    connection = op.get_bind()
    newest = {}
    for row in connection.execute(
        sa.select(versions)
        .where(versions.c.status == "published")
        .order_by(versions.c.course_id, versions.c.number.desc())
    ):
        newest.setdefault(row.course_id, row)
    rows = []
    for version in newest.values():
        objectives = version.objectives
        if isinstance(objectives, str):
            objectives = json.loads(objectives)
        outline = connection.execute(
            sa.select(modules.c.id, modules.c.title, modules.c.body)
            .where(modules.c.version_id == version.id)
            .order_by(modules.c.position)
        )
        for document in course_documents(
            version.title,
            [version.summary or "", version.audience or "", *(objectives or [])],
            [tuple(module) for module in outline],
        ):
            rows.append({**document, "field": str(document["field"]), "version_id": version.id})
    return rows


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {FTS_TABLE}")
    op.drop_index("ix_lms_search_documents_vector", table_name="lms_search_documents")
    op.drop_index(op.f("ix_lms_search_documents_version_id"), table_name="lms_search_documents")
    op.drop_table("lms_search_documents")
