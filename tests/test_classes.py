"""Opening and editing classes: the rules a class must meet, its trainers, and `lms classes`."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.classes import enrolment as enrolments
from lms.classes import listing, services
from lms.classes.models import ClassTrainer, TrainingClass
from lms.courses.models import VersionStatus
from tests.access.classes import open_class, small_version


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


def data(unit, version, **fields) -> services.ClassData:
    values = {"code": "LOP-1", "name": "Lớp bồi dưỡng một cửa", **fields}
    return services.ClassData(course_version=version, unit=unit, **values)


def problems_of(unit, version, scope=None, current=None, **fields) -> dict[str, str]:
    with pytest.raises(services.ClassInvalid) as caught:
        if current is None:
            services.create_class(data(unit, version, **fields), scope=scope)
        else:
            services.update_class(current, data(unit, version, **fields), scope=scope)
    db.session.rollback()
    return caught.value.problems


def test_create_class_records_everything_and_an_audit_event(app, make_unit):
    """A valid class is stored with its fields, and its opening is audited."""
    unit = make_unit("SNV", "Sở Nội vụ")
    version = small_version()
    training_class = services.create_class(
        data(
            unit,
            version,
            starts_on=date(2025, 3, 10),
            ends_on=date(2025, 3, 14),
            capacity=40,
            decision_number="123/QĐ-UBND",
            decision_date=date(2025, 3, 5),
            decision_issuer="Ủy ban nhân dân tỉnh Quảng Nam",
        )
    )
    db.session.commit()
    assert training_class.course_version_id == version.id and training_class.capacity == 40
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.create"))
    assert event.after["code"] == "LOP-1" and event.after["decision_date"] == "2025-03-05"


def test_class_code_must_be_unique_ignoring_case(app, make_unit):
    """A second class with the same code (in any case) is refused."""
    unit = make_unit()
    open_class(unit, "LOP-1")
    assert "code" in problems_of(unit, small_version(), code="lop-1")


def test_class_code_must_be_a_short_plain_code(app, make_unit):
    """Spaces and long codes are refused."""
    unit = make_unit()
    assert "code" in problems_of(unit, small_version(), code="LỚP 1")
    assert "code" in problems_of(unit, small_version(), code="X" * 33)


def test_dates_must_be_in_order(app, make_unit):
    """The class cannot end before it starts."""
    unit = make_unit()
    problems = problems_of(
        unit, small_version(), starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 9)
    )
    assert set(problems) == {"ends_on"}


def test_enrolment_window_must_be_in_order_and_close_by_the_end(app, make_unit):
    """Enrolment closes after it opens, and no later than the last day of the class."""
    unit = make_unit()
    version = small_version()
    backwards = problems_of(
        unit, version, enrol_opens_on=date(2025, 3, 5), enrol_closes_on=date(2025, 3, 1)
    )
    assert set(backwards) == {"enrol_closes_on"}
    too_late = problems_of(
        unit, version, ends_on=date(2025, 3, 14), enrol_closes_on=date(2025, 4, 1)
    )
    assert set(too_late) == {"enrol_closes_on"}


@pytest.mark.parametrize("capacity", [0, -5])
def test_capacity_is_at_least_one(app, make_unit, capacity):
    """A capacity under 1 is refused; None means no limit."""
    unit = make_unit()
    assert set(problems_of(unit, small_version(), capacity=capacity)) == {"capacity"}


def test_only_a_published_version_can_be_taught(app, make_unit):
    """A draft or archived version is refused for a new class."""
    unit = make_unit()
    version = small_version()
    version.status = VersionStatus.ARCHIVED
    db.session.commit()
    assert set(problems_of(unit, version)) == {"course_version"}


def test_organizer_opens_classes_only_for_their_units(app, make_unit):
    """An organizer of unit B cannot open a class for unit A."""
    province = make_unit("TINH", kind="province")
    unit_a = make_unit("A", "Sở A", parent=province)
    unit_b = make_unit("B", "Sở B", parent=province)
    problems = problems_of(unit_a, small_version(), scope=[unit_b])
    assert set(problems) == {"unit"}
    training_class = services.create_class(data(unit_a, small_version()), scope=[province])
    assert training_class.unit_id == unit_a.id


def test_self_enrolment_unit_must_be_in_scope(app, make_unit):
    """Self-enrolment cannot be opened to a unit outside the organizer's units."""
    province = make_unit("TINH", kind="province")
    unit_a = make_unit("A", parent=province)
    unit_b = make_unit("B", parent=province)
    problems = problems_of(
        unit_a, small_version(), scope=[unit_a], self_enrol=True, self_enrol_unit=unit_b
    )
    assert set(problems) == {"self_enrol_unit"}


