"""Publishing a course version, which can never change afterwards, asks first: the course page
links to a confirmation page (no JavaScript needed) that says what will happen.
"""

import pytest

from lms import db
from lms.accounts.models import Role
from lms.classes.models import TrainingClass
from lms.courses.models import VersionStatus
from tests.access.authoring import authoring_units, english, make_course, versions
from tests.conftest import login


@pytest.fixture
def units(make_unit):
    return authoring_units(make_unit)


@pytest.fixture
def trainer(client, units, make_person):
    login(client, make_person("giangvien", role=Role.TRAINER, unit=units.a))
    english(client)
    return client


def test_the_course_page_leads_to_the_question_not_to_publishing(trainer, units):
    """The course page has no form that publishes; its link opens the confirmation."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=(45,))
    page = trainer.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert f'href="/author/courses/{course.id}/publish"' in page
    assert f'action="/author/courses/{course.id}/publish"' not in page


def test_the_confirmation_says_what_cannot_be_undone_and_publishes_nothing(trainer, units):
    """It names the draft, the version to be archived and the classes that keep it."""
    course = make_course("khoa", units.a, statuses=("published", "draft"), minutes=(45,))
    db.session.add(
        TrainingClass(
            code="K01",
            name="Lớp 1",
            course_version_id=versions(course.id)[1].id,
            unit_id=units.a.id,
        )
    )
    db.session.commit()
    response = trainer.get(f"/author/courses/{course.id}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A published version can never be changed again." in page
    assert "Version 1 will be archived" in page and "K01" in page
    assert "Yes, publish version 2" in page
    assert f'action="/author/courses/{course.id}/publish"' in page
    assert versions(course.id)[2].status == VersionStatus.DRAFT


def test_the_confirmation_of_an_incomplete_draft_lists_its_problems(trainer, units):
    """Nothing to confirm while the draft cannot be published: 422 with the reasons."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=(30,))
    response = trainer.get(f"/author/courses/{course.id}/publish")
    assert response.status_code == 422
    assert "The draft cannot be published yet" in response.get_data(as_text=True)


def test_no_draft_no_confirmation(trainer, units):
    """A course with nothing to publish answers 409."""
    course = make_course("khoa", units.a, statuses=("published",), minutes=(45,))
    assert trainer.get(f"/author/courses/{course.id}/publish").status_code == 409
