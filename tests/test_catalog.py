"""The course catalog (search without diacritics, topics, pages) and a course's page, with the
classes a learner may join on their own.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import LearnerProfile
from lms.classes import enrolment as enrolments
from lms.classes.models import Enrolment, EnrolmentStatus
from lms.courses import services, views
from lms.courses.models import Course, CourseVersion, Module, VersionStatus
from lms.courses.search import index
from lms.courses.search.services import catalog_page
from lms.text import fold
from tests.access.learning import enrol, make_class, shipped_version, small_source
from tests.conftest import csrf_token, login

SHIPPED = ("mot-cua", "ky-nang-cntt", "giao-tiep-cong-dan", "ra-soat-tthc")
COURSE_LINK = re.compile(r'href="/courses/([a-z0-9-]+)"')


@pytest.fixture
def shipped(app):
    return {slug: shipped_version(slug) for slug in SHIPPED}


@pytest.fixture
def unit(make_unit):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    return make_unit("SO-NV", "Sở Nội vụ", parent=province)


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit)


def listed(client, query: str = "") -> list[str]:
    """Slugs of the courses the catalog lists for this query string."""
    page = client.get(f"/courses/{query}").get_data(as_text=True)
    return COURSE_LINK.findall(page)


# --- catalog ------------------------------------------------------------------------------------


def test_catalog_lists_the_published_courses(client, shipped, learner):
    """Every shipped course is in the catalog, with its hours."""
    login(client, learner)
    assert sorted(listed(client)) == sorted(SHIPPED)
    page = client.get("/courses/").get_data(as_text=True)
    assert shipped["mot-cua"].title in page


@pytest.mark.parametrize(
    "search", ["co che mot cua", "CƠ CHẾ MỘT CỬA", "cơ chế một cửa", "Co  Che"]
)
def test_search_ignores_diacritics_and_case(client, shipped, learner, search):
    """ "co che mot cua" finds "cơ chế một cửa" (the one-stop course's title first), and so do
    accented and upper-case spellings."""
    login(client, learner)
    assert listed(client, f"?q={search}")[0] == "mot-cua"


def test_search_looks_in_titles_and_summaries(client, shipped, learner):
    """ "mot cua" finds the one-stop course, then the one whose summary names the one-stop desk
    (before those that only mention it in modules)."""
    login(client, learner)
    assert listed(client, "?q=mot cua")[:2] == ["mot-cua", "giao-tiep-cong-dan"]


def test_search_matches_every_word(client, shipped, learner):
    """All words must match; a word no course has gives an empty list."""
    login(client, learner)
    assert "ky-nang-cntt" in listed(client, "?q=ky nang")
    assert listed(client, "?q=mot cua khonglienquan") == []


def test_search_treats_wildcards_as_text(client, shipped, learner):
    """SQL wildcards in the search box are plain characters."""
    login(client, learner)
    assert listed(client, "?q=%25") == [] and listed(client, "?q=_") == []


def test_topic_filter(client, shipped, learner):
    """Filtering by topic shows that topic's courses only; an unknown topic shows all."""
    login(client, learner)
    assert listed(client, "?topic=it-skills") == ["ky-nang-cntt"]
    assert listed(client, "?topic=communication&q=mot cua") == ["giao-tiep-cong-dan"]
    assert len(listed(client, "?topic=nonsense")) == 4


def test_drafts_and_replaced_versions_stay_out(client, shipped, learner, tmp_path):
    """Only the newest published version of a course is listed; drafts never."""
    services.load_source(small_source(tmp_path, "ban-nhap", title="Khóa cũ"))
    services.load_source(small_source(tmp_path, "ban-nhap", title="Khóa mới", modules=2))
    course = services.find_course("ban-nhap")
    db.session.add(
        CourseVersion(course=course, number=9, title="Khóa nháp", status=VersionStatus.DRAFT)
    )
    db.session.commit()
    page = login(client, learner).get("/courses/?q=khoa").get_data(as_text=True)
    assert "Khóa mới" in page and "Khóa cũ" not in page and "Khóa nháp" not in page


def test_catalog_pages(client, learner, tmp_path):
    """Twenty-five courses make two pages; the pager keeps the search."""
    for number in range(25):
        services.load_source(small_source(tmp_path, f"khoa-{number:02d}"))
    db.session.commit()
    login(client, learner)
    first, second = listed(client, "?q=khoa"), listed(client, "?q=khoa&page=2")
    assert len(first) == views.CATALOG_PAGE_SIZE and len(second) == 5
    assert not set(first) & set(second)
    assert "page=2" in client.get("/courses/?q=khoa").get_data(as_text=True)


def test_catalog_service_counts_matches(app, shipped):
    """The service gives the total and clamps a page number past the end."""
    page = catalog_page("tthc", page=7)
    assert page.total == len(page.versions) and page.page == page.pages == 1


# --- course page --------------------------------------------------------------------------------


def test_course_page_describes_the_course(client, shipped, learner):
    """Summary, objectives, audience, periods and every module with its minutes."""
    version = shipped["mot-cua"]
    page = login(client, learner).get("/courses/mot-cua").get_data(as_text=True)
    assert version.summary.split()[0] in page and version.audience in page
    for objective in version.objectives:
        assert objective.replace('"', "&#34;") in page
    for module in version.modules:
        assert module.title in page
    assert f"<dd>{version.hours}</dd>" in page


def test_unknown_or_unpublished_course_is_404(client, learner, tmp_path):
    """No such slug, or a course with drafts only, is not found."""
    services.load_source(small_source(tmp_path, "chi-nhap"))
    services.find_course("chi-nhap").versions[0].status = VersionStatus.DRAFT
    db.session.commit()
    login(client, learner)
    assert client.get("/courses/khong-co").status_code == 404
    assert client.get("/courses/chi-nhap").status_code == 404


def open_class(version, unit, code: str, **fields):
    today = enrolments.today()
    defaults = {
        "self_enrol": True,
        "enrol_opens_on": today - timedelta(days=1),
        "enrol_closes_on": today + timedelta(days=7),
    }
    return make_class(version, unit, code, **{**defaults, **fields})


def offered(client, slug: str = "mot-cua") -> set[str]:
    page = client.get(f"/courses/{slug}").get_data(as_text=True)
    return set(re.findall(r"/classes/(\d+)/enrol-self", page))


def test_course_page_offers_open_classes_of_my_units(client, shipped, unit, learner, make_unit):
    """Classes open to the learner's unit subtree, with the window open, offer a form."""
    version = shipped["mot-cua"]
    today = enrolments.today()
    other = make_unit("SO-KHAC", "Sở Khác")
    upper = unit.parent
    expected = {
        open_class(version, unit, "MO-1"),
        open_class(version, other, "MO-2", self_enrol_unit_id=upper.id),
        open_class(version, unit, "MO-3", enrol_opens_on=None, enrol_closes_on=None),
    }
    open_class(version, unit, "DONG-1", self_enrol=False)
    open_class(version, unit, "DONG-2", enrol_closes_on=today - timedelta(days=1))
    open_class(version, unit, "DONG-3", enrol_opens_on=today + timedelta(days=1))
    open_class(version, other, "DONG-4")
    open_class(shipped["ky-nang-cntt"], unit, "DONG-5")
    db.session.commit()
    login(client, learner)
    assert offered(client) == {str(c.id) for c in expected}


def test_course_page_leaves_out_classes_that_ended(client, shipped, unit, learner):
    """A class that ended is not offered, even when its enrolment window was left open."""
    yesterday = enrolments.today() - timedelta(days=1)
    open_class(
        shipped["mot-cua"],
        unit,
        "HET-1",
        starts_on=yesterday - timedelta(days=30),
        ends_on=yesterday,
        enrol_closes_on=None,
    )
    db.session.commit()
    page = login(client, learner).get("/courses/mot-cua").get_data(as_text=True)
    assert "HET-1" not in page and offered(client) == set()


def test_upcoming_classes_show_when_enrolment_opens(client, shipped, unit, learner):
    """A class whose window opens later is listed with its opening date and no button."""
    opens = enrolments.today() + timedelta(days=5)
    upcoming = open_class(shipped["mot-cua"], unit, "SAP-1", enrol_opens_on=opens)
    db.session.commit()
    page = login(client, learner).get("/courses/mot-cua").get_data(as_text=True)
    assert "SAP-1" in page
    assert f"Mở đăng ký từ {opens:%d/%m/%Y}" in page
    assert str(upcoming.id) not in offered(client)


def test_course_page_offers_exactly_what_the_endpoint_accepts(
    app, client, shipped, unit, learner, make_unit
):
    """Every class with a button is one the self-enrolment service takes, and no other."""
    version, today = shipped["mot-cua"], enrolments.today()
    day = timedelta(days=1)
    classes = [
        open_class(version, unit, "A-1"),
        open_class(version, unit, "A-2", enrol_opens_on=None, enrol_closes_on=None),
        open_class(version, unit, "A-3", enrol_closes_on=today),
        open_class(version, unit, "A-4", enrol_opens_on=today, ends_on=today),
        open_class(version, unit, "B-1", enrol_closes_on=None, ends_on=today - day),
        open_class(version, unit, "B-2", enrol_opens_on=today + day),
        open_class(version, unit, "B-3", enrol_closes_on=today - day),
        open_class(version, unit, "B-4", self_enrol=False),
        open_class(version, make_unit("SO-KHAC", "Sở Khác"), "B-5"),
    ]
    db.session.commit()
    profile = db.session.get(LearnerProfile, str(learner.id))
    with app.test_request_context():
        accepted = {str(c.id) for c in classes if enrolments.self_enrol_refusal(c, profile) == ""}
    assert {c.code for c in classes if str(c.id) in accepted} == {"A-1", "A-2", "A-3", "A-4"}
    assert offered(login(client, learner)) == accepted


def test_classes_i_am_in_are_linked_not_offered(client, shipped, unit, learner):
    """A class the learner is in links to its page instead of offering to join."""
    training_class = open_class(shipped["mot-cua"], unit, "MO-1")
    enrol(training_class, learner)
    db.session.commit()
    login(client, learner)
    assert offered(client) == set()
    page = client.get("/courses/mot-cua").get_data(as_text=True)
    assert f'href="/learn/{training_class.id}"' in page


def test_full_class_has_no_form(client, shipped, unit, learner, make_person):
    """A class at capacity says so and offers no button."""
    training_class = open_class(shipped["mot-cua"], unit, "DAY-1", capacity=1)
    enrol(training_class, make_person(unit=unit))
    db.session.commit()
    page = login(client, learner).get("/courses/mot-cua").get_data(as_text=True)
    assert "DAY-1" in page and offered(client) == set()


def test_no_form_until_the_self_enrol_endpoint_exists(client, shipped, unit, learner, monkeypatch):
    """The join button only appears when the enrolment endpoint is installed."""
    open_class(shipped["mot-cua"], unit, "MO-1")
    db.session.commit()
    monkeypatch.setattr(views, "SELF_ENROL_ENDPOINT", "lms.classes.not_built_yet")
    page = login(client, learner).get("/courses/mot-cua").get_data(as_text=True)
    assert "MO-1" in page and "enrol-self" not in page


def test_joining_from_the_course_page(client, app, shipped, unit, learner):
    """The join form enrols the learner, who then finds the class in "my classes"."""
    if views.SELF_ENROL_ENDPOINT not in app.view_functions:
        pytest.skip("self-enrolment is not installed")
    training_class = open_class(shipped["mot-cua"], unit, "MO-1")
    db.session.commit()
    login(client, learner)
    token = csrf_token(client, "/courses/mot-cua")
    client.post(f"/classes/{training_class.id}/enrol-self", data={"csrf_token": token})
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.class_id == training_class.id))
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert f"/learn/{training_class.id}" in client.get("/").get_data(as_text=True)


