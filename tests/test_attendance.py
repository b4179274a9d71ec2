"""Attendance services: sessions (one, a weekly series, moved, cancelled), marks with their audit
events, rates (points, excused absences left out, automark of the unmarked) and the completion
rule of the certificates area fed by them."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.attendance import marking, services
from lms.attendance.marking import Change, MarkRefused
from lms.attendance.services import SessionData, SessionInvalid, StatusDef
from lms.audit.models import AuditEvent
from lms.certificates import services as certificates
from lms.classes import enrolment as enrolments
from tests.access.certificates import BASE_URL, add_rule, make_template


@pytest.fixture(autouse=True)
def request_context(app):
    """Completion issues certificates, which print the site's address: services run in a request."""
    with app.test_request_context(base_url=BASE_URL):
        yield


@pytest.fixture
def second(make_person, unit, training_class):
    person = make_person("hocvien2", unit=unit, full_name="Lê Văn An")
    enrolments.enrol(training_class, str(person.id))
    db.session.commit()
    return person


def past(days: int) -> SessionData:
    return SessionData(day=date.today() - timedelta(days=days), start=time(8), end=time(11))


def test_a_series_skips_dates_and_starts_on_the_first_day():
    """Tuesdays and Thursdays for 2 weeks from a Thursday, skipping one: 2 of the 4 days."""
    first = date(2026, 12, 3)  # a Thursday
    days = services.series_days(first, {1, 3}, 2, {date(2026, 12, 10)})
    assert days == [date(2026, 12, 3), date(2026, 12, 8)]


def test_create_series_writes_every_session_and_refuses_an_empty_one(training_class):
    data = SessionData(day=date(2026, 12, 1), start=time(8), end=time(11, 30), room="P.201")
    made = services.create_series(training_class.id, data, {1, 3}, 4, {date(2026, 12, 3)})
    assert len(made) == 7
    assert {services.local(s.starts_at).weekday() for s in made} == {1, 3}
    with pytest.raises(SessionInvalid):
        services.create_series(training_class.id, data, set(), 4, set())


def test_a_session_must_end_after_it_starts_and_online_needs_a_link(training_class):
    with pytest.raises(SessionInvalid) as error:
        services.create_session(
            training_class.id, SessionData(date(2026, 12, 1), time(11), time(8), mode="online")
        )
    assert set(error.value.problems) == {"end", "meeting_url"}


def test_rates_use_points_leave_excused_out_and_automark_the_unmarked(
    training_class, learner, second
):
    first = services.create_session(training_class.id, past(3))
    other = services.create_session(training_class.id, past(2))
    services.create_session(training_class.id, past(-2))  # upcoming: not counted
    me, you = str(learner.id), str(second.id)
    assert services.attendance_rates(training_class.id)[me].percent == 0.0  # automarked absent
    marking.write_marks(first, [Change(me, "present"), Change(you, "late")])
    marking.write_marks(other, [Change(me, "excused")])
    rates = services.attendance_rates(training_class.id)
    assert rates[me].percent == 100.0  # 2 of 2: the excused session is left out
    # late (1 of 2) + unmarked second session counted absent (0 of 2)
    assert rates[you].percent == 25.0
    assert rates[you].counts["absent"] == 1
    services.save_settings(training_class.id, automark_absent=False, low_percent=80)
    assert services.attendance_rates(training_class.id)[you].percent == 50.0
    assert services.attendance_rates(training_class.id)[you].unmarked == 1


def test_no_session_held_gives_no_percent(training_class, learner):
    services.create_session(training_class.id, past(-1))
    assert services.attendance_rates(training_class.id)[str(learner.id)].percent is None


def test_excused_may_count_zero_by_the_class_configuration(training_class, learner):
    session = services.create_session(training_class.id, past(1))
    marking.write_marks(session, [Change(str(learner.id), "excused")])
    assert services.attendance_rates(training_class.id)[str(learner.id)].percent is None
    wanted = [
        StatusDef(s.code, s.label, 0 if s.code == "excused" else s.points)
        for s in services.statuses(training_class.id)
    ]
    services.save_statuses(training_class.id, wanted)
    assert services.attendance_rates(training_class.id)[str(learner.id)].percent == 0.0


def test_every_change_is_audited_and_unknown_statuses_refused(training_class, learner, second):
    session = services.create_session(training_class.id, past(1))
    me = str(learner.id)
    assert marking.write_marks(session, [Change(me, "present")], actor_id="7") == [me]
    assert marking.write_marks(session, [Change(me, "present")], actor_id="7") == []
    marking.write_marks(session, [Change(me, "late", "Đến 8h20")], actor_id="7")
    events = [e for e in marking.history(session) if e.action == "attendance.mark"]
    assert [(e.before and e.before["status"], e.after["status"]) for e in events] == [
        ("present", "late"),
        (None, "present"),
    ]
    assert events[0].actor_id == "7"
    with pytest.raises(MarkRefused):
        marking.write_marks(session, [Change(str(second.id), "present"), Change(me, "bogus")])
    marks = {row.user_id: row.mark for row in marking.roster(session)}
    assert marks[str(second.id)] is None  # all or none: the good row was not written either
    with pytest.raises(MarkRefused):
        marking.write_marks(session, [Change("someone-else", "present")])


def test_mark_all_present_keeps_existing_marks(training_class, learner, second):
    session = services.create_session(training_class.id, past(1))
    marking.write_marks(session, [Change(str(second.id), "absent")])
    assert marking.mark_all_present(session) == [str(learner.id)]
    statuses = {row.user_id: row.mark.status for row in marking.roster(session)}
    assert statuses == {str(learner.id): "present", str(second.id): "absent"}


def test_roster_sorts_by_given_name(training_class, learner, second):
    """An (Lê Văn An) before Mai (Trần Thị Mai): by given name, the Vietnamese way."""
    session = services.create_session(training_class.id, past(1))
    assert [row.full_name for row in marking.roster(session)] == ["Lê Văn An", "Trần Thị Mai"]


def test_cancelling_a_session_takes_it_out_of_the_rates(training_class, learner):
    held = services.create_session(training_class.id, past(2))
    gone = services.create_session(training_class.id, past(1))
    marking.write_marks(held, [Change(str(learner.id), "present")])
    assert services.attendance_rates(training_class.id)[str(learner.id)].percent == 50.0
    services.cancel_session(gone, "Giảng viên ốm")
    assert services.attendance_rates(training_class.id)[str(learner.id)].percent == 100.0
    with pytest.raises(MarkRefused):
        marking.write_marks(gone, [Change(str(learner.id), "present")])
    actions = db.session.scalars(
        select(AuditEvent.after).where(AuditEvent.object_id == str(gone.id))
    ).all()
    assert actions[-1]["cancelled"] is True and actions[-1]["reason"] == "Giảng viên ốm"


def test_an_attendance_rule_issues_a_certificate_once_attendance_is_enough(
    unit, training_class, learner
):
    """A class completing on 80% attendance: 1 of 2 sessions is not enough, marking the second
    (a correction from absent) completes the learner and issues the certificate at once."""
    make_template(unit)
    add_rule(training_class, "attendance", min_percent=80)
    first = services.create_session(training_class.id, past(2))
    second_session = services.create_session(training_class.id, past(1))
    me = str(learner.id)
    marking.write_marks(first, [Change(me, "present")])
    marking.write_marks(second_session, [Change(me, "absent")])
    db.session.commit()
    assert certificates.current_certificate(training_class.id, me) is None
    marking.write_marks(second_session, [Change(me, "present", "Đi học bù")])
    db.session.commit()
    assert certificates.current_certificate(training_class.id, me) is not None
