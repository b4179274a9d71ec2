"""Enrolment services: enrol, withdraw and re-enrol with history, capacity, self-enrolment,
whole units, and the all-or-none check of a list of people.
"""

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.classes import enrolment as enrolments
from lms.classes import importing
from lms.classes.models import Enrolment, EnrolmentEvent, EnrolmentSource
from tests.access.classes import open_class


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def units(make_unit):
    top = make_unit("TINH", "Tỉnh", kind="province")
    unit_a = make_unit("A", "Sở A", parent=top)
    return {
        "top": top,
        "a": unit_a,
        "a1": make_unit("A-1", "Phòng thuộc Sở A", parent=unit_a, kind="division"),
        "b": make_unit("B", "Sở B", parent=top),
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


NUMBERS = itertools.count(1)


def person(unit, name: str = "Nguyễn Văn An", **fields) -> str:
    """A learner profile (as a host portal would have), returning its user id."""
    user_id = f"host-{next(NUMBERS)}"
    accounts.save_profile(user_id, full_name=name, unit=unit, **fields)
    db.session.commit()
    return user_id


def test_enrol_writes_an_event_and_an_audit_record(app, units):
    """Enrolling stores the enrolment, an 'enrolled' event and an audit event with its actor."""
    training_class = open_class(units["a"])
    learner = person(units["a"])
    enrolment = enrolments.enrol(training_class, learner, EnrolmentSource.ORGANIZER, "org-1")
    db.session.commit()
    assert enrolment.status == "enrolled" and enrolment.source == "organizer"
    event = db.session.scalar(select(EnrolmentEvent))
    assert (event.action, event.actor_id) == ("enrolled", "org-1")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrolment.enrolled"))
    assert audit.actor_id == "org-1" and audit.after["user_id"] == learner


def test_withdraw_and_reenrol_keep_the_history(app, units):
    """Withdraw then re-enrol flips the same row and keeps three events in order."""
    training_class = open_class(units["a"])
    learner = person(units["a"])
    enrolment = enrolments.enrol(training_class, learner, actor_id="org-1")
    enrolments.withdraw(enrolment, actor_id="org-1")
    db.session.commit()
    assert enrolment.status == "withdrawn" and enrolment.withdrawn_at is not None
    again = enrolments.enrol(training_class, learner, actor_id="org-2")
    db.session.commit()
    assert again.id == enrolment.id and again.status == "enrolled"
    assert again.withdrawn_at is None
    actions = list(db.session.scalars(select(EnrolmentEvent.action).order_by(EnrolmentEvent.id)))
    assert actions == ["enrolled", "withdrawn", "re-enrolled"]
    audited = set(db.session.scalars(select(AuditEvent.action)))
    assert {"enrolment.enrolled", "enrolment.withdrawn", "enrolment.reenrolled"} <= audited
    assert count(Enrolment) == 1


def test_enrolling_twice_is_refused(app, units):
    """An enrolled person cannot be enrolled again."""
    training_class = open_class(units["a"])
    learner = person(units["a"])
    enrolments.enrol(training_class, learner)
    with pytest.raises(ServiceError):
        enrolments.enrol(training_class, learner)


def test_withdrawing_a_withdrawn_learner_is_refused(app, units):
    """Withdrawing twice is an error, not a second event."""
    training_class = open_class(units["a"])
    enrolment = enrolments.enrol(training_class, person(units["a"]))
    enrolments.withdraw(enrolment)
    with pytest.raises(ServiceError):
        enrolments.withdraw(enrolment)
    assert count(EnrolmentEvent) == 2


def test_capacity_is_enforced_and_freed_by_withdrawal(app, units):
    """A full class refuses one more; a withdrawal frees the place."""
    training_class = open_class(units["a"], capacity=2)
    first = enrolments.enrol(training_class, person(units["a"], "Lê Văn Một"))
    enrolments.enrol(training_class, person(units["a"], "Lê Văn Hai"))
    third = person(units["a"], "Lê Văn Ba")
    with pytest.raises(ServiceError):
        enrolments.enrol(training_class, third)
    assert enrolments.capacity_left(training_class) == 0
    enrolments.withdraw(first)
    enrolments.enrol(training_class, third)
    assert enrolments.enrolled_count(training_class) == 2


def test_organizer_enrols_only_people_of_their_units(app, units):
    """Scope A refuses a person of unit B with the answer an unknown id gets: no name."""
    training_class = open_class(units["a"])
    outsider = person(units["b"], "Phan Văn Ngoài")
    with pytest.raises(ServiceError) as refused:
        enrolments.enrol(training_class, outsider, scope=[units["a"]])
    with pytest.raises(ServiceError) as unknown:
        enrolments.enrol(training_class, "nobody", scope=[units["a"]])
    assert str(refused.value) == str(unknown.value)
    assert "Ngoài" not in str(refused.value)
    enrolments.enrol(training_class, person(units["a1"]), scope=[units["a"]])


def test_unknown_person_is_refused(app, units):
    """Enrolling an id without a profile is refused."""
    training_class = open_class(units["a"])
    with pytest.raises(ServiceError):
        enrolments.enrol(training_class, "nobody")


# --- self-enrolment -----------------------------------------------------------------------------


def self_class(units, **fields):
    values = {"self_enrol": True, "self_enrol_unit": units["a"], **fields}
    return open_class(units["a"], **values)


def test_self_enrol_in_an_open_class(app, units):
    """A person of the self-enrolment subtree enrols themselves; source and actor are theirs."""
    training_class = self_class(units)
    learner = person(units["a1"])
    enrolment = enrolments.enrol_self(training_class, learner)
    db.session.commit()
    assert enrolment.source == "self"
    assert db.session.scalar(select(EnrolmentEvent.actor_id)) == learner


def test_self_enrol_twice_returns_the_same_enrolment(app, units):
    """A double click does not fail nor add a second event."""
    training_class = self_class(units)
    learner = person(units["a"])
    first = enrolments.enrol_self(training_class, learner)
    assert enrolments.enrol_self(training_class, learner).id == first.id
    assert count(EnrolmentEvent) == 1


def test_self_enrol_refused_when_off(app, units):
    """A class without self-enrolment refuses it."""
    training_class = open_class(units["a"])
    with pytest.raises(ServiceError):
        enrolments.enrol_self(training_class, person(units["a"]))


def test_self_enrol_refused_outside_the_unit_subtree(app, units):
    """People of unit B (or of no unit) cannot enrol in a class open to unit A."""
    training_class = self_class(units)
    with pytest.raises(ServiceError):
        enrolments.enrol_self(training_class, person(units["b"]))
    with pytest.raises(ServiceError):
        enrolments.enrol_self(training_class, person(None, "Không Đơn Vị"))


@pytest.mark.parametrize(
    ("opens", "closes", "allowed"),
    [(-3, 3, True), (1, 5, False), (-9, -1, False), (0, 0, True), (None, None, True)],
)
def test_self_enrol_only_inside_the_window(app, units, opens, closes, allowed):
    """The window is inclusive at both ends, counted in the LMS's local days."""
    today = enrolments.today()

    def day(offset):
        return None if offset is None else today + timedelta(days=offset)

    training_class = self_class(units, enrol_opens_on=day(opens), enrol_closes_on=day(closes))
    learner = person(units["a"])
    if allowed:
        enrolments.enrol_self(training_class, learner)
    else:
        with pytest.raises(ServiceError):
            enrolments.enrol_self(training_class, learner)


def test_self_enrol_refused_after_the_class_ended(app, units):
    """A class that ended takes nobody, even without an enrolment window."""
    training_class = self_class(
        units, starts_on=date(2020, 1, 1), ends_on=enrolments.today() - timedelta(days=1)
    )
    with pytest.raises(ServiceError):
        enrolments.enrol_self(training_class, person(units["a"]))


def test_self_enrol_refused_when_full(app, units):
    """A full class refuses self-enrolment."""
    training_class = self_class(units, capacity=1)
    enrolments.enrol_self(training_class, person(units["a"], "Trần Thị Một"))
    with pytest.raises(ServiceError):
        enrolments.enrol_self(training_class, person(units["a"], "Trần Thị Hai"))


# --- bulk: people, units ------------------------------------------------------------------------


def test_plan_reports_every_problem_and_writes_nothing(app, units):
    """Outside, already enrolled, listed twice and full are all reported; nothing is written."""
    training_class = open_class(units["a"], capacity=2)
    enrolled = person(units["a"], "Phan Văn Đã")
    enrolments.enrol(training_class, enrolled)
    fresh = person(units["a"], "Phan Văn Mới")
    extra = person(units["a1"], "Phan Văn Thêm")
    outsider = person(units["b"], "Phan Văn Ngoài")
    plan = importing.plan_people(
        training_class, [fresh, enrolled, outsider, fresh, extra, "khong-co"], [units["a"]]
    )
    reasons = [str(p) for p in plan.problems]
    assert len(reasons) == 5
    assert any("Phan Văn Đã" in r for r in reasons)
    # The outsider reads like the unknown id: their id, no name.
    assert f"{outsider} — không có người này" in reasons
    assert "khong-co — không có người này" in reasons
    assert not any("Phan Văn Ngoài" in r for r in reasons)
    with pytest.raises(ServiceError):
        importing.apply_plan(training_class, plan, EnrolmentSource.ORGANIZER)
    assert enrolments.enrolled_count(training_class) == 1


def test_plan_marks_rows_past_the_capacity_as_full(app, units):
    """With one place left, the second good row is the one reported full."""
    training_class = open_class(units["a"], capacity=1)
    people = [
        (row, db.session.get(LearnerProfile, person(units["a"], f"Lê Thị Số {row}")))
        for row in (2, 3)
    ]
    plan = importing.plan_enrolment(training_class, people)
    assert [p.row for p in plan.problems] == [3]
    assert [item.row for item in plan.planned] == [2]


def test_apply_plan_enrols_and_reenrols(app, units):
    """A good plan enrols new people and re-opens withdrawn ones, with events for each."""
    training_class = open_class(units["a"])
    old = enrolments.enrol(training_class, person(units["a"], "Võ Thị Cũ"))
    enrolments.withdraw(old)
    new = person(units["a"], "Võ Thị Mới")
    plan = importing.plan_people(training_class, [old.user_id, new], [units["a"]])
    assert not plan.problems
    assert importing.apply_plan(training_class, plan, EnrolmentSource.ORGANIZER, "org") == 2
    db.session.commit()
    assert enrolments.enrolled_count(training_class) == 2
    actions = sorted(db.session.scalars(select(EnrolmentEvent.action)))
    assert actions == ["enrolled", "enrolled", "re-enrolled", "withdrawn"]


def test_enrol_a_unit_subtree(app, units):
    """Everyone of A and its division is enrolled; B is not; enrolled and withdrawn are left."""
    training_class = open_class(units["a"])
    in_a = person(units["a"], "Bùi Văn A")
    in_division = person(units["a1"], "Bùi Văn Phòng")
    person(units["b"], "Bùi Văn B")
    already = enrolments.enrol(training_class, person(units["a"], "Bùi Văn Đã"))
    withdrawn = enrolments.enrol(training_class, person(units["a"], "Bùi Văn Rút"))
    enrolments.withdraw(withdrawn)
    plan = importing.plan_unit(training_class, units["a"], [units["a"]])
    assert sorted(p.profile.user_id for p in plan.planned) == sorted([in_a, in_division])
    assert plan.skipped == 2
    importing.apply_plan(training_class, plan, EnrolmentSource.UNIT)
    db.session.commit()
    sources = dict(db.session.execute(select(Enrolment.user_id, Enrolment.source)).all())
    assert sources[in_a] == "unit" and sources[already.user_id] == "organizer"
    assert db.session.get(Enrolment, withdrawn.id).status == "withdrawn"


def test_enrol_a_unit_refused_when_it_overflows(app, units):
    """A unit with more people than places left enrols nobody."""
    training_class = open_class(units["a"], capacity=1)
    person(units["a"], "Đặng Văn Một")
    person(units["a"], "Đặng Văn Hai")
    plan = importing.plan_unit(training_class, units["a"], None)
    assert len(plan.problems) == 1
    assert enrolments.enrolled_count(training_class) == 0


def test_enrol_a_unit_outside_the_scope_is_refused(app, units):
    """Organizer A cannot enrol unit B."""
    training_class = open_class(units["a"])
    person(units["b"])
    plan = importing.plan_unit(training_class, units["b"], [units["a"]])
    assert plan.problems and not plan.planned


def test_organizer_scope_from_grants(app, units, make_person):
    """`organizer_scope` lists the units where a person organizes (admin included)."""
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=units["a"])
    accounts.grant_role(str(organizer.id), Role.ADMIN, units["b"])
    scope = enrolments.organizer_scope(str(organizer.id))
    assert {unit.code for unit in scope} == {"A", "B"}
