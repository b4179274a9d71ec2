"""The catalogue search service, on SQLite's FTS5 and PostgreSQL's full-text search alike:
abbreviations both ways, diacritics, module bodies, ranking, hostile input, and an index that
follows publishing.
"""

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from lms import db
from lms.content.model import CourseSource, ModuleSource
from lms.courses import editing, services
from lms.courses.models import VersionStatus
from lms.courses.search import index
from lms.courses.search.abbreviations import ABBREVIATIONS
from lms.courses.search.models import SearchDocument
from lms.courses.search.query import MAX_QUERY_CHARS
from lms.courses.search.services import catalog_page
from tests.access.learning import shipped_version

SHIPPED = ("mot-cua", "ky-nang-cntt", "giao-tiep-cong-dan", "ra-soat-tthc")
FILLER = "Nội dung ôn tập."


@pytest.fixture
def shipped(app):
    versions = {slug: shipped_version(slug) for slug in SHIPPED}
    db.session.commit()
    return versions


def source(slug: str, title: str, modules=(), summary: str = "Tóm tắt.", **fields) -> CourseSource:
    """A course of (module title, body) pairs; one plain module when none is given."""
    modules = modules or [("Bài mở đầu", FILLER)]
    return CourseSource(
        slug=slug,
        title=title,
        summary=summary,
        topic=fields.pop("topic", "other"),
        hours=1,
        version=1,
        audience="Công chức",
        objectives=["Hiểu bài"],
        modules=[
            ModuleSource(f"{n:02d}-bai.md", n, module_title, 15, True, None, body, [])
            for n, (module_title, body) in enumerate(modules, 1)
        ],
        quiz=None,
        pass_mark=70,
        path=Path("."),
        **fields,
    )


def publish(slug: str, title: str, modules=(), **fields) -> None:
    services.load_source(source(slug, title, modules, **fields))
    db.session.commit()


def found(search: str, **kwargs) -> list[str]:
    """Slugs of the courses the catalogue finds, best first."""
    return [version.course.slug for version in catalog_page(search, **kwargs).versions]


# --- abbreviations and diacritics ---------------------------------------------------------------


def test_cntt_finds_the_it_skills_course_first(shipped):
    """ "CNTT" finds the course whose title says "công nghệ thông tin", before any other."""
    assert found("CNTT")[0] == "ky-nang-cntt"


@pytest.mark.parametrize("entry", ABBREVIATIONS, ids=lambda entry: entry[0])
def test_an_abbreviation_finds_its_expansion(app, entry):
    """Every abbreviation of the list finds a module that only spells it out."""
    publish("mo-rong", "Khóa A", [("Bài", f"Bài học về {entry[1]} cho học viên.")])
    publish("khac", "Khóa B")
    assert found(entry[0]) == ["mo-rong"]


@pytest.mark.parametrize("entry", ABBREVIATIONS, ids=lambda entry: entry[0])
def test_an_expansion_finds_its_abbreviation(app, entry):
    """Spelling a notion out finds a module that only abbreviates it."""
    publish("viet-tat", "Khóa A", [("Bài", f"Bài học về {entry[0]} cho học viên.")])
    publish("khac", "Khóa B")
    assert found(entry[1]) == ["viet-tat"]


@pytest.mark.parametrize("search", ["Đề án 06", "de an 06", "ĐỀ ÁN 06", "dê ăn 06"])
def test_search_ignores_diacritics_and_d(shipped, search):
    """ "de an 06" finds "Đề án 06" (đ is d), in a module body and in the objectives."""
    assert set(found(search)) == {"ky-nang-cntt", "mot-cua"}


def test_accented_search_finds_text_without_accents(app):
    """Text typed without diacritics is found by a search with them."""
    publish("khong-dau", "Khoa hoc mot cua")
    assert found("một cửa") == ["khong-dau"]


# --- what is searched ---------------------------------------------------------------------------


