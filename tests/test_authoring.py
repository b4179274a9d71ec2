"""Trainers author courses in the browser: who may edit what, the trainer's course list,
drafts and publishing, modules and the live preview.
"""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import db
from lms.accounts.models import Account, Role
from lms.audit.models import AuditEvent
from lms.classes.models import TrainingClass
from lms.content import loader
from lms.courses import editing, services
from lms.courses.models import Course, CourseVersion, VersionStatus
from lms.rendering import render_markdown
from tests.access.authoring import (
    BODY,
    authoring_units,
    english,
    make_course,
    post,
    versions,
)
from tests.conftest import csrf_token, login


@pytest.fixture
def units(make_unit):
    return authoring_units(make_unit)


@pytest.fixture
def trainer(client, units, make_person):
    """The client, logged in as a trainer of department A."""
    login(client, make_person("giangvien", role=Role.TRAINER, unit=units.a))
    return client


# --- who may edit ------------------------------------------------------------------------------


def test_trainer_edits_courses_of_own_subtree_only(trainer, units):
    """A trainer of A opens courses of A and of units below A, not those of B."""
    own, below, other = (
        make_course(s, u) for s, u in [("a", units.a), ("a1", units.a1), ("b", units.b)]
    )
    assert trainer.get(f"/author/courses/{own.id}").status_code == 200
    assert trainer.get(f"/author/courses/{below.id}").status_code == 200
    assert trainer.get(f"/author/courses/{other.id}").status_code == 403
    assert trainer.get("/author/courses/999999").status_code == 404


@pytest.mark.parametrize(
    ("role", "unit", "status"),
    [("trainer", "a", 403), ("trainer", "province", 200), ("admin", "a", 200)],
)
def test_shipped_course_belongs_to_top_trainers_and_admins(
    client, units, make_person, role, unit, status
):
    """A shipped course (no owner) is edited by trainers of a whole tree and by admins."""
    shipped = make_course("shipped")
    login(client, make_person("nguoi", role=role, unit=getattr(units, unit)))
    assert client.get(f"/author/courses/{shipped.id}").status_code == status


def test_trainer_home_lists_versions_drafts_and_classes(trainer, units):
    """The trainer's home lists editable courses, their versions, drafts and classes per version."""
    course = make_course("mot-cua-a", units.a, statuses=("archived", "published", "draft"))
    make_course("khoa-b", units.b, title="Khóa của Sở B")
    by_number = versions(course.id)
    for code, number in [("K01", 1), ("K02", 2)]:
        db.session.add(
            TrainingClass(
                code=code,
                name=f"Lớp {code}",
                course_version_id=by_number[number].id,
                unit_id=units.a.id,
            )
        )
    db.session.commit()
    page = trainer.get("/trainer").get_data(as_text=True)
    assert "Khóa thử v3" in page and "Khóa của Sở B" not in page
    assert re.search(r"1\D+K01", page) and re.search(r"2\D+K02", page)
    detail = trainer.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "K01 — Lớp K01" in detail and "K02 — Lớp K02" in detail


def test_trainer_home_leads_to_the_quizzes_of_classes_taught(trainer, units):
    """Classes the trainer teaches link to their quiz pages; other classes are not listed."""
    from lms.classes.models import ClassTrainer

    course = make_course("day-hoc", units.a)
    version_id = versions(course.id)[1].id
    taught, other = (
        TrainingClass(
            code=code, name=f"Lớp {code}", course_version_id=version_id, unit_id=units.a.id
        )
        for code in ("DAY-1", "KHAC-1")
    )
    db.session.add_all([taught, other])
    db.session.flush()
    trainer_id = db.session.scalar(select(Account.id).where(Account.username == "giangvien"))
    db.session.add(ClassTrainer(class_id=taught.id, user_id=str(trainer_id)))
    db.session.commit()
    page = trainer.get("/trainer").get_data(as_text=True)
    assert f'href="/quizzes/class/{taught.id}"' in page
    assert "DAY-1 — Lớp DAY-1" in page and f'/quizzes/class/{other.id}"' not in page
    assert "Ngân hàng câu hỏi" in page and "Chấm bài" in page


