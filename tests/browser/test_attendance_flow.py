"""Attendance in a real browser: a trainer marks a roster on a 360 px phone ("mark all present",
then fixes), one change made with the network cut waits on the device and is sent when the
link returns; a learner checks in with the code the trainer's screen shows."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role
from lms.attendance.models import AttendanceMark
from lms.classes import enrolment as enrolments
from lms.classes.models import ClassTrainer
from tests.access.attendance import session_now
from tests.access.classes import open_class, small_version
from tests.browser.conftest import FAILED_LOAD
from tests.browser.test_shell import PHONE, log_in

SAVE = re.compile(r"/attendance/sessions/\d+/marks\.json$")


@pytest.fixture(autouse=True)
def page_errors(page: Page) -> Iterator[None]:
    """As the shared fixture, except for saves failing on purpose while the network is cut."""
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        cut = "net::ERR_INTERNET_DISCONNECTED" in message.text
        refused = message.text.startswith(FAILED_LOAD) and SAVE.search(url)
        if message.type == "error" and not (cut or refused):
            messages.append(f"{message.text} ({url})")

    def on_page_error(error: Error) -> None:
        messages.append(f"uncaught {error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield
    assert not messages, "the page reported errors:\n" + "\n".join(messages)


@pytest.fixture
def world(app, make_unit, make_person) -> dict:
    unit = make_unit("SNV", "Sở Nội vụ")
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit, full_name="Lê Văn Giảng")
    names = ["Nguyễn Thị Hòa", "Trần Văn An", "Phạm Thị Ngọc Uyển", "Đỗ Minh Đức"]
    learners = [
        make_person(f"hocvien{n}", unit=unit, full_name=name) for n, name in enumerate(names)
    ]
    training_class = open_class(unit, "MC-01", version=small_version(), name="Lớp một cửa")
    for learner in learners:
        enrolments.enrol(training_class, str(learner.id))
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    db.session.commit()
    session = session_now(training_class.id, room="Phòng 201")
    ids = {name: str(a.id) for name, a in zip(names, learners, strict=True)}
    return {"session_id": session.id, "ids": ids}


def marks(session_id: int) -> dict[str, str]:
    db.session.rollback()
    return {
        m.user_id: m.status
        for m in db.session.scalars(
            select(AttendanceMark).where(AttendanceMark.session_id == session_id)
        )
    }


def row(page: Page, name: str):
    return page.locator("li[data-user]").filter(has_text=name)


def test_trainer_marks_a_roster_on_a_phone_one_change_offline(page: Page, world):
    session_id, ids = world["session_id"], world["ids"]
    page.set_viewport_size(PHONE)
    log_in(page, "giangvien")
    page.goto(f"/attendance/sessions/{session_id}/mark")
    # The whole roster fits the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Điểm danh có mặt cho tất cả người chưa điểm danh").click()
    expect(page.locator("[data-status]")).to_have_text("Đã lưu")
    assert set(marks(session_id).values()) == {"present"}
    page.get_by_label("Tìm theo tên").fill("uyen")
    expect(row(page, "Trần Văn An")).to_be_hidden()
    row(page, "Phạm Thị Ngọc Uyển").get_by_text("Đi muộn").click()
    expect(row(page, "Phạm Thị Ngọc Uyển").locator("[data-row-state]")).to_have_text("Đã lưu")
    page.get_by_label("Tìm theo tên").fill("")
    page.context.set_offline(True)
    row(page, "Trần Văn An").get_by_text("Vắng không phép").click()
    expect(page.locator("[data-status]")).to_contain_text("Mất kết nối: 1 thay đổi")
    assert marks(session_id)[ids["Trần Văn An"]] == "present"
    page.context.set_offline(False)
    expect(row(page, "Trần Văn An").locator("[data-row-state]")).to_have_text("Đã lưu")
    assert marks(session_id) == {
        ids["Nguyễn Thị Hòa"]: "present",
        ids["Trần Văn An"]: "absent",
        ids["Phạm Thị Ngọc Uyển"]: "late",
        ids["Đỗ Minh Đức"]: "present",
    }
    page.reload()
    expect(row(page, "Trần Văn An").locator('input[value="absent"]')).to_be_checked()


def test_learner_checks_in_with_the_code_on_the_trainers_screen(page: Page, world, browser):
    session_id = world["session_id"]
    log_in(page, "giangvien")
    page.goto(f"/attendance/sessions/{session_id}/code")
    expect(page.get_by_alt_text("Mã QR để điểm danh")).to_be_visible()
    code = page.locator("[data-code]").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    learner_page = page.context.browser.new_context(
        base_url=page.url.split("/attendance")[0]
    ).new_page()
    learner_page.set_viewport_size(PHONE)
    log_in(learner_page, "hocvien0")
    learner_page.goto(f"/attendance/checkin/{session_id}?c={code}")
    expect(learner_page.get_by_label("Mã điểm danh")).to_have_value(code)
    learner_page.get_by_role("button", name="Điểm danh").click()
    expect(learner_page.get_by_role("status")).to_contain_text("Bạn đã điểm danh: Có mặt")
    assert set(marks(session_id).values()) == {"present"}
    learner_page.context.close()
