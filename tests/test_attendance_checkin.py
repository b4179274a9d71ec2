"""Self check-in: the window, the late threshold, code rotation and the replay of an old code,
allowed networks, one check-in per learner and one device for several learners (flagged),
online sessions' fixed code, and the rate limit of the check-in page."""

from datetime import timedelta

import pytest

from lms import db
from lms.attendance import checkin, marking
from lms.attendance.checkin import CheckinRefused
from lms.attendance.models import AttendanceMark
from lms.classes import enrolment as enrolments
from tests.access.attendance import session_now
from tests.conftest import csrf_token, login


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def second(make_person, unit, training_class):
    person = make_person("hocvien2", unit=unit, full_name="Lê Văn An")
    enrolments.enrol(training_class, str(person.id))
    db.session.commit()
    return person


@pytest.fixture
def session(training_class):
    return session_now(training_class.id)


def at(session, minutes: float):
    return session.starts_at + timedelta(minutes=minutes)


def code(session, when) -> str:
    return checkin.code_at(session, checkin.step(session, when))


def mark_of(session, account) -> AttendanceMark | None:
    rows = {row.user_id: row.mark for row in marking.roster(session)}
    return rows[str(account.id)]


def test_the_window_opens_before_and_closes_after_the_start(session, learner):
    early = at(session, -16)
    with pytest.raises(CheckinRefused, match="Chưa đến giờ"):
        checkin.check_in(session, str(learner.id), code(session, early), "d1", "", early)
    late = at(session, 31)
    with pytest.raises(CheckinRefused, match="hết giờ"):
        checkin.check_in(session, str(learner.id), code(session, late), "d1", "", late)
    ok = at(session, -14)
    result = checkin.check_in(session, str(learner.id), code(session, ok), "d1", "", ok)
    assert (result.status, result.flags) == ("present", [])


def test_after_the_late_threshold_the_status_is_late(session, learner):
    when = at(session, 11)
    assert (
        checkin.check_in(session, str(learner.id), code(session, when), "d", "", when).status
        == "late"
    )


def test_the_previous_code_is_fresh_an_older_one_is_flagged(session, learner, second):
    now = at(session, 2)
    previous = code(session, now - timedelta(seconds=session.code_seconds))
    assert checkin.check_in(session, str(learner.id), previous, "d1", "", now).flags == []
    replayed = code(session, now - timedelta(seconds=3 * session.code_seconds))
    result = checkin.check_in(session, str(second.id), replayed, "d2", "", now)
    assert result.flags == [checkin.FLAG_OLD_CODE]
    assert mark_of(session, second).flags == checkin.FLAG_OLD_CODE


def test_a_wrong_code_is_refused_and_nothing_written(session, learner):
    now = at(session, 1)
    wrong = "999999" if code(session, now) != "999999" else "000000"
    with pytest.raises(CheckinRefused):
        checkin.check_in(session, str(learner.id), wrong, "d", "", now)
    assert mark_of(session, learner) is None


def test_a_code_of_another_session_is_refused(training_class, session, learner):
    other = session_now(training_class.id)
    now = at(session, 1)
    with pytest.raises(CheckinRefused):
        checkin.check_in(session, str(learner.id), code(other, now), "d", "", now)


def test_check_ins_outside_the_allowed_networks_are_flagged(session, learner, second):
    session.allowed_networks = "10.1.2.0/24, 192.168.5.0/24"
    now = at(session, 1)
    inside = checkin.check_in(session, str(learner.id), code(session, now), "d1", "10.1.2.77", now)
    outside = checkin.check_in(
        session, str(second.id), code(session, now), "d2", "203.0.113.9", now
    )
    assert inside.flags == [] and outside.flags == [checkin.FLAG_NETWORK]


def test_one_device_for_two_learners_flags_both(session, learner, second):
    now = at(session, 1)
    checkin.check_in(session, str(learner.id), code(session, now), "phone-1", "", now)
    result = checkin.check_in(session, str(second.id), code(session, now), "phone-1", "", now)
    assert result.flags == [checkin.FLAG_DEVICE]
    assert mark_of(session, learner).flags == checkin.FLAG_DEVICE


def test_a_learner_checks_in_once_from_any_device(session, learner):
    now = at(session, 1)
    checkin.check_in(session, str(learner.id), code(session, now), "phone-1", "", now)
    with pytest.raises(CheckinRefused, match="đã được điểm danh"):
        checkin.check_in(session, str(learner.id), code(session, now), "phone-2", "", now)


def test_an_online_session_has_one_code_for_its_whole_window(training_class, learner):
    online = session_now(training_class.id, mode="online", meeting_url="https://meet.example.vn/a")
    later = at(online, 20)
    assert checkin.current_code(online, later)[0] == checkin.online_code(online)
    assert (
        checkin.check_in(online, str(learner.id), checkin.online_code(online), "", "", later).status
        == "late"
    )


def test_codes_rotate(session):
    now = at(session, 0)
    assert code(session, now) != code(session, now + timedelta(seconds=session.code_seconds))


def test_the_check_in_page_checks_in_and_is_rate_limited(app, session, learner):
    session_id = session.id
    db.session.commit()
    client = login(app.test_client(), learner)
    page = client.get(f"/attendance/checkin/{session_id}?c=123456")
    assert page.status_code == 200 and 'value="123456"' in page.get_data(as_text=True)
    token = csrf_token(client, f"/attendance/checkin/{session_id}")
    statuses = [
        client.post(
            f"/attendance/checkin/{session_id}", data={"csrf_token": token, "code": "abcdef"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [422] * 10 + [429]


def test_the_check_in_page_sets_the_device_cookie(app, session, learner):
    session_id = session.id
    good = checkin.current_code(session)[0]
    db.session.commit()
    client = login(app.test_client(), learner)
    token = csrf_token(client, f"/attendance/checkin/{session_id}")
    response = client.post(
        f"/attendance/checkin/{session_id}", data={"csrf_token": token, "code": good}
    )
    assert response.status_code == 200
    assert "Set-Cookie" in response.headers and "lms_device=" in response.headers["Set-Cookie"]
    assert "Có mặt" in response.get_data(as_text=True)