def test_self_enrolment_defaults_to_the_organizing_unit(app, make_unit):
    """Turning self-enrolment on without a unit opens it to the organizing unit's people."""
    unit = make_unit()
    training_class = open_class(unit, self_enrol=True)
    assert training_class.self_enrol_unit_id == unit.id


def test_trainers_must_hold_the_trainer_role(app, make_unit, make_person):
    """Trainers are chosen among people with the trainer role; others are refused."""
    unit = make_unit()
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    learner = make_person("hocvien", unit=unit)
    assert "trainer_ids" in problems_of(unit, small_version(), trainer_ids=[str(learner.id)])
    training_class = open_class(unit, trainer_ids=[str(trainer.id)])
    assert services.class_trainer_ids(training_class) == [str(trainer.id)]
    assert [p.user_id for p in services.trainer_candidates()] == [str(trainer.id)]


def test_update_changes_trainers_and_audits_only_what_changed(app, make_unit, make_person):
    """Editing a class saves the new values and records before/after of the changed fields."""
    unit = make_unit()
    first = make_person("gv1", role=Role.TRAINER, unit=unit)
    second = make_person("gv2", role=Role.TRAINER, unit=unit)
    training_class = open_class(unit, trainer_ids=[str(first.id)])
    services.update_class(
        training_class,
        data(
            unit,
            training_class.course_version,
            name="Lớp đổi tên",
            trainer_ids=[str(second.id)],
        ),
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ClassTrainer)) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.update"))
    assert set(event.after) == {"name", "trainers"}
    assert event.before["trainers"] == [str(first.id)]


def test_capacity_cannot_drop_below_the_enrolled_count(app, make_unit, make_person):
    """With two learners enrolled, the capacity cannot become 1."""
    unit = make_unit()
    training_class = open_class(unit)
    for _ in range(2):
        enrolments.enrol(training_class, str(make_person(unit=unit).id))
    db.session.commit()
    problems = problems_of(unit, training_class.course_version, current=training_class, capacity=1)
    assert set(problems) == {"capacity"}


def test_course_version_is_fixed_once_learners_are_enrolled(app, make_unit, make_person):
    """A class with learners keeps its version; an empty one may switch."""
    unit = make_unit()
    training_class = open_class(unit)
    other = small_version("khoa-khac", "Khóa khác")
    services.update_class(training_class, data(unit, other))
    db.session.commit()
    assert training_class.course_version_id == other.id
    enrolments.enrol(training_class, str(make_person(unit=unit).id))
    db.session.commit()
    third = small_version("khoa-thu-ba", "Khóa thứ ba")
    assert set(problems_of(unit, third, current=training_class)) == {"course_version"}


def test_an_archived_version_stays_valid_for_its_class(app, make_unit):
    """Editing a class whose version was since archived keeps working."""
    unit = make_unit()
    training_class = open_class(unit)
    training_class.course_version.status = VersionStatus.ARCHIVED
    db.session.commit()
    services.update_class(training_class, data(unit, training_class.course_version, name="Mới"))
    assert training_class.name == "Mới"


def test_decision_label_is_written_the_vietnamese_way(app, make_unit):
    """The decision reads number, dd/mm/yyyy date and issuer."""
    unit = make_unit()
    training_class = open_class(
        unit,
        decision_number="123/QĐ-UBND",
        decision_date=date(2025, 3, 5),
        decision_issuer="Ủy ban nhân dân tỉnh Quảng Nam",
    )
    label = listing.decision_label(training_class)
    assert "123/QĐ-UBND" in label and "05/03/2025" in label and "Quảng Nam" in label