def test_module_bodies_are_searched_and_named(app):
    """A phrase only in a module body finds the course; the match names that module and quotes
    the body around the phrase, with its diacritics."""
    body = "Mở đầu. " + "Câu dẫn. " * 20 + "Thực hiện Đề án 06 về dữ liệu dân cư. " + "Kết. " * 30
    publish("than-bai", "Khóa Z", [("Bài một", FILLER), ("Dữ liệu dân cư", body)])
    page = catalog_page("de an 06")
    match = page.matches[page.versions[0].id]
    assert (match.position, match.title) == (2, "Dữ liệu dân cư")
    assert ("Đề án 06", True) in match.snippet
    assert match.snippet[0][0].startswith("…") and match.snippet[-1][0].endswith("…")


def test_a_module_title_match_has_no_snippet(app):
    """A module found by its title is named without quoting its body."""
    publish("tieu-de", "Khóa Z", [("Bài một", FILLER), ("Chữ ký số", FILLER)])
    page = catalog_page("chu ky so")
    match = page.matches[page.versions[0].id]
    assert (match.position, match.snippet) == (2, [])


def test_words_typed_together_are_a_phrase(app):
    """ "một cửa" finds the phrase, not a module that has "một" and "của" apart."""
    publish("cum-tu", "Khóa A", [("Bài", "Cơ chế một cửa ở cấp xã.")])
    publish("roi-rac", "Khóa B", [("Bài", "Một người của cơ quan.")])
    assert found("mot cua") == ["cum-tu"]


def test_words_apart_are_found_when_no_course_has_the_phrase(app):
    """With no course saying the words together, every word anywhere in a course will do."""
    publish("tach-roi", "Khóa A", [("Bài", "Văn bản điện tử."), ("Bài hai", "Chữ ký số.")])
    publish("khac", "Khóa B")
    assert found("chữ ký số văn bản điện tử") == ["tach-roi"]


def test_every_term_must_match(shipped):
    """A term no course mentions leaves nothing, whatever the others find."""
    assert found("CNTT, khonglienquan") == []
    assert found("khonglienquan") == []


def test_topic_filter_applies_to_a_search(shipped):
    """A search within a topic finds only that topic's courses."""
    assert found("TTHC", topic="it-skills") == ["ky-nang-cntt"]


def test_drafts_and_replaced_versions_are_not_found(app):
    """Only a course's current published version is searched: not a draft, not the version it
    replaced."""
    publish("doi-moi", "Khóa A", [("Bài", "Nói về kỳ lân.")])
    publish("doi-moi", "Khóa A", [("Bài", "Nói về phượng hoàng.")])
    course = services.find_course("doi-moi")
    draft = editing.start_draft(course)
    draft.modules[0].body = "Nói về tỳ hưu."
    db.session.commit()
    assert found("ky lan") == [] and found("ty huu") == []
    assert found("phuong hoang") == ["doi-moi"]


def test_publishing_a_draft_replaces_what_is_found(shipped):
    """A trainer's publish makes the new text findable and the old text not."""
    draft = editing.start_draft(services.find_course("ra-soat-tthc"))
    module = draft.modules[0]
    module.body = module.body.replace("thủ tục hành chính", "thủ tục hành chính kỳ lân", 1)
    editing.publish(draft)
    db.session.commit()
    assert draft.status == VersionStatus.PUBLISHED
    assert found("ky lan") == ["ra-soat-tthc"]
    assert (
        db.session.scalar(
            select(func.count()).where(SearchDocument.version_id == shipped["ra-soat-tthc"].id)
        )
        == 0
    )


def test_rebuild_indexes_every_current_version(shipped):
    """`index.rebuild` (run by `lms demo`) makes a database without documents searchable."""
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert found("CNTT") == []
    assert index.rebuild() == len(SHIPPED)
    db.session.commit()
    assert found("CNTT")[0] == "ky-nang-cntt"


