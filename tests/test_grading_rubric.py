"""Graders read an essay's rubric while grading, also when a GIFT bank keeps it in the general
feedback (GIFT has no grader notes), as the shipped banks do.
"""

import pytest
from sqlalchemy import select

from lms import db
from lms.quizzes.bank import services as bank
from lms.quizzes.formats.gift import parse_gift
from lms.quizzes.manage import settings
from lms.quizzes.models import Question
from tests.access.grading import essay_of, submit_essay
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("in_request")

GIFT = """\
::tl-1::Ông Tuấn đến đúng hẹn nhưng hồ sơ chưa có kết quả. Anh, chị nói gì và làm gì? {####Bài làm \
tốt cần có các ý sau\\: xin lỗi chân thành; tra cứu ngay hồ sơ; trao phiếu xin lỗi, hẹn lại của cơ \
quan để chậm.}

::dk-1::TTHC là viết tắt của thủ tục hành chính. {T}
"""


@pytest.fixture
def gift_quiz(training_class):
    """A quiz of the GIFT essay (worth 2) and a true/false, like a shipped bank's."""
    target = bank.get_or_create_bank("gift-tu-luan", "Ngân hàng GIFT")
    bank.import_questions(target, parse_gift(GIFT).questions)
    rows = db.session.execute(
        select(Question.key, Question.id).where(Question.bank_id == target.id)
    )
    ids = {key: question_id for key, question_id in rows}
    slots = [
        settings.SlotSpec(question_id=ids["tl-1"], mark=2),
        settings.SlotSpec(question_id=ids["dk-1"], mark=1),
    ]
    quiz = settings.create_quiz(
        training_class, target, "Tự luận GIFT", slots, attempts_allowed=0, shuffle_questions=False
    )
    db.session.commit()
    return quiz


def test_grade_page_shows_the_gift_rubric(client, trainer, learner, gift_quiz):
    """The general feedback of a GIFT essay appears as the grading notes beside the answer."""
    attempt = submit_essay(gift_quiz, learner, "Cháu xin lỗi bác.")
    db.session.commit()
    page = login(client, trainer).get(f"/grading/answer/{essay_of(attempt).id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="rubric"' in html
    assert "Bài làm tốt cần có các ý sau: xin lỗi chân thành; tra cứu ngay hồ sơ;" in html
