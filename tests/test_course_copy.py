"""Copying a course: a trainer starts from a shipped course, or another unit's, with a draft of
their own holding its published version; the copy is deep (files included) and the source stays
as it was.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.copies import copy_slug
from lms.courses import attachments, copying, editing, storage
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.courses.services import find_course
from tests import test_authoring
from tests.access.authoring import BODY, PNG, fetch, make_course, post, versions
from tests.conftest import login

# The units (province ⊃ A ⊃ A1, and B) and the signed-in trainer of A of the authoring tests.
units, trainer = test_authoring.units, test_authoring.trainer


@pytest.fixture
def source(units) -> Course:
    """A course of unit B: version 1 archived, 2 published (with a file, a law citation and a
    review date), 3 a draft nobody published."""
    course = make_course("ho-so-b", units.b, statuses=("archived", "published", "draft"))
    published = versions(course.id)[2]
    published.sources = ["118/2025/NĐ-CP"]
    published.modules[0].body = f"![Sơ đồ](assets/so-do.png)\n\n{BODY}"
    published.modules[0].reviewed = date(2025, 9, 1)
    db.session.add(
        Attachment(
            course_id=course.id,
            name="so-do.png",
            content_type="image/png",
            size=len(PNG),
            sha256=storage.save(PNG),
        )
    )
    db.session.commit()
    return course


def plan_of(course: Course) -> copying.CopyPlan:
    return copying.plan_copy(versions(course.id)[2])


def copy_of(course: Course, unit, slug: str = "ho-so-cua-a") -> CourseVersion:
    draft = copying.copy_course(plan_of(course), slug, "Hồ sơ (bản sao)", unit)
    db.session.commit()
    return draft


DETAILS = editing.CourseDetails(
    title="Khác", summary="", topic="", audience="", objectives=[], pass_mark=80, quiz_slug=None
)


def course_count() -> int:
    return db.session.scalar(select(func.count(Course.id)))


# --- the service ---------------------------------------------------------------------------------


def test_copy_is_a_draft_of_the_published_version(source, units):
    """The copy is version 1, a draft of unit A, holding version 2's details and modules."""
    draft = copy_of(source, units.a)
    copy = db.session.get(Course, draft.course_id)
    assert copy.owner_unit_id == units.a.id
    assert [(v.number, v.status) for v in copy.versions] == [(1, VersionStatus.DRAFT)]
    assert draft.title == "Hồ sơ (bản sao)" and draft.published_at is None
    assert draft.summary == "Tóm tắt khóa học." and draft.objectives == ["Nắm quy trình"]
    assert [m.title for m in draft.modules] == ["Bài 1"]


def test_copy_keeps_law_citations_and_review_dates(source, units):
    """The legal documents, the cited text and the last-checked date come along."""
    draft = copy_of(source, units.a)
    assert draft.sources == ["118/2025/NĐ-CP"]
    assert draft.modules[0].reviewed == date(2025, 9, 1)
    assert draft.modules[0].body.startswith("![Sơ đồ](assets/so-do.png)")


def test_editing_the_copy_leaves_the_source_unchanged(source, units):
    """A module edited, added and deleted in the copy changes nothing of the source's."""
    draft = copy_of(source, units.a)
    before = [(m.id, m.title, m.body) for m in versions(source.id)[2].modules]
    module = draft.modules[0]
    editing.update_module(
        module, editing.ModuleDetails("Bài đã sửa", 45, True, None, "Nội dung mới")
    )
    editing.add_module(draft, editing.ModuleDetails("Bài thêm", 45, True, None, BODY))
    editing.delete_module(module)
    db.session.commit()
    db.session.expire_all()
    assert [(m.id, m.title, m.body) for m in versions(source.id)[2].modules] == before
    assert {m.id for m in draft.modules}.isdisjoint(m for m, _t, _b in before)


def test_linked_files_are_copied_as_files_of_the_copy(source, units):
    """The copy has its own attachment row; deleting it leaves the source's file and row."""
    draft = copy_of(source, units.a)
    copy = db.session.get(Course, draft.course_id)
    own = attachments.find_attachment(copy, "so-do.png")
    original = attachments.find_attachment(source, "so-do.png")
    assert own.id != original.id and own.course_id == copy.id
    assert storage.path_of(own.sha256).read_bytes() == PNG
    attachments.delete_attachment(own)
    db.session.commit()
    assert attachments.find_attachment(source, "so-do.png") is not None
    assert storage.path_of(original.sha256).read_bytes() == PNG


def test_only_files_the_version_links_to_are_copied(source, units):
    """A file of the source that no module of the copied version links to stays behind."""
    db.session.add(
        Attachment(
            course_id=source.id,
            name="nhap.png",
            content_type="image/png",
            size=len(PNG),
            sha256=storage.save(PNG),
        )
    )
    db.session.commit()
    draft = copy_of(source, units.a)
    names = db.session.scalars(
        select(Attachment.name).where(Attachment.course_id == draft.course_id)
    )
    assert list(names) == ["so-do.png"]


def test_a_taken_short_name_writes_nothing(source, units):
    """The copy is refused whole when its short name names a course already."""
    count = course_count()
    with pytest.raises(ServiceError, match="ho-so-b"):
        copying.copy_course(plan_of(source), "ho-so-b", "Bản sao", units.a)
    db.session.rollback()
    assert course_count() == count


