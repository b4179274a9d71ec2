"""Full-text matching on each database: whether a search document mentions a term.

PostgreSQL matches the documents' stored tsvectors (GIN-indexed) against phrase queries; SQLite
matches its FTS5 table. Both get the phrases as bound values, quoted on SQLite:
the words are plain ASCII letters and digits (see `words`), so nothing a person types can be
read as FTS syntax (`"`, `*`, `NEAR`, `-` are gone or quoted).
"""

from functools import reduce

from sqlalchemy import func, literal_column, select, table

from lms.courses.search.models import FTS_TABLE, SIMPLE, SearchDocument
from lms.courses.search.query import Term

_FTS = table(FTS_TABLE)


def fts5_query(term: Term) -> str:
    """The FTS5 query of a term: each phrase quoted, any of them."""
    return " OR ".join(f'"{phrase}"' for phrase in term.phrases)


def mentions(dialect: str, term: Term):
    """A condition on `SearchDocument`: the document says one of the term's phrases."""
    if dialect == "postgresql":
        phrases = (func.phraseto_tsquery(SIMPLE, phrase) for phrase in term.phrases)
        return SearchDocument.vector.op("@@")(reduce(lambda a, b: a.op("||")(b), phrases))
    matching = (
        select(literal_column("rowid"))
        .select_from(_FTS)
        .where(literal_column(FTS_TABLE).match(fts5_query(term)))
    )
    return SearchDocument.id.in_(matching)