def test_trainer_home_query_count_is_bounded(trainer, units, count_queries):
    """The course list runs the same number of queries for 2 courses as for 20."""
    counts = []
    for total in (2, 20):
        for n in range(len(counts) * 2, total):
            make_course(f"khoa-{n}", units.a, statuses=("published", "draft"))
        with count_queries() as statements:
            assert trainer.get("/trainer").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- courses, drafts, publishing ---------------------------------------------------------------


COURSE_FORM = {
    "slug": "giao-tiep-moi",
    "title": "Giao tiếp với người dân",
    "summary": "Kỹ năng tiếp dân tại bộ phận một cửa.",
    "topic": "communication",
    "audience": "Công chức bộ phận một cửa",
    "objectives": "Lắng nghe người dân\r\n\r\nGiải thích thủ tục rõ ràng\r\n",
    "pass_mark": "80",
    "quiz_slug": "",
}


def test_create_course_makes_draft_version_one(trainer, units):
    """Creating a course makes draft version 1 owned by the chosen unit."""
    response = post(
        trainer, "/author/courses/new", {**COURSE_FORM, "owner_unit_id": str(units.a1.id)}
    )
    assert response.status_code == 302
    course = services.find_course("giao-tiep-moi")
    assert course.owner_unit_id == units.a1.id
    (version,) = course.versions
    assert (version.number, version.status, version.pass_mark) == (1, VersionStatus.DRAFT, 80)
    assert version.objectives == ["Lắng nghe người dân", "Giải thích thủ tục rõ ràng"]
    assert version.search_text.startswith("giao tiep voi nguoi dan")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "Giao Tiếp"),
        ("slug", "mot-cua"),
        ("owner_unit_id", "b"),
        ("title", ""),
        ("pass_mark", "101"),
    ],
)
def test_create_course_refuses_bad_input(trainer, units, field, value):
    """A bad or taken short name, a unit outside the trainer's tree or a bad field: 422, nothing."""
    make_course("mot-cua", units.a)
    data = {**COURSE_FORM, "owner_unit_id": str(units.a.id)}
    data[field] = str(units.b.id) if value == "b" else value
    assert post(trainer, "/author/courses/new", data).status_code == 422
    assert db.session.scalar(select(func.count(Course.id))) == 1


def test_start_draft_copies_the_published_version(trainer, units):
    """ "Start a new draft" copies the newest version and all its modules, numbered after it."""
    course = make_course("khoa", units.a, minutes=(45, 30, 15))
    assert post(trainer, f"/author/courses/{course.id}/draft").status_code == 302
    assert post(trainer, f"/author/courses/{course.id}/draft").status_code == 302
    by_number = versions(course.id)
    assert sorted(by_number) == [1, 2]
    draft = by_number[2]
    assert draft.status == VersionStatus.DRAFT
    assert [(m.position, m.slug, m.minutes, m.body) for m in draft.modules] == [
        (m.position, m.slug, m.minutes, m.body) for m in by_number[1].modules
    ]
    assert by_number[1].status == VersionStatus.PUBLISHED


def test_start_draft_race_is_refused_by_the_database_and_harmless(trainer, units, monkeypatch):
    """Two requests copying the same version clash on (course, number); the loser of such a
    double click lands back on the course page instead of an error.
    """
    course = make_course("khoa", units.a)
    stale = db.session.get(Course, course.id)
    assert stale.versions  # loaded now, before the other request adds its draft
    with Session(db.session.get_bind()) as other:
        other.add(CourseVersion(course_id=course.id, number=2, status="draft", title="Nháp"))
        other.commit()
    with pytest.raises(IntegrityError):
        editing.start_draft(stale)
    db.session.rollback()

    def lose_the_race(*args):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(editing, "start_draft", lose_the_race)
    response = post(trainer, f"/author/courses/{course.id}/draft")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/author/courses/{course.id}"
    )
    monkeypatch.setattr(editing, "add_module", lose_the_race)
    form = {"title": "Bài mới", "minutes": "45", "body": "Văn bản", "action": "save"}
    response = post(trainer, f"/author/courses/{course.id}/versions/2/modules/new", form)
    assert response.status_code == 422 and "Văn bản" in response.get_data(as_text=True)


