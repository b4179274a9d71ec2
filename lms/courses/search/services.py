"""The catalogue: a page of published courses, all of them in title order, or those a search finds,
best first, with the module that matched. One function for both databases' full-text search.

A course is found when every term of the search (see `query`) matches somewhere in it. Ranking:
the number of terms its title matches, then its description, its module titles, its module
bodies; then how many of its modules match; ties in title order, as the unsearched catalogue.
Every function runs a fixed number of queries, however many courses match.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, case, distinct, func, literal_column, select, union_all
from sqlalchemy.orm import selectinload

from lms import db
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.courses.models import CourseVersion, Module, Topic
from lms.courses.search.backends import mentions
from lms.courses.search.models import SearchDocument, SearchField
from lms.courses.search.query import MAX_QUERY_CHARS, MAX_TERMS, Term, parse
from lms.courses.search.snippets import Snippet, snippet
from lms.courses.services import published_versions_query

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "CatalogPage", "ModuleMatch", "catalog_page"]

#: Fields in ranking order: a course whose title matches comes before one whose body does.
RANKED_FIELDS = (
    SearchField.TITLE,
    SearchField.DESCRIPTION,
    SearchField.MODULE_TITLE,
    SearchField.MODULE_BODY,
)


@dataclass
class ModuleMatch:
    """The module of a found course that matches the search best."""

    position: int
    title: str
    #: Its words around the first match (empty when only the module's title matches).
    snippet: Snippet


@dataclass
class CatalogPage:
    versions: list[CourseVersion]
    total: int
    page: int
    pages: int
    #: Course version id → its best matching module, for the courses of this page a search found.
    matches: dict[int, ModuleMatch] = field(default_factory=dict)
    #: Part of the search was left out (too long, too many terms): the page says so.
    shortened: bool = False


def catalog_page(
    search: str = "", topic: str = "", page: int = 1, per_page: int = 20, learner: str | None = None
) -> CatalogPage:
    """A page of published courses (their current version), filtered by topic and, when `search`
    is given, those it finds, best first (see the module's docstring).

    With `learner` (a user id), a match's words from a module body show only for the courses
    that learner studies: module text is read in a class, and a snippet that follows the search
    could otherwise be walked, search by search, through a course one is not enrolled in.
    Without it (staff, who may open any class's modules), every match shows its words.
    """
    query = published_versions_query().options(
        selectinload(CourseVersion.modules).load_only(Module.minutes, Module.position)
    )
    if topic in set(Topic):
        query = query.where(CourseVersion.topic == topic)
    if not search.strip():
        return _page(query.order_by(CourseVersion.search_text, CourseVersion.id), page, per_page)
    parsed = parse(search)
    found = _found(query, parsed.terms, page, per_page, learner)
    if not found.total and parsed.loose_terms != parsed.terms:
        found = _found(query, parsed.loose_terms, page, per_page, learner)
    found.shortened = parsed.shortened
    return found


def _page(query: Select, page: int, per_page: int) -> CatalogPage:
    counted = query.order_by(None).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    versions = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return CatalogPage(list(versions), total, page, pages)


def _hits(terms: tuple[Term, ...], *where):
    """Every search document mentioning each term: (document columns, term number) rows."""
    dialect = db.session.get_bind().dialect.name
    return union_all(
        *(
            select(
                SearchDocument.version_id,
                SearchDocument.module_id,
                SearchDocument.field,
                literal_column(str(number)).label("term"),
            ).where(mentions(dialect, term), *where)
            for number, term in enumerate(terms)
        )
    ).subquery("hits")


def _found(
    query: Select, terms: tuple[Term, ...], page: int, per_page: int, learner: str | None
) -> CatalogPage:
    """The courses mentioning every term, ranked, one page of them with their matches."""
    if not terms:
        return CatalogPage([], 0, 1, 1)
    hits = _hits(terms)
    ranked = (
        select(
            hits.c.version_id,
            *(
                func.count(distinct(case((hits.c.field == name, hits.c.term)))).label(name)
                for name in RANKED_FIELDS
            ),
            func.count(distinct(hits.c.module_id)).label("modules"),
        )
        .group_by(hits.c.version_id)
        .having(func.count(distinct(hits.c.term)) == len(terms))
        .subquery("ranked")
    )
    found = _page(
        query.join(ranked, ranked.c.version_id == CourseVersion.id).order_by(
            *(ranked.c[name].desc() for name in RANKED_FIELDS),
            ranked.c.modules.desc(),
            CourseVersion.search_text,
            CourseVersion.id,
        ),
        page,
        per_page,
    )
    found.matches = _module_matches(terms, found.versions, learner)
    return found


@dataclass
class _ModuleHits:
    """The terms one module matches, in its title and in its body (by term number)."""

    id: int
    position: int
    title: str
    in_title: set[int] = field(default_factory=set)
    in_body: set[int] = field(default_factory=set)

    def rank(self) -> tuple[int, int, int]:
        return len(self.in_title), len(self.in_body), -self.position


def _module_matches(
    terms: tuple[Term, ...], versions: list[CourseVersion], learner: str | None
) -> dict[int, ModuleMatch]:
    """For each course version, its module matching the most terms in its title, then in its
    body, the first such; with a snippet of its body (two queries)."""
    version_ids = [version.id for version in versions]
    if not version_ids:
        return {}
    hits = _hits(
        terms, SearchDocument.version_id.in_(version_ids), SearchDocument.module_id.is_not(None)
    )
    rows = db.session.execute(
        select(
            hits.c.version_id, hits.c.field, hits.c.term, Module.id, Module.position, Module.title
        ).join(Module, Module.id == hits.c.module_id)
    )
    by_version: dict[int, dict[int, _ModuleHits]] = {}
    for version_id, field_name, term, module_id, position, title in rows:
        module = by_version.setdefault(version_id, {}).setdefault(
            module_id, _ModuleHits(module_id, position, title)
        )
        found_in = module.in_title if field_name == SearchField.MODULE_TITLE else module.in_body
        found_in.add(int(term))
    best = {
        version_id: max(modules.values(), key=_ModuleHits.rank)
        for version_id, modules in by_version.items()
    }
    readable = _readable_versions(versions, learner)
    with_body = [m.id for v, m in best.items() if m.in_body and v in readable]
    bodies: dict[int, str] = {}
    if with_body:
        query = select(Module.id, Module.body).where(Module.id.in_(with_body))
        bodies = dict(db.session.execute(query).tuples().all())
    return {
        version_id: ModuleMatch(
            module.position,
            module.title,
            snippet(bodies[module.id], _phrases(terms, module.in_body))
            if module.id in bodies
            else [],
        )
        for version_id, module in best.items()
    }


def _readable_versions(versions: list[CourseVersion], learner: str | None) -> set[int]:
    """The found versions whose module text the reader may see (see `catalog_page`)."""
    if learner is None:
        return {version.id for version in versions}
    studied = set(
        db.session.scalars(
            select(CourseVersion.course_id)
            .join(TrainingClass, TrainingClass.course_version_id == CourseVersion.id)
            .join(Enrolment, Enrolment.class_id == TrainingClass.id)
            .where(
                Enrolment.user_id == learner,
                Enrolment.status == EnrolmentStatus.ENROLLED,
                CourseVersion.course_id.in_({version.course_id for version in versions}),
            )
        )
    )
    return {version.id for version in versions if version.course_id in studied}


def _phrases(terms: tuple[Term, ...], numbers: set[int]) -> list[str]:
    """The phrases of the terms numbered `numbers`."""
    return [phrase for number in sorted(numbers) for phrase in terms[number].phrases]
