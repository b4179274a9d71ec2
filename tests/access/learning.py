"""Access rules of the learner pages (catalog, course page, my classes, class and module pages),
and the small factories the learning tests share.

The world's learner is enrolled in a class of unit A; the world's trainer teaches it, so
trainer, organizer A and admin may preview it; organizer B may not.
"""

import re
import tempfile
from pathlib import Path

from flask import current_app

from lms import db
from lms.accounts.models import Unit
from lms.classes.models import ClassTrainer, Enrolment, TrainingClass
from lms.content.loader import read_course
from lms.content.model import CourseSource, ModuleSource
from lms.courses import services, storage
from lms.courses.models import Attachment, CourseVersion
from lms.resources import data_dir
from tests.access import LOGIN

SHIPPED_SLUG = "mot-cua"
ASSET_LINK = re.compile(r"\((assets/[^)\s]+)\)")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def shipped_version(slug: str = SHIPPED_SLUG) -> CourseVersion:
    """Load a shipped course (idempotent) and return its current published version."""
    services.load_source(read_course(data_dir("courses") / slug))
    version = services.current_version(services.find_course(slug))
    assert version is not None
    return version


def make_class(
    version: CourseVersion, unit: Unit, code: str, name: str | None = None, **fields
) -> TrainingClass:
    training_class = TrainingClass(
        code=code,
        name=name or f"Lớp {code}",
        course_version_id=version.id,
        unit_id=unit.id,
        **fields,
    )
    db.session.add(training_class)
    db.session.flush()
    return training_class


def enrol(training_class: TrainingClass, account, **fields) -> Enrolment:
    enrolment = Enrolment(class_id=training_class.id, user_id=str(account.id), **fields)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def add_attachment(version: CourseVersion, name: str, data: bytes, content_type: str):
    """Store a file for the course (in LMS_UPLOAD_PATH, which tests point at a temp folder)."""
    if not current_app.config.get("LMS_UPLOAD_PATH"):
        current_app.config["LMS_UPLOAD_PATH"] = str(
            Path(tempfile.gettempdir()) / "lms-test-uploads"
        )
    digest = storage.save(data)
    attachment = Attachment(
        course_id=version.course_id,
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def extend_world(world) -> None:
    version = shipped_version()
    training_class = make_class(version, world["unit_a"], "HOC-A", "Lớp học thử Sở A")
    enrol(training_class, world["people"]["learner"])
    db.session.add(
        ClassTrainer(class_id=training_class.id, user_id=str(world["people"]["trainer"].id))
    )
    add_attachment(version, "so-do.png", PNG, "image/png")
    world["learn_class"] = training_class
    world["learn_course_slug"] = SHIPPED_SLUG
    world["learn_module_slug"] = version.modules[1].slug


#: Enrolled learner, class trainer, organizer of the class's unit and admin.
READERS = {"anonymous": LOGIN, "learner": 200, "trainer": 200, "organizer_a": 200, "admin": 200}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.courses.catalog": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.courses.course": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.learn.index": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.learn.class_home": ("GET", {**READERS, "*": 403}),
    "lms.learn.module": ("GET", {**READERS, "*": 403}),
    "lms.learn.asset": ("GET", {**READERS, "*": 403}),
    # A link written as a file name (`02-name.md`) redirects to the module's page.
    "lms.learn.module_file": (
        "GET",
        {
            "anonymous": LOGIN,
            "learner": 302,
            "trainer": 302,
            "organizer_a": 302,
            "admin": 302,
            "*": 403,
        },
    ),
    # Only an enrolled learner completes a module; previewers are refused.
    "lms.learn.complete": ("POST", {"anonymous": LOGIN, "learner": 303, "*": 403}),
}


def url_args(world) -> dict[str, dict]:
    class_id = world["learn_class"].id
    return {
        "lms.courses.course": {"slug": world["learn_course_slug"]},
        "lms.learn.class_home": {"class_id": class_id},
        "lms.learn.module": {"class_id": class_id, "position": 1},
        "lms.learn.complete": {"class_id": class_id, "position": 1},
        "lms.learn.asset": {"class_id": class_id, "name": "so-do.png"},
        "lms.learn.module_file": {"class_id": class_id, "name": world["learn_module_slug"]},
    }


def small_source(
    folder: Path, slug: str, modules: int = 3, bodies: dict[int, str] | None = None, **fields
) -> CourseSource:
    """A generated course (not read from disk, so no content rules apply) for tests."""
    bodies = bodies or {}
    assets = sorted(
        {Path(p) for body in bodies.values() for p in ASSET_LINK.findall(body)},
        key=str,
    )
    return CourseSource(
        slug=slug,
        title=fields.pop("title", f"Khóa học {slug}"),
        summary=fields.pop("summary", "Tóm tắt khóa học."),
        topic=fields.pop("topic", "other"),
        hours=fields.pop("hours", 1),
        version=1,
        audience="Công chức",
        objectives=["Hiểu bài"],
        modules=[
            ModuleSource(
                filename=f"{n:02d}-bai-{n}.md",
                position=n,
                title=f"Bài {n}",
                minutes=15,
                required=True,
                quiz=None,
                body=bodies.get(n, f"Nội dung bài {n}."),
                assets=[a for a in assets if a.as_posix() in bodies.get(n, "")],
            )
            for n in range(1, modules + 1)
        ],
        quiz=None,
        pass_mark=70,
        path=folder,
        **fields,
    )
