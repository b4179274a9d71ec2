"""A quiz attempt in a real browser: answers autosave, survive a reload and a cut network
(kept in the browser's storage, sent again when it returns), the countdown runs from the
server's time, and an autosave after the deadline shows the server's refusal.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from lms import db
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.models import Attempt, Quiz
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.browser.conftest import FAILED_LOAD
from tests.browser.test_shell import log_in

AUTOSAVE = re.compile(r"/quiz/attempt/\d+/autosave$")


@pytest.fixture(autouse=True)
def page_errors(page: Page) -> Iterator[None]:
    """As the shared fixture, except for what the tests cause on purpose, which Chromium logs
    as console errors too: loads failing while the network is cut, and refused autosaves.
    """
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        cut = "net::ERR_INTERNET_DISCONNECTED" in message.text
        refused = message.text.startswith(FAILED_LOAD) and AUTOSAVE.search(url)
        if message.type == "error" and not (cut or refused):
            messages.append(f"{message.text} ({url})")

    def on_page_error(error: Error) -> None:
        messages.append(f"uncaught {error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield
    assert not messages, "the page reported errors:\n" + "\n".join(messages)


@pytest.fixture
def quiz(app, make_unit, make_person) -> Quiz:
    """A timed quiz of the four small-bank questions on one page, for learner "hocvien"."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    learner = make_person("hocvien", unit=unit, full_name="Trần Thị Mai")
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    quiz = make_quiz(
        training_class,
        small_bank(),
        shuffle_questions=False,
        shuffle_choices=False,
        questions_per_page=0,
        time_limit_minutes=30,
    )
    db.session.commit()
    return quiz


def start(page: Page, quiz: Quiz) -> int:
    log_in(page, "hocvien")
    page.goto(f"/quiz/{quiz.id}")
    page.locator(f'form[action="/quiz/{quiz.id}/start"] button').click()
    expect(page).to_have_url(re.compile(r"/quiz/attempt/\d+"))
    return int(re.search(r"/quiz/attempt/(\d+)", page.url).group(1))


def saved(attempt_id: int) -> dict[int, object]:
    db.session.expire_all()
    return {q.position: q.response for q in attempts.load_attempt(attempt_id).questions}


def test_answers_autosave_and_come_back_after_a_reload(page: Page, quiz):
    """A choice and a typed answer reach the server by autosave and are shown after reload."""
    attempt_id = start(page, quiz)
    with page.expect_response(AUTOSAVE) as first:
        page.locator('input[name="q1-answer"]').first.check()
    assert first.value.status == 200
    with page.expect_response(AUTOSAVE) as second:
        page.locator('input[name="q4-answer"]').fill("tthc")
    assert second.value.status == 200
    expect(page.locator("#autosave-status")).to_have_class(re.compile(r"\bsaved\b"))
    assert saved(attempt_id)[1] == 0 and saved(attempt_id)[4] == "tthc"
    page.reload()
    expect(page.locator('input[name="q1-answer"]').first).to_be_checked()
    expect(page.locator('input[name="q4-answer"]')).to_have_value("tthc")
    expect(page.locator('[data-qnav="1"]')).to_have_class(re.compile(r"\banswered\b"))


def test_answer_made_offline_survives_a_reload_and_is_sent_later(page: Page, quiz):
    """With the network cut the answer stays in the browser, survives a reload, then is sent."""
    attempt_id = start(page, quiz)
    page.wait_for_load_state("networkidle")
    page.context.set_offline(True)
    page.locator('input[name="q2-answer"][value="true"]').check()
    expect(page.locator("#autosave-status")).to_have_class(re.compile(r"\boffline\b"))
    assert saved(attempt_id)[2] is None
    # The page itself comes back, but its autosaves still do not get through.
    page.route(AUTOSAVE, lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.reload()
    expect(page.locator('input[name="q2-answer"][value="true"]')).to_be_checked()
    page.unroute(AUTOSAVE)
    with page.expect_response(AUTOSAVE, timeout=15_000) as retry:
        pass
    assert retry.value.status == 200
    assert saved(attempt_id)[2] is True


def test_countdown_runs_from_the_server_time(page: Page, quiz):
    """The timer shows the server's remaining time and counts down."""
    start(page, quiz)
    clock = page.locator("#attempt-timer [data-clock]")
    expect(clock).to_have_text(re.compile(r"^(29|30):\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=3_000)


def test_autosave_after_the_deadline_shows_the_refusal(page: Page, quiz):
    """When the server's deadline has passed, a change is refused and the page says so."""
    attempt_id = start(page, quiz)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at -= timedelta(minutes=31)
    attempt.started_at -= timedelta(minutes=31)
    db.session.commit()
    with page.expect_response(AUTOSAVE) as refused:
        page.locator('input[name="q1-answer"]').nth(1).check()
    assert refused.value.status == 409
    status = page.locator("#autosave-status")
    expect(status).to_have_class(re.compile(r"\berror\b"))
    expect(status.get_by_role("link")).to_have_attribute("href", re.compile(r"/summary$"))


def test_the_time_left_is_announced_politely_five_minutes_before_the_end(page: Page, quiz):
    """Issue 14: the countdown is not read out each second; a polite live region says "Còn 5
    phút." as the attempt crosses five minutes left."""
    attempt_id = start(page, quiz)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() + timedelta(seconds=302)
    db.session.commit()
    page.reload()
    region = page.locator("#timer-announcement")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("Còn 5 phút.", timeout=10_000)
