"""The attendance pages over HTTP: an organizer adds a session and a series, moves and cancels
one; a trainer marks the roster (plain form, JSON saves, "mark all present") and reads the
history; the class's list exports as CSV/XLSX, the sign-in sheet prints Vietnamese names
correctly, imports write all rows or none; learners see upcoming sessions and their calendar."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.attendance import ical, marking, services
from lms.attendance.marking import Change
from lms.attendance.models import AttendanceMark, AttendanceSession
from lms.classes import enrolment as enrolments
from lms.classes.models import ClassTrainer
from tests.access.attendance import past_session, session_now
from tests.access.classes import open_class, small_version
from tests.conftest import csrf_token, login


@pytest.fixture
def setting(app, make_unit, make_person):
    unit = make_unit("SNV", "Sở Nội vụ thành phố Đà Nẵng")
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=unit)
    stranger = make_person("tochuckhac", role=Role.ORGANIZER, unit=make_unit("STC", "Sở Tài chính"))
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit, full_name="Lê Văn Giảng")
    learners = [
        make_person("hoa", unit=unit, full_name="Nguyễn Thị Hòa", official_code="CB001"),
        make_person("vanan", unit=unit, full_name="Trần Văn An", official_code="CB002"),
        make_person("uyen", unit=unit, full_name="Phạm Thị Ngọc Uyển", official_code="CB003"),
    ]
    training_class = open_class(
        unit,
        "MC-01",
        version=small_version(),
        name="Lớp bồi dưỡng một cửa",
        decision_number="123/QĐ-SNV",
    )
    for learner in learners:
        enrolments.enrol(training_class, str(learner.id))
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    db.session.commit()
    return {
        "class": training_class,
        "class_id": training_class.id,
        "organizer": organizer,
        "stranger": stranger,
        "trainer": trainer,
        "learners": learners,
        "ids": [str(a.id) for a in learners],
    }


def post(client, url: str, referer: str = "/profile", **data):
    return client.post(url, data={"csrf_token": csrf_token(client, referer), **data})


def sessions_of(class_id: int) -> list[AttendanceSession]:
    return services.class_sessions(class_id)


def test_organizer_adds_a_session_and_a_series(client, setting):
    class_id = setting["class_id"]
    login(client, setting["organizer"])
    response = post(
        client,
        f"/attendance/classes/{class_id}/sessions/new",
        day="08/12/2026",
        start="07:30",
        end="11:00",
        mode="in-person",
        room="Phòng 201",
        trainer_id=str(setting["trainer"].id),
        topic="Quy trình một cửa",
        checkin_before_minutes="15",
        checkin_after_minutes="30",
        late_after_minutes="10",
        code_seconds="15",
        allowed_networks="",
    )
    assert response.status_code == 303
    response = post(
        client,
        f"/attendance/classes/{class_id}/series",
        day="08/12/2026",
        start="13:30",
        end="16:30",
        mode="in-person",
        room="Phòng 201",
        weekdays=["1", "3"],
        weeks="2",
        skip="10/12/2026",
        checkin_before_minutes="15",
        checkin_after_minutes="30",
        late_after_minutes="10",
        code_seconds="20",
        allowed_networks="10.0.0.0/8",
    )
    assert response.status_code == 303
    made = sessions_of(class_id)
    assert len(made) == 4  # one + Tue 8, Tue 15, Thu 17 (Thu 10 skipped)
    assert {s.code_seconds for s in made} == {15, 20}
    page = client.get(f"/attendance/classes/{class_id}").get_data(as_text=True)
    assert "Phòng 201" in page and "Lê Văn Giảng" in page


def test_bad_session_input_is_answered_in_vietnamese(client, setting):
    login(client, setting["organizer"])
    response = post(
        client,
        f"/attendance/classes/{setting['class_id']}/sessions/new",
        day="31/02/2026",
        start="11:00",
        end="08:00",
        mode="online",
        checkin_before_minutes="15",
        checkin_after_minutes="30",
        late_after_minutes="10",
        code_seconds="1",
        allowed_networks="not-a-net",
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "dd/mm/yyyy" in text and "not-a-net" in text
    assert sessions_of(setting["class_id"]) == []


def test_move_and_cancel_a_session(client, setting):
    session = past_session(setting["class_id"], days=-3)
    session_id = session.id
    login(client, setting["trainer"])
    response = post(
        client,
        f"/attendance/sessions/{session_id}/edit",
        day="20/12/2026",
        start="08:00",
        end="10:00",
        mode="online",
        meeting_url="https://meet.example.vn/mc01",
        trainer_id="",
        checkin_before_minutes="15",
        checkin_after_minutes="30",
        late_after_minutes="10",
        code_seconds="15",
        allowed_networks="",
    )
    assert response.status_code == 303
    moved = db.session.get(AttendanceSession, session_id)
    assert services.local(moved.starts_at).strftime("%d/%m/%Y %H:%M") == "20/12/2026 08:00"
    assert moved.mode == "online"
    response = post(client, f"/attendance/sessions/{session_id}/cancel", reason="Giảng viên ốm")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(AttendanceSession, session_id).cancelled_at is not None
    history = client.get(f"/attendance/sessions/{session_id}/history").get_data(as_text=True)
    assert "20/12/2026 08:00–10:00, https://meet.example.vn/mc01" in history
    assert "Đã hủy: Giảng viên ốm" in history
    learner = login(client.application.test_client(), setting["learners"][0])
    page = learner.get(f"/attendance/classes/{setting['class_id']}/my").get_data(as_text=True)
    assert "Giảng viên ốm" in page and "Đã hủy" in page


def test_another_units_organizer_cannot_touch_the_class(client, setting):
    session = past_session(setting["class_id"])
    login(client, setting["stranger"])
    assert client.get(f"/attendance/sessions/{session.id}/mark").status_code == 403
    assert post(client, f"/attendance/sessions/{session.id}/mark-all-present").status_code == 403


def test_plain_form_marking_and_the_history(client, setting):
    session = past_session(setting["class_id"])
    hoa, an, uyen = setting["ids"]
    login(client, setting["trainer"])
    page = client.get(f"/attendance/sessions/{session.id}/mark").get_data(as_text=True)
    # Vietnamese order by given name: An, Hòa, Uyển.
    assert (
        page.index("Trần Văn An") < page.index("Nguyễn Thị Hòa") < page.index("Phạm Thị Ngọc Uyển")
    )
    response = post(
        client,
        f"/attendance/sessions/{session.id}/mark",
        **{f"status-{hoa}": "present", f"status-{an}": "late", f"remark-{an}": "Đến 8h15"},
    )
    assert response.status_code == 303
    response = post(client, f"/attendance/sessions/{session.id}/mark-all-present")
    assert response.status_code == 303
    marks = {m.user_id: (m.status, m.remark) for m in db.session.scalars(select(AttendanceMark))}
    assert marks == {hoa: ("present", ""), an: ("late", "Đến 8h15"), uyen: ("present", "")}
    history = client.get(f"/attendance/sessions/{session.id}/history").get_data(as_text=True)
    assert "Lê Văn Giảng" in history and "Đến 8h15" in history and "Đi muộn" in history


def test_json_saves_all_or_none_with_the_csrf_header(client, setting):
    session = past_session(setting["class_id"])
    hoa, an, _uyen = setting["ids"]
    login(client, setting["trainer"])
    token = csrf_token(client, f"/attendance/sessions/{session.id}/mark")
    url = f"/attendance/sessions/{session.id}/marks.json"

    def send(changes, headers=None):
        return client.post(
            url,
            data=json.dumps({"changes": changes}),
            content_type="application/json",
            headers={"X-CSRFToken": token} if headers is None else headers,
        )

    assert (
        send([{"user_id": hoa, "status": "present", "remark": ""}], headers={}).status_code == 400
    )
    refused = send(
        [
            {"user_id": hoa, "status": "present", "remark": ""},
            {"user_id": an, "status": "nope", "remark": ""},
        ]
    )
    assert refused.status_code == 422 and "nope" in refused.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(AttendanceMark)) == 0
    saved = send(
        [
            {"user_id": hoa, "status": "absent", "remark": ""},
            {"user_id": hoa, "status": "excused", "remark": "Ốm"},  # the later change wins
        ]
    )
    assert saved.status_code == 200 and saved.get_json()["changed"] == [hoa]
    mark = db.session.scalar(select(AttendanceMark))
    assert (mark.status, mark.remark, mark.marked_by) == (
        "excused",
        "Ốm",
        str(setting["trainer"].id),
    )


def test_marking_page_queries_are_bounded(client, setting, make_person, count_queries):
    session = past_session(setting["class_id"])
    login(client, setting["trainer"])
    url = f"/attendance/sessions/{session.id}/mark"
    with count_queries() as few:
        client.get(url)
    for n in range(6):
        enrolments.enrol(setting["class"], str(make_person(f"them{n}").id))
    db.session.commit()
    with count_queries() as more:
        client.get(url)
    assert len(more) == len(few)


def test_class_export_has_every_session_totals_and_rate(client, setting):
    class_id = setting["class_id"]
    first, second = past_session(class_id, 3), past_session(class_id, 2)
    hoa, an, _uyen = setting["ids"]
    marking.write_marks(first, [Change(hoa, "present"), Change(an, "late")])
    marking.write_marks(second, [Change(hoa, "present"), Change(an, "excused")])
    db.session.commit()
    first_id = first.id
    login(client, setting["organizer"])
    response = client.get(f"/attendance/classes/{class_id}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["STT", "Họ và tên"] and rows[0][-1] == "Chuyên cần (%)"
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Trần Văn An"][5:7] == ["Đi muộn", "Vắng có phép"]
    assert by_name["Trần Văn An"][-1] == "50.0"
    assert by_name["Phạm Thị Ngọc Uyển"][5:7] == ["Vắng không phép", "Vắng không phép"]
    response = client.get(f"/attendance/sessions/{first_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][-2].startswith("Buổi 1 (") and values[0][-1] == "Ghi chú"
    assert {row[1]: row[-2] for row in values[1:]}["Nguyễn Thị Hòa"] == "Có mặt"


def test_sign_in_sheet_prints_vietnamese_names(client, setting):
    session = past_session(setting["class_id"])
    login(client, setting["trainer"])
    response = client.get(f"/attendance/sessions/{session.id}/sign-in.pdf")
    assert response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in (
        "SỞ NỘI VỤ THÀNH PHỐ ĐÀ NẴNG",
        "DANH SÁCH KÝ TÊN",
        "Phạm Thị Ngọc Uyển",
        "Nguyễn Thị Hòa",
        "123/QĐ-SNV",
        "Chữ ký",
    ):
        assert expected in text
    whole = client.get(f"/attendance/classes/{setting['class_id']}/sign-in.pdf")
    assert len(PdfReader(io.BytesIO(whole.data)).pages) == 1


def upload(client, url, text: str, name="ky-ten.csv", **extra):
    data = {"csrf_token": csrf_token(client, "/profile"), "file": (io.BytesIO(text.encode()), name)}
    return client.post(url, data={**data, **extra}, content_type="multipart/form-data")


def test_import_reports_bad_rows_by_number_and_writes_nothing(client, setting):
    session = past_session(setting["class_id"])
    login(client, setting["trainer"])
    url = f"/attendance/sessions/{session.id}/import"
    bad = (
        "Mã CBCCVC,Trạng thái,Ghi chú\nCB001,Có mặt,\nCB999,Có mặt,\nCB002,ngủ gật,\nCB001,vắng,\n"
    )
    response = upload(client, url, bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "dòng 3:" in text and "dòng 4:" in text and "dòng 5:" in text and "dòng 2:" not in text
    assert db.session.scalar(select(func.count()).select_from(AttendanceMark)) == 0
    good = (
        "official_code,status,remark\nCB001,co mat,\n"
        "CB002,Đi muộn,Kẹt xe\nCB003,excused,Đi công tác\n"
    )
    response = upload(client, url, good)
    assert response.status_code == 303
    marks = {m.user_id: m.status for m in db.session.scalars(select(AttendanceMark))}
    assert sorted(marks.values()) == ["excused", "late", "present"]


def test_meeting_report_turns_minutes_into_statuses(client, setting):
    session = past_session(setting["class_id"])
    hoa, an, _uyen = setting["ids"]
    login(client, setting["trainer"])
    report = (
        "Name,Email,Minutes\nNguyễn Thị Hòa,,50\nnguyen thi hoa,,20\n"
        "Trần Văn An,,30\nKhách mời,,90\n"
    )
    response = upload(
        client, f"/attendance/sessions/{session.id}/report", report, "report.csv", min_minutes="60"
    )
    assert response.status_code == 303
    marks = {m.user_id: m.status for m in db.session.scalars(select(AttendanceMark))}
    assert marks == {hoa: "present", an: "absent"}


def test_learners_see_upcoming_sessions_and_their_calendar(app, client, setting):
    class_id = setting["class_id"]
    now = session_now(class_id)
    login(client, setting["learners"][0])
    home = client.get("/").get_data(as_text=True)
    assert "Lớp bồi dưỡng một cửa" in home and f"/attendance/checkin/{now.id}" in home
    page = client.get(f"/learn/{class_id}").get_data(as_text=True)
    assert f"/attendance/classes/{class_id}/my" in page
    token = ical.feed_token(class_id, setting["ids"][0])
    feed = app.test_client().get(f"/attendance/calendar/{token}.ics")
    assert feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert f"UID:lms-session-{now.id}@" in body and "BEGIN:VEVENT" in body
    assert app.test_client().get(f"/attendance/calendar/{token}x.ics").status_code == 404
    enrolments.withdraw(enrolments.find_enrolment(setting["class"], setting["ids"][0]))
    db.session.commit()
    assert app.test_client().get(f"/attendance/calendar/{token}.ics").status_code == 404


def test_organizer_sets_statuses_points_and_settings(client, setting):
    class_id = setting["class_id"]
    login(client, setting["organizer"])
    page = client.get(f"/attendance/classes/{class_id}/settings").get_data(as_text=True)
    assert 'value="Vắng có phép"' in page
    rows = {
        "rows-0-label": "Có mặt",
        "rows-0-points": "2",
        "rows-1-label": "Đến muộn",
        "rows-1-points": "1",
        "rows-2-label": "Vắng có phép",
        "rows-2-points": "0",
        "rows-3-label": "Vắng",
        "rows-3-points": "0",
    }
    assert post(client, f"/attendance/classes/{class_id}/settings", **rows).status_code == 303
    assert [(s.code, s.label, s.points) for s in services.statuses(class_id)] == [
        ("present", "Có mặt", 2),
        ("late", "Đến muộn", 1),
        ("excused", "Vắng có phép", 0),
        ("absent", "Vắng", 0),
    ]
    bad = post(
        client, f"/attendance/classes/{class_id}/settings", **{**rows, "rows-1-points": "99"}
    )
    assert bad.status_code == 422
    response = post(
        client, f"/attendance/classes/{class_id}/settings", automark_absent="", low_percent="70"
    )
    assert response.status_code == 303
    assert services.settings(class_id).automark_absent is False
    assert services.settings(class_id).low_percent == 70
    trainer = login(client.application.test_client(), setting["trainer"])
    assert trainer.get(f"/attendance/classes/{class_id}/settings").status_code == 403


def test_organizer_notices_the_learners_under_the_low_percent(client, setting):
    """Two of three learners missed the one session held: the organizer sends them a notice,
    each reads it on the class page, a second send notices nobody again, and a trainer or
    another department's organizer may not send at all."""
    from lms.attendance.models import AttendanceNotice
    from lms.audit.models import AuditEvent
    from tests.access.attendance import past_session

    class_id = setting["class_id"]
    hoa, an, uyen = setting["ids"]
    marking.write_marks(past_session(class_id), [Change(hoa, "present")])
    db.session.commit()
    login(client, setting["organizer"])
    report = client.get(f"/attendance/classes/{class_id}/report").get_data(as_text=True)
    assert "Gửi nhắc nhở cho các học viên này" in report
    response = post(client, f"/attendance/classes/{class_id}/notices")
    assert response.status_code == 303
    sent = db.session.scalars(select(AttendanceNotice)).all()
    assert sorted(n.user_id for n in sent) == sorted([an, uyen])
    assert {(n.percent, n.low_percent) for n in sent} == {(0.0, 80)}
    events = select(func.count()).where(AuditEvent.action == "attendance.notice")
    assert db.session.scalar(events) == 2
    again = post(client, f"/attendance/classes/{class_id}/notices")
    assert again.status_code == 303
    assert db.session.scalar(select(func.count(AttendanceNotice.id))) == 2
    learners = {a.username: a for a in setting["learners"]}
    page = login(client.application.test_client(), learners["vanan"]).get(f"/learn/{class_id}")
    assert "chuyên cần của anh/chị là 0,0%, dưới mức 80%" in page.get_data(as_text=True)
    page = login(client.application.test_client(), learners["hoa"]).get(f"/learn/{class_id}")
    assert "Nhắc nhở của cán bộ tổ chức lớp" not in page.get_data(as_text=True)
    for outsider in (setting["trainer"], setting["stranger"]):
        other = login(client.application.test_client(), outsider)
        assert post(other, f"/attendance/classes/{class_id}/notices").status_code == 403
    assert db.session.scalar(select(func.count(AttendanceNotice.id))) == 2
