"""A fill-the-gaps question from a Moodle bank, answered on a 360 px phone: each gap is a select
in the sentence, nothing scrolls sideways, the choices autosave and the marks come gap by gap.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms import db
from lms.quizzes.attempts import services as attempts
from lms.quizzes.models import Quiz
from tests.browser.test_shell import log_in
from tests.test_moodle_import import moodle_bank_quiz

XML = Path(__file__).resolve().parents[1] / "data" / "moodle" / "bank-moodle5.xml"
AUTOSAVE = re.compile(r"/quiz/attempt/\d+/autosave$")
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def quiz(app, make_unit, make_person) -> Quiz:
    """The Moodle bank's supported questions, in file order on one page, for "hocvien"."""
    quiz, _learner = moodle_bank_quiz(make_unit, make_person, shuffle_choices=True)
    return quiz


def test_fill_the_gaps_on_a_phone(page: Page, quiz):
    """Pick a word for each gap at 360 px: saved as the learner's choices, graded per gap."""
    page.set_viewport_size(PHONE)
    log_in(page, "hocvien")
    page.goto(f"/quiz/{quiz.id}")
    page.locator(f'form[action="/quiz/{quiz.id}/start"] button').click()
    expect(page).to_have_url(re.compile(r"/quiz/attempt/\d+"))
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", page.url).group(1))
    expect(page.get_by_text("Thông tin", exact=True)).to_be_visible()

    first, second = page.get_by_label("Chỗ trống 1").first, page.get_by_label("Chỗ trống 2").first
    expect(first).to_be_visible()
    with page.expect_response(AUTOSAVE) as saved:
        first.select_option(label="tiếp nhận")
    assert saved.value.status == 200
    with page.expect_response(AUTOSAVE) as saved:
        second.select_option(label="văn thư")
    assert saved.value.status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    box = second.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    db.session.expire_all()
    attempt = attempts.load_attempt(attempt_id)
    gaps = next(q for q in attempt.questions if q.question_version.name == "Quy trình một cửa")
    assert gaps.response == [0, 3]
    attempts.submit_attempt(attempt, db.session.get(Quiz, quiz.id))
    db.session.commit()
    assert gaps.fraction == 0.5
