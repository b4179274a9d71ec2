"""Keeping the search documents current: a course's documents are those of its current published
version, replaced whenever a version is published (`services.load_source`, `editing.publish`).
"""

from collections.abc import Iterable

from sqlalchemy import delete, insert, select

from lms import db
from lms.courses.models import CourseVersion, VersionStatus
from lms.courses.search.models import SearchDocument, SearchField
from lms.courses.search.words import words
from lms.rendering import markdown_text

#: Words per piece of a module body: PostgreSQL records word positions up to 16,383 only, and a
#: phrase past that would go unfound (a body may hold 200,000 characters, some 40,000 words).
PIECE_WORDS = 8_000
#: Words each piece repeats from the one before, so that a phrase across a cut is whole in one
#: piece: more than a search can hold (100 characters).
OVERLAP_WORDS = 60


def course_documents(
    title: str, description: Iterable[str], modules: Iterable[tuple[int, str, str]]
) -> list[dict]:
    """The documents of one course version as rows (module_id, field, words); `modules` are
    (id, title, Markdown body). Plain data in and out: the migration builds the index with it."""
    rows = [
        {"module_id": None, "field": SearchField.TITLE, "words": " ".join(words(title))},
        {
            "module_id": None,
            "field": SearchField.DESCRIPTION,
            "words": " ".join(words(" \n".join(description))),
        },
    ]
    for module_id, module_title, body in modules:
        rows.append(
            {
                "module_id": module_id,
                "field": SearchField.MODULE_TITLE,
                "words": " ".join(words(module_title)),
            }
        )
        body_words = words(markdown_text(body))
        for start in range(0, max(len(body_words) - OVERLAP_WORDS, 1), PIECE_WORDS - OVERLAP_WORDS):
            rows.append(
                {
                    "module_id": module_id,
                    "field": SearchField.MODULE_BODY,
                    "words": " ".join(body_words[start : start + PIECE_WORDS]),
                }
            )
    return [row for row in rows if row["words"]]


def description_of(version: CourseVersion) -> list[str]:
    return [version.summary, version.audience, *(version.objectives or [])]


def index_version(version: CourseVersion) -> None:
    """Make the just-published `version` the one its course is found by: its documents replace
    those of the course's earlier versions."""
    versions_of_course = select(CourseVersion.id).where(
        CourseVersion.course_id == version.course_id
    )
    db.session.execute(
        delete(SearchDocument).where(SearchDocument.version_id.in_(versions_of_course)),
        execution_options={"synchronize_session": False},
    )
    rows = course_documents(
        version.title,
        description_of(version),
        [(module.id, module.title, module.body) for module in version.modules],
    )
    if rows:
        db.session.execute(
            insert(SearchDocument), [{**row, "version_id": version.id} for row in rows]
        )


def rebuild() -> int:
    """Index the current published version of every course afresh; returns how many."""
    db.session.execute(delete(SearchDocument), execution_options={"synchronize_session": False})
    newest = (
        select(CourseVersion)
        .where(CourseVersion.status == VersionStatus.PUBLISHED)
        .order_by(CourseVersion.course_id, CourseVersion.number.desc())
    )
    indexed: set[int] = set()
    for version in db.session.scalars(newest):
        if version.course_id not in indexed:
            index_version(version)
            indexed.add(version.course_id)
    return len(indexed)
