"""Grading an essay in a real browser: the trainer finds it in the queue, grades it with a comment
(a comma decimal mark), and the learner's review then shows the mark and the comment.
"""

import re

from playwright.sync_api import Page, expect

from lms import db
from lms.accounts.models import Role
from tests.access.grading import essay_quiz, submit_essay, taught_class
from tests.browser.test_shell import log_in


def test_trainer_grades_an_essay_and_the_learner_sees_it(page: Page, app, make_unit, make_person):
    """Queue → grade page → 1,5 points and a comment → the learner's review shows both."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit, full_name="Lê Văn Giảng")
    learner = make_person("hocvien", unit=unit, full_name="Trần Thị Mai")
    with app.test_request_context():
        quiz = essay_quiz(taught_class(unit, trainer, learner))
        attempt = submit_essay(quiz, learner, "Người dân chỉ đến một nơi.\nKết quả trả tại chỗ.")
    db.session.commit()

    log_in(page, "giangvien")
    page.goto("/grading/")
    queue = page.get_by_role("region", name=re.compile("Tự luận Một cửa"))
    expect(queue.get_by_role("cell", name="Trần Thị Mai", exact=True)).to_be_visible()
    queue.get_by_role("link", name="Chấm: câu trả lời của Trần Thị Mai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chấm câu trả lời")
    expect(page.locator(".learner-answer")).to_have_text(
        "Người dân chỉ đến một nơi.\nKết quả trả tại chỗ."
    )
    page.get_by_label("Điểm", exact=True).fill("1,5")
    page.get_by_label("Nhận xét cho học viên").fill("Cần nêu thêm ý trả kết quả.")
    page.get_by_role("button", name="Lưu và chấm bài tiếp").click()
    expect(page).to_have_url(re.compile(r"/grading/$"))
    expect(page.get_by_text("Không còn bài nào chờ chấm.")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, "hocvien")
    page.goto(f"/quiz/attempt/{attempt.id}/review")
    expect(page.locator(".attempt-grade")).to_contain_text("2,5")
    essay = page.locator("section.question").first
    expect(essay.get_by_role("heading")).to_contain_text("1,5/2")
    expect(essay).to_contain_text("Cần nêu thêm ý trả kết quả.")
