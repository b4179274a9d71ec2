"""Access rules of the authoring pages, and the small factories the authoring tests share.

The world's course belongs to unit A and has a published version 1 and a draft version 2. The
world's trainer holds the role on the province (a whole tree), so may edit it; so may admins.
Everyone else is refused by the role check before the course is even loaded.
"""

import tempfile
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from lms import db
from lms.accounts.models import Unit
from lms.courses import storage
from lms.courses.models import Attachment, Course, CourseVersion, Module, VersionStatus
from lms.db import utcnow
from tests.access import LOGIN
from tests.conftest import csrf_token

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
#: A module text long enough to publish (at least 50 words).
BODY = " ".join(["Cán bộ một cửa tiếp nhận hồ sơ, kiểm tra và hẹn ngày trả kết quả."] * 5)
TRAINERS = {"anonymous": LOGIN, "trainer": 200, "admin": 200, "*": 403}
TRAINERS_REDIRECTED = {"anonymous": LOGIN, "trainer": 302, "admin": 302, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.authoring.new_course": ("GET", TRAINERS),
    "lms.authoring.course": ("GET", TRAINERS),
    "lms.authoring.edit_course": ("GET", TRAINERS),
    "lms.authoring.start_draft": ("POST", TRAINERS_REDIRECTED),
    "lms.authoring.confirm_publish": ("GET", TRAINERS),
    "lms.authoring.publish": ("POST", TRAINERS_REDIRECTED),
    "lms.authoring.new_module": ("GET", TRAINERS),
    "lms.authoring.module": ("GET", TRAINERS),
    "lms.authoring.delete_module": ("POST", TRAINERS_REDIRECTED),
    "lms.authoring.move_module": ("POST", TRAINERS_REDIRECTED),
    "lms.authoring.asset": ("GET", TRAINERS),
    "lms.authoring.preview": ("POST", TRAINERS),
    "lms.authoring.attachment_list": ("GET", TRAINERS),
    "lms.authoring.delete_attachment": ("POST", TRAINERS_REDIRECTED),
}


def extend_world(world) -> None:
    if not current_app.config.get("LMS_UPLOAD_PATH"):
        # Keep test files out of the instance folder.
        current_app.config["LMS_UPLOAD_PATH"] = str(
            Path(tempfile.gettempdir()) / "lms-test-uploads"
        )
    course = make_course("khoa-soan-thu", world["unit_a"], statuses=("published", "draft"))
    attachment = Attachment(
        course_id=course.id,
        name="so-do.png",
        content_type="image/png",
        size=len(PNG),
        sha256=storage.save(PNG),
    )
    db.session.add(attachment)
    db.session.flush()
    world["authoring_course"] = course
    world["authoring_attachment"] = attachment


def url_args(world) -> dict[str, dict]:
    course_id = world["authoring_course"].id
    draft = {"course_id": course_id, "number": 2}
    return {
        "lms.authoring.course": {"course_id": course_id},
        "lms.authoring.edit_course": {"course_id": course_id},
        "lms.authoring.start_draft": {"course_id": course_id},
        "lms.authoring.confirm_publish": {"course_id": course_id},
        "lms.authoring.publish": {"course_id": course_id},
        "lms.authoring.attachment_list": {"course_id": course_id},
        "lms.authoring.delete_attachment": {
            "course_id": course_id,
            "attachment_id": world["authoring_attachment"].id,
        },
        "lms.authoring.new_module": draft,
        "lms.authoring.module": {**draft, "position": 1},
        "lms.authoring.delete_module": {**draft, "position": 1},
        "lms.authoring.move_module": {**draft, "position": 1},
        "lms.authoring.asset": {"course_id": course_id, "number": 1, "name": "so-do.png"},
    }


def form_data(world) -> dict[str, dict]:
    return {
        "lms.authoring.move_module": {"direction": "down"},
        "lms.authoring.preview": {"text": "**Một cửa**"},
    }


# --- factories for tests/test_authoring*.py ----------------------------------------------------


def authoring_units(make_unit) -> SimpleNamespace:
    """A province with departments A (and a division below it) and B."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    dept_a = make_unit("SO-A", "Sở A", parent=province)
    return SimpleNamespace(
        province=province,
        a=dept_a,
        a1=make_unit("A-1", "Phòng thuộc Sở A", parent=dept_a, kind="division"),
        b=make_unit("SO-B", "Sở B", parent=province),
    )


def make_course(
    slug: str,
    unit: Unit | None = None,
    statuses: tuple[str, ...] = ("published",),
    minutes: tuple[int, ...] = (45,),
    title: str = "Khóa thử",
) -> Course:
    """A course with one version per status, each with modules of the given minutes."""
    course = Course(slug=slug, owner_unit_id=unit.id if unit else None)
    for number, status in enumerate(statuses, 1):
        CourseVersion(
            course=course,
            number=number,
            status=status,
            title=f"{title} v{number}",
            summary="Tóm tắt khóa học.",
            audience="Công chức cấp xã",
            objectives=["Nắm quy trình"],
            published_at=None if status == VersionStatus.DRAFT else utcnow(),
            modules=[
                Module(position=i, slug=f"{i:02d}-bai-{i}", title=f"Bài {i}", minutes=m, body=BODY)
                for i, m in enumerate(minutes, 1)
            ],
        )
    db.session.add(course)
    db.session.commit()
    return course


def versions(course_id: int) -> dict[int, CourseVersion]:
    """A course's versions by number."""
    query = select(CourseVersion).where(CourseVersion.course_id == course_id)
    return {v.number: v for v in db.session.scalars(query)}


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token."""
    token = csrf_token(client, "/profile")
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def fetch(client, url: str):
    """GET a file and close the response (it holds the stored file open)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def english(client) -> None:
    post(client, "/language", {"language": "en"})