def test_a_name_taken_between_check_and_write_is_refused_not_a_500(source, units, monkeypatch):
    """Two trainers picking one short name at once: the second is told it is taken, and the
    request's other work survives (only its savepoint is undone)."""
    monkeypatch.setattr(editing, "find_course", lambda slug: None)  # the check ran before
    count = course_count()
    with pytest.raises(ServiceError, match="ho-so-b"):
        copying.copy_course(plan_of(source), "ho-so-b", "Bản sao", units.a)
    with pytest.raises(ServiceError, match="ho-so-b"):
        editing.create_course("ho-so-b", DETAILS, units.a)
    db.session.commit()
    assert course_count() == count


def test_a_file_missing_from_storage_writes_nothing(source, units):
    """A file the copy would need but storage lost refuses the copy before any write."""
    storage.path_of(storage.save(PNG)).unlink()
    count = course_count()
    with pytest.raises(ServiceError, match=r"so-do\.png"):
        copying.copy_course(plan_of(source), "ho-so-cua-a", "Bản sao", units.a)
    db.session.rollback()
    assert course_count() == count


def test_copy_is_audited(source, units):
    """An audit event names the source, its version, the copy and its unit."""
    draft = copy_of(source, units.a)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.copy"))
    assert event.object_id == str(draft.course_id)
    assert event.before == {"course": "ho-so-b", "version": 2}
    assert event.after["slug"] == "ho-so-cua-a" and event.after["files"] == ["so-do.png"]


def test_suggested_names_are_free_and_bounded(source, units):
    """`-ban-sao`, then `-ban-sao-2` once taken; a long name is cut to fit 64 characters."""
    version = versions(source.id)[2]
    assert copying.suggested_names(version) == ("ho-so-b-ban-sao", "Khóa thử v2 (bản sao)")
    copy_of(source, units.a, slug="ho-so-b-ban-sao")
    assert copying.suggested_names(version)[0] == "ho-so-b-ban-sao-2"
    long_slug = "a" * 64
    assert copy_slug(long_slug, set(), 64) == "a" * 56 + "-ban-sao"
    assert copy_slug("x-ban-sao", {"x-ban-sao"}, 64) == "x-ban-sao-2"


# --- the pages -----------------------------------------------------------------------------------


def copy_form(units) -> dict:
    return {"title": "Hồ sơ của Sở A", "slug": "ho-so-cua-a", "owner_unit_id": str(units.a.id)}


def test_confirm_page_shows_what_will_be_copied(trainer, source):
    """The page names the version, its modules, files and laws, and suggests a free name."""
    page = trainer.get("/courses/ho-so-b/copy").get_data(as_text=True)
    for text in ("Bài 1", "so-do.png", "118/2025/NĐ-CP", "01/09/2025", 'value="ho-so-b-ban-sao"'):
        assert text in page
    assert course_count() == 1


def test_trainer_copies_another_units_course_into_own_unit(trainer, source, units):
    """A trainer of A copies B's course (which they may not edit) and may edit the copy."""
    assert trainer.get(f"/author/courses/{source.id}").status_code == 403
    response = post(trainer, "/courses/ho-so-b/copy", copy_form(units))
    assert response.status_code == 303
    copy = find_course("ho-so-cua-a")
    assert response.headers["Location"] == f"/author/courses/{copy.id}"
    assert copy.owner_unit_id == units.a.id
    assert trainer.get(f"/author/courses/{copy.id}").status_code == 200
    asset = f"/author/courses/{copy.id}/versions/1/modules/assets/so-do.png"
    assert fetch(trainer, asset).status_code == 200


def test_a_taken_short_name_is_a_form_error_in_vietnamese(trainer, source, units):
    """The form comes back (422) with the reason beside the field; nothing is created."""
    response = post(trainer, "/courses/ho-so-b/copy", {**copy_form(units), "slug": "ho-so-b"})
    assert response.status_code == 422
    assert "Tên ngắn ho-so-b đã được sử dụng." in response.get_data(as_text=True)
    assert course_count() == 1


def test_a_unit_outside_the_trainers_scope_is_refused(trainer, source, units):
    """A trainer of A cannot make B the copy's owner: the form refuses, nothing is created."""
    response = post(
        trainer, "/courses/ho-so-b/copy", {**copy_form(units), "owner_unit_id": str(units.b.id)}
    )
    assert response.status_code == 422
    assert course_count() == 1


def test_copy_needs_a_csrf_token(trainer, source, units):
    """A POST without the token is refused before anything is copied."""
    response = trainer.post("/courses/ho-so-b/copy", data=copy_form(units))
    assert response.status_code == 400
    assert course_count() == 1


def test_a_course_never_published_has_nothing_to_copy(trainer, units):
    """A course with only a draft is not in the catalog, so there is no copy page for it."""
    make_course("chi-nhap", units.a, statuses=("draft",))
    assert trainer.get("/courses/chi-nhap/copy").status_code == 404


@pytest.mark.parametrize(("role", "shown"), [(Role.TRAINER, True), (Role.LEARNER, False)])
def test_course_page_offers_the_copy_to_trainers(client, source, units, make_person, role, shown):
    """The course page links to the copy page for trainers only."""
    login(client, make_person("nguoi", role=role, unit=units.a))
    page = client.get("/courses/ho-so-b").get_data(as_text=True)
    assert ('href="/courses/ho-so-b/copy"' in page) is shown


def test_the_source_keeps_its_versions(trainer, source, units):
    """After a copy through the page, the source still has its three versions as they were."""
    before = {n: (v.status, v.title) for n, v in versions(source.id).items()}
    post(trainer, "/courses/ho-so-b/copy", copy_form(units))
    db.session.expire_all()
    assert {n: (v.status, v.title) for n, v in versions(source.id).items()} == before
    assert db.session.scalar(select(func.count(Module.id))) == 4
