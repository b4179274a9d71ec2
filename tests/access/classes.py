"""Access rules of the organizer's class pages and the learner's self-enrolment, and the small
factories the class and enrolment tests share.

The world has a class of unit A (code LOP-A) with the world's learner enrolled and a second
person of unit A withdrawn: organizer A and admin may run it, organizer B may not.
"""

from pathlib import Path

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Unit
from lms.classes import enrolment as enrolments
from lms.classes import services
from lms.classes.models import TrainingClass
from lms.content.model import CourseSource, ModuleSource
from lms.courses import services as courses
from lms.courses.models import CourseVersion
from tests.access import LOGIN


def small_version(
    slug: str = "thu-nghiem", title: str = "Khóa học thử nghiệm", required=(True, True, False)
) -> CourseVersion:
    """Load a tiny course (one module per entry of `required`) and return its published version."""
    modules = [
        ModuleSource(
            filename=f"{n:02d}-bai-hoc-{n}.md",
            position=n,
            title=f"Bài học {n}",
            minutes=45,
            required=is_required,
            quiz=None,
            body=f"Nội dung bài học {n}.",
            assets=[],
        )
        for n, is_required in enumerate(required, start=1)
    ]
    source = CourseSource(
        slug=slug,
        title=title,
        summary="Khóa học dùng cho kiểm thử.",
        topic="one-stop",
        hours=len(modules),
        version=1,
        audience="Công chức",
        objectives=["Hiểu quy trình"],
        modules=modules,
        quiz=None,
        pass_mark=70,
        path=Path("."),
    )
    courses.load_source(source)
    db.session.commit()
    version = courses.current_version(courses.find_course(slug))
    assert version is not None
    return version


def open_class(
    unit: Unit, code: str = "LOP-1", version: CourseVersion | None = None, **fields
) -> TrainingClass:
    """Open a class through the service (as the command line does: no scope)."""
    data = services.ClassData(
        code=code,
        name=fields.pop("name", f"Lớp {code}"),
        course_version=version or small_version(),
        unit=unit,
        **fields,
    )
    training_class = services.create_class(data)
    db.session.commit()
    return training_class


def extend_world(world) -> None:
    unit_a = world["unit_a"]
    training_class = open_class(unit_a, "LOP-A", name="Lớp một cửa Sở A")
    enrolments.enrol(training_class, str(world["people"]["learner"].id))
    accounts.save_profile("host-rut", full_name="Đỗ Thị Rút", unit=unit_a)
    withdrawn = enrolments.enrol(training_class, "host-rut")
    enrolments.withdraw(withdrawn)
    world["class_a"] = training_class
    world["class_a_enrolled"] = enrolments.find_enrolment(
        training_class, str(world["people"]["learner"].id)
    )
    world["class_a_withdrawn"] = withdrawn


#: Organizers of the class's unit (and above) and admins run a class; organizer B is refused.
RUNNERS = {"anonymous": LOGIN, "organizer_a": 200, "admin": 200, "*": 403}
ORGANIZERS = {"anonymous": LOGIN, "organizer_a": 200, "organizer_b": 200, "admin": 200, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.classes.index": ("GET", ORGANIZERS),
    "lms.classes.new": ("GET", ORGANIZERS),
    "lms.classes.detail": ("GET", RUNNERS),
    "lms.classes.edit": ("GET", RUNNERS),
    "lms.classes.enrol": ("GET", RUNNERS),
    "lms.classes.roster": ("GET", RUNNERS),
    "lms.classes.export": ("GET", RUNNERS),
    "lms.classes.enrol_unit": (
        "POST",
        {"anonymous": LOGIN, "organizer_a": 302, "admin": 302, "*": 403},
    ),
    # Posted without a file: the enrol page comes back with the error.
    "lms.classes.import_preview": (
        "POST",
        {"anonymous": LOGIN, "organizer_a": 422, "admin": 422, "*": 403},
    ),
    # Posted without the preview's token.
    "lms.classes.import_confirm": (
        "POST",
        {"anonymous": LOGIN, "organizer_a": 400, "admin": 400, "*": 403},
    ),
    "lms.classes.withdraw": (
        "POST",
        {"anonymous": LOGIN, "organizer_a": 302, "admin": 302, "*": 403},
    ),
    "lms.classes.reenrol": (
        "POST",
        {"anonymous": LOGIN, "organizer_a": 302, "admin": 302, "*": 403},
    ),
    # Anyone signed in may ask; the class says no (self-enrolment off) with a message.
    "lms.classes.self_enrol": ("POST", {"anonymous": LOGIN, "*": 302}),
}


def url_args(world) -> dict[str, dict]:
    class_id = world["class_a"].id
    by_class = {"class_id": class_id}
    return {
        "lms.classes.detail": by_class,
        "lms.classes.edit": by_class,
        "lms.classes.enrol": by_class,
        "lms.classes.roster": by_class,
        "lms.classes.export": {**by_class, "name": "roster", "fmt": "xlsx"},
        "lms.classes.enrol_unit": by_class,
        "lms.classes.import_preview": by_class,
        "lms.classes.import_confirm": by_class,
        "lms.classes.withdraw": {**by_class, "enrolment_id": world["class_a_enrolled"].id},
        "lms.classes.reenrol": {**by_class, "enrolment_id": world["class_a_withdrawn"].id},
        "lms.classes.self_enrol": by_class,
    }


def form_data(world) -> dict[str, dict]:
    return {"lms.classes.enrol_unit": {"unit_id": str(world["unit_a"].id)}}
