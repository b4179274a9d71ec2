"""The catalogue page's search through the Flask client: what a found course shows, long and
hostile searches, and a query count that does not grow with the courses found.
"""

import re

import pytest

from lms import db
from lms.accounts.models import Role
from lms.courses.search.query import MAX_QUERY_CHARS
from lms.courses.services import current_version, find_course
from tests.access.learning import enrol, make_class, shipped_version
from tests.conftest import login
from tests.test_query_budgets import assert_no_query_per_row
from tests.test_search import HOSTILE, SHIPPED, publish

COURSE_LINK = re.compile(r'href="/courses/([a-z0-9-]+)"')


@pytest.fixture
def shipped(app):
    for slug in SHIPPED:
        shipped_version(slug)
    db.session.commit()


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit)


def catalogue(client, search: str, **params) -> str:
    response = client.get("/courses/", query_string={"q": search, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_cntt_lists_the_it_skills_course_first(client, shipped, learner):
    """The catalogue's first course for "CNTT" is the IT-skills course."""
    page = catalogue(login(client, learner), "CNTT")
    assert COURSE_LINK.findall(page)[0] == "ky-nang-cntt"


def test_a_found_course_shows_the_module_and_the_words_found(client, learner, unit):
    """Under a course found in a body: the module's number and title, and for a learner of the
    course the words around the match with the match marked."""
    publish("khoa", "Khóa Z", [("Bài một", "Mở đầu."), ("Dân cư", "Triển khai Đề án 06 ở xã.")])
    training_class = make_class(current_version(find_course("khoa")), unit, "Z-1")
    enrol(training_class, learner)
    db.session.commit()
    page = catalogue(login(client, learner), "de an 06")
    assert "Bài 2: Dân cư" in page
    assert "Triển khai <mark>Đề án 06</mark> ở xã." in page


def test_module_words_show_only_to_its_learners_and_staff(client, learner, unit, make_person):
    """Module text is read in a class: a learner not enrolled sees which module matched but not
    its words (a snippet per search could walk a whole module), a trainer sees them."""
    publish("khoa", "Khóa Z", [("Bài một", "Mở đầu."), ("Dân cư", "Triển khai Đề án 06 ở xã.")])
    page = catalogue(login(client, learner), "de an 06")
    assert "Bài 2: Dân cư" in page and "Triển khai" not in page
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    page = catalogue(login(client, trainer), "de an 06")
    assert "Triển khai <mark>Đề án 06</mark> ở xã." in page


def test_a_search_longer_than_the_cap_is_cut_with_a_message(client, shipped, learner):
    """A search past the cap answers 200, says it was shortened, and keeps the part used."""
    search = "CNTT" + " ky" * MAX_QUERY_CHARS
    page = catalogue(login(client, learner), search)
    assert f"Chỉ dùng {MAX_QUERY_CHARS} ký tự đầu" in page
    assert f'value="{search[:MAX_QUERY_CHARS]}"' in page
    assert f'maxlength="{MAX_QUERY_CHARS}"' in page


@pytest.mark.parametrize("search", HOSTILE)
def test_hostile_searches_answer_a_page(client, shipped, learner, search):
    """Full-text syntax, SQL and control characters in the box give a page, never an error."""
    catalogue(login(client, learner), search)


def queries_for(client, count_queries, search: str) -> list[str]:
    catalogue(client, search)  # warm up: the same work either way
    with count_queries() as statements:
        catalogue(client, search)
    return list(statements)


@pytest.mark.parametrize("search", ["chữ ký số", "CNTT, chữ ký số", "van ban, khonglienquan"])
def test_search_queries_do_not_grow_with_the_courses_found(client, learner, count_queries, search):
    """Searching runs as many statements with 20 courses found as with 2, none per row."""

    def add(start: int, count: int) -> None:
        for number in range(start, start + count):
            publish(
                f"khoa-{number:02d}",
                f"Khóa {number} chữ ký số",
                [("Văn bản", "Văn bản có chữ ký số, CNTT."), ("Bài hai", "Công nghệ thông tin.")],
            )

    login(client, learner)
    add(0, 2)
    few = queries_for(client, count_queries, search)
    add(2, 18)
    many = queries_for(client, count_queries, search)
    assert len(many) == len(few)
    assert_no_query_per_row(many)