# --- bounded queries ----------------------------------------------------------------------------


def seed_courses(start: int, count: int, modules: int = 3) -> None:
    """Insert published courses directly (fast), each with a few modules, and index them."""
    for number in range(start, start + count):
        title = f"Khóa học số {number}"
        version = CourseVersion(
            course=Course(slug=f"khoa-{number:03d}"),
            number=1,
            status=VersionStatus.PUBLISHED,
            title=title,
            summary="Tóm tắt.",
            search_text=fold(f"{title} Tóm tắt."),
            modules=[
                Module(position=p, slug=f"{p:02d}-bai", title=f"Bài {p}", minutes=20)
                for p in range(1, modules + 1)
            ],
        )
        db.session.add(version)
        db.session.flush()
        index.index_version(version)
    db.session.commit()


def queries_for(client, count_queries, url: str) -> int:
    assert client.get(url).status_code == 200  # warm up: the same work either way
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/courses/", "/courses/?q=khoa hoc&topic=other&page=2"])
def test_catalog_queries_do_not_grow_with_courses(client, learner, count_queries, url):
    """The catalog runs as many queries for 200 courses as for 10."""
    login(client, learner)
    seed_courses(0, 10)
    few = queries_for(client, count_queries, url)
    seed_courses(10, 190)
    assert queries_for(client, count_queries, url) == few


def test_course_page_queries_do_not_grow_with_classes(
    client, shipped, unit, learner, make_person, count_queries
):
    """A course page offering 40 classes runs as many queries as one offering 2."""
    version = shipped["mot-cua"]
    other = make_person(unit=unit)

    def add_classes(start: int, count: int) -> None:
        for number in range(start, start + count):
            training_class = open_class(version, unit, f"MO-{number}", capacity=5)
            enrol(training_class, other)
            if number % 2:
                enrol(training_class, learner)
        db.session.commit()

    login(client, learner)
    add_classes(0, 2)
    few = queries_for(client, count_queries, "/courses/mot-cua")
    add_classes(2, 38)
    assert queries_for(client, count_queries, "/courses/mot-cua") == few