def test_edit_course_details_of_the_draft(trainer, units):
    """Course details are edited in the draft; without a draft the page sends the trainer back."""
    course = make_course("khoa", units.a, statuses=("published",))
    assert trainer.get(f"/author/courses/{course.id}/edit").status_code == 302
    post(trainer, f"/author/courses/{course.id}/draft")
    response = post(
        trainer, f"/author/courses/{course.id}/edit", {**COURSE_FORM, "title": "Tên mới"}
    )
    assert response.status_code == 302
    assert (
        versions(course.id)[2].title == "Tên mới" and versions(course.id)[1].title == "Khóa thử v1"
    )


def test_published_version_cannot_change(trainer, units):
    """Saving a module of a published version is 409: the text stays on the page, unsaved."""
    course = make_course("khoa", units.a)
    url = f"/author/courses/{course.id}/versions/1/modules/1"
    data = {"title": "Bài mới", "minutes": "45", "body": "Văn bản của giảng viên", "action": "save"}
    response = post(trainer, url, data)
    assert response.status_code == 409
    assert "Văn bản của giảng viên" in response.get_data(as_text=True)
    assert versions(course.id)[1].modules[0].title == "Bài 1"
    assert post(trainer, f"{url}/delete").status_code == 409
    assert (
        post(trainer, f"/author/courses/{course.id}/versions/1/modules/new", data).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("minutes", "body", "message"),
    [
        ((), BODY, "at least one module"),
        ((45,), "", "needs at least 50"),
        ((45, 5), BODY, "add 40 minutes or remove 5"),
        ((45,), "Quá ngắn.", "needs at least 50"),
        ((45,), BODY + " ![sơ đồ](assets/so-do.png)", "assets/so-do.png, which is not uploaded"),
    ],
)
def test_publish_refuses_an_incomplete_draft(trainer, units, minutes, body, message):
    """Publishing checks modules, whole 45-minute periods, body length and linked files."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=minutes)
    for module in versions(course.id)[1].modules:
        module.body = body
    db.session.commit()
    english(trainer)
    response = post(trainer, f"/author/courses/{course.id}/publish")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert versions(course.id)[1].status == VersionStatus.DRAFT


def test_publish_archives_the_previous_version(trainer, units):
    """Publishing sets hours from minutes and the date, archives the old version (its classes
    keep it) and leaves an audit event.
    """
    course = make_course("khoa", units.a, statuses=("published", "draft"), minutes=(60, 30))
    old = versions(course.id)[1]
    db.session.add(
        TrainingClass(code="K01", name="Lớp 1", course_version_id=old.id, unit_id=units.a.id)
    )
    db.session.commit()
    assert post(trainer, f"/author/courses/{course.id}/publish").status_code == 302
    by_number = versions(course.id)
    assert by_number[1].status == VersionStatus.ARCHIVED
    assert by_number[2].status == VersionStatus.PUBLISHED
    assert by_number[2].hours == 2 and by_number[2].published_at is not None
    assert services.current_version(course).number == 2
    assert db.session.scalar(select(TrainingClass.course_version_id)) == old.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.publish"))
    assert event.after["number"] == 2 and event.before["published"] == [1]


def test_published_course_exports_and_loads_unchanged(trainer, units, tmp_path):
    """A course published in the browser exports to a folder that passes `lms content check`
    and loads back as "unchanged", even after its modules were reordered.
    """
    course = make_course("khoa-xuat", units.a, statuses=("draft",), minutes=(30, 45, 15))
    base = f"/author/courses/{course.id}/versions/1/modules"
    post(trainer, f"{base}/3/move", {"direction": "up"})
    post(trainer, f"{base}/1/move", {"direction": "down"})
    assert post(trainer, f"/author/courses/{course.id}/publish").status_code == 302
    folder = services.export_course(services.find_course("khoa-xuat"), tmp_path / "khoa-xuat")
    assert loader.check(folder) == []
    assert services.load_source(loader.read_course(folder)).outcome == "unchanged"


# --- modules -------------------------------------------------------------------------------------


def module_form(**fields):
    return {
        "title": "Tiếp nhận hồ sơ",
        "minutes": "45",
        "required": "y",
        "body": BODY,
        "action": "save",
        **fields,
    }


def test_add_and_edit_a_module(trainer, units):
    """A module is added at the end with a slug from its title; saving keeps LF line ends."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=(30,))
    base = f"/author/courses/{course.id}/versions/1/modules"
    response = post(trainer, f"{base}/new", module_form(title="Tiếp nhận hồ sơ đúng hạn"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/2")
    response = post(trainer, f"{base}/2", module_form(body="Dòng một\r\nDòng hai", required=""))
    assert response.status_code == 302
    module = versions(course.id)[1].modules[1]
    assert module.slug == "02-tiep-nhan-ho-so-dung-han"
    assert (module.body, module.required) == ("Dòng một\nDòng hai", False)


def test_module_form_errors_are_422(trainer, units):
    """A module without title or with zero minutes is refused with 422."""
    course = make_course("khoa", units.a, statuses=("draft",))
    base = f"/author/courses/{course.id}/versions/1/modules"
    assert post(trainer, f"{base}/new", module_form(title="")).status_code == 422
    assert post(trainer, f"{base}/1", module_form(minutes="0")).status_code == 422
    assert len(versions(course.id)[1].modules) == 1


def test_preview_button_renders_without_saving(trainer, units):
    """Without JavaScript, "Preview" renders the typed text on the page and saves nothing."""
    course = make_course("khoa", units.a, statuses=("draft",))
    url = f"/author/courses/{course.id}/versions/1/modules/1"
    response = post(trainer, url, module_form(body="**Phiếu hẹn** trả kết quả", action="preview"))
    assert response.status_code == 200
    assert "<strong>Phiếu hẹn</strong> trả kết quả" in response.get_data(as_text=True)
    assert versions(course.id)[1].modules[0].body == BODY


def test_delete_module_closes_the_gap(trainer, units):
    """Deleting a module moves the later ones up; positions stay 1..n and slugs follow."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=(10, 20, 30))
    assert (
        post(trainer, f"/author/courses/{course.id}/versions/1/modules/1/delete").status_code == 302
    )
    modules = versions(course.id)[1].modules
    assert [(m.position, m.slug, m.minutes) for m in modules] == [
        (1, "01-bai-2", 20),
        (2, "02-bai-3", 30),
    ]


def test_move_module_swaps_neighbours(trainer, units):
    """Up and down swap neighbours (unique positions kept); the ends do not move; other is 400."""
    course = make_course("khoa", units.a, statuses=("draft",), minutes=(10, 20, 30))
    base = f"/author/courses/{course.id}/versions/1/modules"
    assert post(trainer, f"{base}/1/move", {"direction": "down"}).status_code == 302
    assert post(trainer, f"{base}/3/move", {"direction": "up"}).status_code == 302
    assert post(trainer, f"{base}/1/move", {"direction": "up"}).status_code == 302
    assert post(trainer, f"{base}/1/move", {"direction": "sideways"}).status_code == 400
    modules = versions(course.id)[1].modules
    assert [(m.position, m.minutes) for m in modules] == [(1, 20), (2, 30), (3, 10)]
    assert [m.slug for m in modules] == ["01-bai-2", "02-bai-3", "03-bai-1"]


# --- live preview --------------------------------------------------------------------------------


def test_preview_json_is_the_published_renderer(trainer):
    """POST /author/preview (JSON, CSRF header) returns exactly what render_markdown gives."""
    text = "## Một cửa\n\n<script>alert(1)</script>[x](javascript:alert(1)) **rõ ràng**"
    response = trainer.post(
        "/author/preview",
        json={"text": text},
        headers={"X-CSRFToken": csrf_token(trainer, "/profile")},
    )
    assert response.status_code == 200
    assert response.json["html"] == str(render_markdown(text))
    assert "<script" not in response.json["html"]


def test_preview_refuses_deep_or_broken_json_with_400(trainer):
    """A JSON body too deep for the parser, or not JSON at all, is a 400 with a message."""
    headers = {"X-CSRFToken": csrf_token(trainer, "/profile"), "Content-Type": "application/json"}
    for raw in ("[" * 100_000, '{"text": '):
        response = trainer.post("/author/preview", data=raw, headers=headers)
        assert response.status_code == 400 and response.json["error"]


def test_preview_form_body_and_limits(trainer):
    """The preview takes a form body too; no CSRF token is 400 and a huge text 413."""
    assert (
        post(trainer, "/author/preview", {"text": "*nghiêng*"}).json["html"]
        == "<p><em>nghiêng</em></p>"
    )
    assert trainer.post("/author/preview", json={"text": "x"}).status_code == 400
    assert post(trainer, "/author/preview", {"text": "x" * 200_001}).status_code == 413
