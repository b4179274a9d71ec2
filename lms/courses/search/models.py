"""The search documents of published course versions, and each database's full-text index of
them, kept in step by triggers: a stored tsvector with a GIN index on PostgreSQL, an FTS5 table
on SQLite.
"""

from enum import StrEnum

from sqlalchemy import DDL, ForeignKey, Index, String, Text, event, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class SearchField(StrEnum):
    """Where in a course a document comes from, best match first."""

    TITLE = "title"
    #: Summary, audience and objectives.
    DESCRIPTION = "description"
    MODULE_TITLE = "module_title"
    MODULE_BODY = "module_body"


class SearchDocument(Base):
    """A searchable piece of the current published version of a course: its title, its
    description, or a module's title or body (a long body in several pieces)."""

    __tablename__ = "lms_search_documents"
    # A GIN index on PostgreSQL; on SQLite, an index of the empty column (one schema for both).
    __table_args__ = (Index("ix_lms_search_documents_vector", "vector", postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("lms_course_versions.id"), index=True)
    #: None for the course's own title and description.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("lms_modules.id"))
    field: Mapped[str] = mapped_column(String(16))
    #: Folded words separated by single spaces (see `words`): what both databases index.
    words: Mapped[str] = mapped_column(Text)
    #: PostgreSQL's index of `words` (set by a trigger): stored, so that a phrase query checks
    #: it instead of parsing every text again. Empty on SQLite, where FTS5 indexes the words.
    vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    def __repr__(self) -> str:
        return f"<SearchDocument {self.version_id} {self.field} {self.module_id}>"


# The `simple` configuration only lower-cases words: there is no Vietnamese stemmer in
# PostgreSQL, and none is needed (a Vietnamese syllable has no inflection to strip); the words are
# folded already, so no `unaccent` either.
SIMPLE = text("'simple'::regconfig")
POSTGRESQL_VECTOR_TRIGGER = (
    "CREATE TRIGGER lms_search_documents_vector BEFORE INSERT OR UPDATE ON lms_search_documents "
    "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(vector, 'pg_catalog.simple', words)"
)
event.listen(
    SearchDocument.__table__,
    "after_create",
    DDL(POSTGRESQL_VECTOR_TRIGGER).execute_if(dialect="postgresql"),
)

#: SQLite's full-text index of the documents: an FTS5 table reading its text from them.
FTS_TABLE = "lms_search_fts"
SQLITE_INDEX_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(words, "
    "content='lms_search_documents', content_rowid='id')",
    # An external-content FTS5 table is updated by its owner: these triggers are the recipe of
    # SQLite's FTS5 documentation (section 4.4.3).
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON lms_search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
)
SQLITE_INDEX_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"


def is_sqlite_index_table(name: str) -> bool:
    """The FTS5 table and the shadow tables SQLite keeps for it (`lms_search_fts_data`, ...):
    SQLite's own, not models, so migration checks leave them out."""
    return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")


for _statement in SQLITE_INDEX_DDL:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
event.listen(
    SearchDocument.__table__, "before_drop", DDL(SQLITE_INDEX_DROP).execute_if(dialect="sqlite")
)