def test_a_phrase_past_sixteen_thousand_words_is_found(app):
    """PostgreSQL records word positions up to 16,383: a long body is indexed in pieces, so a
    phrase near its end is still found as a phrase."""
    body = "lặp lại " * 9_000 + "đích đến cuối cùng"
    publish("dai", "Khóa dài", [("Bài", body)])
    assert found("dich den cuoi") == ["dai"]


# --- ranking ------------------------------------------------------------------------------------


def test_title_before_module_title_before_body(app):
    """Where a course matches ranks it, whatever the alphabet says."""
    publish("than", "A khóa", [("Bài", "Học về chữ ký số.")])
    publish("tieu-de-bai", "B khóa", [("Chữ ký số", FILLER)])
    publish("mo-ta", "C khóa", summary="Khóa học về chữ ký số.")
    publish("tieu-de", "D khóa chữ ký số")
    assert found("chữ ký số") == ["tieu-de", "mo-ta", "tieu-de-bai", "than"]


def test_more_terms_in_the_title_first(app):
    """A title with both terms ranks before a title with one (the other in a body)."""
    publish("mot", "A chữ ký số", [("Bài", "Dùng trên dịch vụ công.")])
    publish("hai", "B chữ ký số trên dịch vụ công")
    assert found("chữ ký số, dịch vụ công") == ["hai", "mot"]


def test_more_modules_matching_first(app):
    """Of two courses found in bodies, the one that says it in more modules ranks first."""
    publish("mot-bai", "A khóa", [("Bài", "Về chữ ký số."), ("Bài hai", FILLER)])
    publish("hai-bai", "B khóa", [("Bài", "Về chữ ký số."), ("Bài hai", "Lại chữ ký số.")])
    assert found("chu ky so") == ["hai-bai", "mot-bai"]


def test_ties_keep_the_title_order(app):
    """Courses matching alike keep the catalogue's Vietnamese title order."""
    for slug, title in [("c", "Ơ khóa"), ("a", "Ă khóa"), ("b", "Đ khóa")]:
        publish(slug, title, [("Bài", "Về chữ ký số.")])
    assert found("chu ky so") == ["a", "b", "c"]


# --- bounds and hostile input -------------------------------------------------------------------


HOSTILE = [
    '"',
    "*",
    "(",
    ")",
    "NEAR",
    "-",
    "NEAR(chữ ký)",
    '"CNTT',
    "CNTT*",
    "CNTT OR",
    "NOT CNTT",
    "chữ AND ký",
    "'; DROP TABLE lms_search_documents; --",
    "\\",
    "%",
    "_",
    "^",
    "cột:giá trị",
    "{a b}",
    "a | b & !c",
    "<->",
    "x" * 500,
    "\x00",
]


@pytest.mark.parametrize("search", HOSTILE)
def test_hostile_input_never_raises(shipped, search):
    """Full-text syntax in a search is plain text: it finds something or nothing, never fails."""
    page = catalog_page(search)
    assert page.total == len(page.versions)


@pytest.mark.parametrize("search", ['"CNTT"', "CNTT*", "(CNTT)", "-CNTT", "CNTT:"])
def test_syntax_around_a_word_is_ignored(shipped, search):
    """Quotes, stars and brackets around a word search for the word."""
    assert found(search)[0] == "ky-nang-cntt"


def test_a_long_search_is_cut_and_says_so(shipped):
    """What comes past the cap is not searched, and the page is told."""
    page = catalog_page("zzq " * (MAX_QUERY_CHARS // 4) + "CNTT")
    assert page.shortened and page.versions == []
    assert not catalog_page("CNTT").shortened


def test_paging_a_search(app):
    """Results page like the catalogue; a page past the end shows the last one."""
    for number in range(5):
        publish(f"khoa-{number}", f"Khóa {number} chữ ký số")
    first, second = (
        catalog_page("chu ky so", per_page=3),
        catalog_page("chu ky so", page=9, per_page=3),
    )
    assert (first.total, first.pages, len(first.versions)) == (5, 2, 3)
    assert (second.page, len(second.versions)) == (2, 2)