def test_free_text_fits_its_column(app, make_unit):
    """Over-long names are refused before they reach the database."""
    unit = make_unit()
    problems = problems_of(unit, small_version(), name="L" * 256, decision_number="9" * 65)
    assert set(problems) == {"name", "decision_number"}


def test_decision_date_needs_a_number(app, make_unit):
    """A decision date without its number is refused."""
    unit = make_unit()
    problems = problems_of(unit, small_version(), decision_date=date(2025, 3, 5))
    assert set(problems) == {"decision_number"}


def test_status_follows_the_dates(app, make_unit):
    """Before, during and after the class dates; the SQL filter agrees with the Python one."""
    unit = make_unit()
    version = small_version()
    on = date(2025, 6, 1)
    open_class(unit, "SAP", version, starts_on=date(2025, 7, 1))
    open_class(unit, "DANG", version, starts_on=date(2025, 5, 1), ends_on=date(2025, 6, 30))
    open_class(unit, "XONG", version, starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1))
    open_class(unit, "KHONG-NGAY", version)
    for status in listing.STATUSES:
        codes = set(
            db.session.scalars(select(TrainingClass.code).where(listing.status_clause(status, on)))
        )
        expected = {
            c.code
            for c in db.session.scalars(select(TrainingClass))
            if listing.status_of(c, on) == status
        }
        assert codes == expected
    assert listing.status_of(services.find_class("SAP"), on) == "upcoming"
    assert listing.status_of(services.find_class("KHONG-NGAY"), on) == "running"


# --- the command line -------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", *args])


def create(app, *options):
    """`lms classes create` of class MC-01 of the small course, with more `options`."""
    return run(
        app,
        "classes",
        "create",
        "--code",
        "MC-01",
        "--name",
        "Lớp một cửa",
        "--course",
        "thu-nghiem",
        *options,
    )


def test_cli_creates_a_class(app, make_unit):
    """`lms classes create` opens a class of the course's current version with dd/mm/yyyy dates."""
    make_unit("SNV", "Sở Nội vụ", kind="province")
    version = small_version()
    result = create(
        app,
        "--starts",
        "10/3/2025",
        "--ends",
        "14/03/2025",
        "--capacity",
        "30",
        "--decision-number",
        "123/QĐ-UBND",
        "--decision-date",
        "05/03/2025",
    )
    assert result.exit_code == 0, result.output
    training_class = services.find_class("MC-01")
    assert training_class.course_version_id == version.id
    assert training_class.unit.code == "SNV"
    assert training_class.starts_on == date(2025, 3, 10)
    assert training_class.decision_date == date(2025, 3, 5)


def test_cli_refuses_a_bad_class_and_writes_nothing(app, make_unit):
    """Dates out of order: exit 1, the reason printed, no class stored."""
    make_unit("SNV", kind="province")
    small_version()
    result = create(app, "--starts", "10/03/2025", "--ends", "01/03/2025")
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(TrainingClass)) == 0


def test_cli_refuses_an_unknown_course(app, make_unit):
    """A course slug that is not loaded is refused with exit 1."""
    make_unit("SNV", kind="province")
    result = run(app, "classes", "create", "--code", "X", "--name", "X", "--course", "khong-co")
    assert result.exit_code == 1 and "khong-co" in result.output


def test_cli_lists_classes_as_csv(app, make_unit, make_person):
    """`lms classes list --format csv` gives one row per class with its enrolled count."""
    unit = make_unit("SNV")
    training_class = open_class(unit, "MC-01", capacity=25, starts_on=date(2025, 3, 10))
    enrolments.enrol(training_class, str(make_person(unit=unit).id))
    db.session.commit()
    result = run(app, "classes", "list", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows == [
        {
            "code": "MC-01",
            "name": "Lớp MC-01",
            "course": "thu-nghiem",
            "version": "1",
            "unit": "SNV",
            "mode": "blended",
            "starts_on": "10/03/2025",
            "ends_on": "",
            "enrolled": "1",
            "capacity": "25",
        }
    ]
