"""Grading essays by hand: the queue (whose classes, grouping, order, counts, the graded filter,
a bounded query count), grading one answer (mark, comment, audit, the attempt's grade, module
completion, grading again), the grade page over HTTP and what the learner's review shows after.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.classes.models import ModuleCompletion
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.grading import manual as grading
from lms.quizzes.models import Attempt, AttemptQuestion, Quiz
from tests.access.grading import essay_of, essay_quiz, submit_essay, taught_class
from tests.access.learning import enrol, shipped_version
from tests.conftest import csrf_token, login
from tests.html_checks import names_not_starting_with_text
from tests.quiz_factories import act_as

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def quiz(training_class) -> Quiz:
    """An essay worth 2 points and a true/false worth 1, in that order."""
    quiz = essay_quiz(training_class)
    db.session.commit()
    return quiz


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# --- the queue -----------------------------------------------------------------------------------


def test_queue_groups_by_class_and_quiz_oldest_first(
    quiz, training_class, trainer, learner, make_person, unit
):
    """Waiting essays come grouped per quiz, the oldest submitted first, with their counts."""
    other = make_person("hocvien2", unit=unit, full_name="Phạm Văn Nam")
    enrol(training_class, other)
    now = utcnow()
    late = submit_essay(quiz, learner, "Trả lời muộn.", now=now)
    early = submit_essay(quiz, other, "Trả lời sớm.", now=now - timedelta(hours=2))
    second = essay_quiz(training_class, "Tự luận lần hai")
    submit_essay(second, learner, "Bài thứ hai.")
    act_as(trainer)
    queue = grading.grading_queue(str(trainer.id))
    assert [(group.quiz_title, group.count) for group in queue.groups] == [
        ("Tự luận Một cửa", 2),
        ("Tự luận lần hai", 1),
    ]
    assert [row.attempt_id for row in queue.groups[0].rows] == [early.id, late.id]
    assert queue.groups[0].rows[0].learner_name == "Phạm Văn Nam"
    assert (queue.waiting, queue.graded, queue.total) == (3, 0, 3)


def test_queue_shows_only_the_classes_the_user_manages(quiz, learner, make_person, make_unit, unit):
    """Another unit's organizer and a trainer of another class see nothing; admins see all."""
    submit_essay(quiz, learner, "Câu trả lời.")
    elsewhere = make_unit("SO-KHAC", "Sở Khác")
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=elsewhere)
    stranger = make_person("giangvienkhac", role=Role.TRAINER, unit=elsewhere)
    admin = make_person("quantri", role=Role.ADMIN, unit=unit)
    for account, expected in ((organizer, 0), (stranger, 0), (admin, 1)):
        act_as(account)
        assert grading.grading_queue(str(account.id)).waiting == expected


def test_queue_reaches_organizers_of_the_class_unit(quiz, learner, make_person, unit):
    """An organizer of the class's unit sees its essays without teaching the class."""
    submit_essay(quiz, learner, "Câu trả lời.")
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=unit)
    act_as(organizer)
    assert grading.grading_queue(str(organizer.id)).waiting == 1


def test_attempts_in_progress_are_not_in_the_queue(quiz, trainer, learner):
    """An essay typed in an attempt not yet submitted does not wait for a grader."""
    attempts.start_attempt(quiz, str(learner.id))
    act_as(trainer)
    assert grading.grading_queue(str(trainer.id)).groups == []


def test_graded_filter_lists_answers_graded_by_hand(quiz, trainer, learner):
    """After grading, the answer leaves the waiting list and shows under "already graded"."""
    attempt = submit_essay(quiz, learner, "Câu trả lời.")
    act_as(trainer)
    grading.grade_answer(essay_of(attempt), attempt, quiz, 1.5, "Khá.", str(trainer.id))
    assert grading.grading_queue(str(trainer.id)).groups == []
    graded = grading.grading_queue(str(trainer.id), grading.GRADED)
    assert (graded.waiting, graded.graded) == (0, 1)
    assert graded.groups[0].rows[0].fraction == pytest.approx(0.75)


def test_queue_limit_keeps_the_true_counts(quiz, trainer, learner):
    """A page holding fewer rows than wait still counts every answer in its group."""
    for number in range(3):
        submit_essay(quiz, learner, f"Lần {number}")
    act_as(trainer)
    queue = grading.grading_queue(str(trainer.id), limit=2)
    assert (queue.groups[0].count, len(queue.groups[0].rows), queue.groups[0].hidden) == (3, 2, 1)


def test_queue_page_query_count_does_not_grow(client, quiz, trainer, learner, count_queries):
    """The queue page runs as many queries for 50 waiting answers as for 5."""
    for number in range(5):
        submit_essay(quiz, learner, f"Bài {number}")
    db.session.commit()
    login(client, trainer)
    client.get("/grading/")
    with count_queries() as few:
        assert client.get("/grading/").status_code == 200
    for number in range(45):
        submit_essay(quiz, learner, f"Bài thêm {number}")
    db.session.commit()
    with count_queries() as many:
        page = client.get("/grading/").get_data(as_text=True)
    assert page.count("/grading/answer/") == 50
    assert len(many) == len(few)


def test_next_waiting_prefers_the_same_quiz(quiz, training_class, trainer, learner):
    """The next answer comes from the quiz being graded before any other quiz."""
    other_quiz = essay_quiz(training_class, "Khác")
    earliest = submit_essay(other_quiz, learner, "Sớm nhất.", now=utcnow() - timedelta(days=1))
    first = submit_essay(quiz, learner, "Một.")
    second = submit_essay(quiz, learner, "Hai.")
    act_as(trainer)
    grading.grade_answer(essay_of(first), first, quiz, 2, "", str(trainer.id))
    assert grading.next_waiting(str(trainer.id), quiz.id) == essay_of(second).id
    grading.grade_answer(essay_of(second), second, quiz, 2, "", str(trainer.id))
    assert grading.next_waiting(str(trainer.id), quiz.id) == essay_of(earliest).id


# --- grading one answer --------------------------------------------------------------------------


def test_grading_sets_the_mark_comment_and_attempt_grade(quiz, trainer, learner):
    """1,5 of 2 on the essay plus the right true/false makes 2,5 of 3, audited twice."""
    attempt = submit_essay(quiz, learner, "Người dân chỉ đến một nơi.")
    assert attempt.fraction is None
    essay = essay_of(attempt)
    act_as(trainer)
    grading.grade_answer(essay, attempt, quiz, 1.5, "  Thiếu ý thứ hai.  ", str(trainer.id))
    assert essay.fraction == pytest.approx(0.75)
    assert (essay.grader_comment, essay.graded_by) == ("Thiếu ý thứ hai.", str(trainer.id))
    assert essay.graded_at is not None
    assert attempt.fraction == pytest.approx(2.5 / 3)
    [event] = events("attempt_question.grade")
    assert event.before == {"mark": None, "comment": ""}
    assert event.after["mark"] == 1.5 and event.after["comment"] == "Thiếu ý thứ hai."
    assert event.actor_id == str(trainer.id)
    assert events("attempt.grade")[-1].after["reason"] == "manual"


def test_grading_again_is_allowed_and_audited(quiz, trainer, learner):
    """A second grade replaces the first; the audit trail keeps both, before and after."""
    attempt = submit_essay(quiz, learner, "Câu trả lời.")
    essay = essay_of(attempt)
    act_as(trainer)
    grading.grade_answer(essay, attempt, quiz, 1, "Đạt một ý.", str(trainer.id))
    grading.grade_answer(essay, attempt, quiz, 2, "Đủ ý sau khi xem lại.", str(trainer.id))
    _, second = events("attempt_question.grade")
    assert second.before == {"mark": 1.0, "comment": "Đạt một ý."}
    assert second.after["mark"] == 2
    assert attempt.fraction == pytest.approx(1.0)


@pytest.mark.parametrize("mark", [-0.5, 2.01])
def test_mark_out_of_range_is_refused(quiz, trainer, learner, mark):
    """A mark below 0 or above the question's maximum is refused and changes nothing."""
    attempt = submit_essay(quiz, learner, "Câu trả lời.")
    act_as(trainer)
    with pytest.raises(ServiceError, match="từ 0 đến 2"):
        grading.grade_answer(essay_of(attempt), attempt, quiz, mark, "", str(trainer.id))
    assert essay_of(attempt).fraction is None and events("attempt_question.grade") == []


def test_attempt_waits_while_another_essay_waits(training_class, trainer, learner):
    """With two essays, grading one leaves the attempt without a grade."""
    quiz = essay_quiz(training_class)
    attempt = attempts.start_attempt(quiz, str(learner.id))
    attempt.questions.append(
        AttemptQuestion(
            position=3, question_version_id=essay_of(attempt).question_version_id, max_mark=1
        )
    )
    db.session.flush()
    attempts.submit_attempt(attempt, quiz)
    act_as(trainer)
    grading.grade_answer(essay_of(attempt), attempt, quiz, 2, "", str(trainer.id))
    assert attempt.fraction is None
    assert grading.grading_queue(str(trainer.id)).waiting == 1


def test_grading_that_passes_completes_the_module(unit, trainer, learner):
    """The module of a module quiz completes once the graded essay makes the learner pass."""
    version = shipped_version()
    training_class = taught_class(unit, trainer, learner, code="MC-02")
    quiz = essay_quiz(training_class, pass_mark=60, module=version.modules[0])
    attempt = submit_essay(quiz, learner, "Câu trả lời.")
    completions = select(func.count(ModuleCompletion.id))
    assert db.session.scalar(completions) == 0
    act_as(trainer)
    grading.grade_answer(essay_of(attempt), attempt, quiz, 1, "", str(trainer.id))
    assert db.session.scalar(completions) == 1


def test_only_types_graded_by_a_person_need_one(quiz, learner):
    """The essay needs a grader; the true/false graded itself."""
    attempt = submit_essay(quiz, learner, "Câu trả lời.")
    needs = {q.question_version.qtype: grading.needs_a_person(q) for q in attempt.questions}
    assert needs == {"essay": True, "truefalse": False}


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def submitted(quiz, learner) -> Attempt:
    attempt = submit_essay(quiz, learner, "Dòng một <b>đậm</b>\nDòng hai")
    db.session.commit()
    return attempt


@pytest.fixture
def trainer_client(client, trainer):
    return login(client, trainer)


def post_grade(client, question_id: int, mark: str, comment: str = "", then: str = "next"):
    token = csrf_token(client, f"/grading/answer/{question_id}")
    return client.post(
        f"/grading/answer/{question_id}",
        data={"csrf_token": token, "mark": mark, "comment": comment, "then": then},
    )


def test_queue_page_lists_the_waiting_essay(trainer_client, submitted):
    """The trainer's queue names the quiz, the class and the learner, with a link to grade."""
    page = trainer_client.get("/grading/").get_data(as_text=True)
    assert "Tự luận Một cửa" in page and "Lớp Một cửa MC-01" in page
    assert "Trần Thị Mai" in page
    assert f"/grading/answer/{essay_of(submitted).id}" in page
    assert "Đang chờ chấm (1)" in page
    # Issue 14: the question by the start of its text, not its code.
    assert "Nêu ý nghĩa của cơ chế một cửa." in page and "tl-1" not in page


def test_grade_page_shows_question_answer_rubric_and_maximum(trainer_client, submitted):
    """Stem rendered, the learner's text escaped with its line breaks kept, rubric, max mark."""
    page = trainer_client.get(f"/grading/answer/{essay_of(submitted).id}").get_data(as_text=True)
    assert "cơ chế <strong>một cửa</strong>" in page
    assert "Dòng một &lt;b&gt;đậm&lt;/b&gt;\nDòng hai" in page
    assert "<b>đậm</b>" not in page
    assert "<strong>hai ý</strong>" in page
    assert "Điểm: 2" in page
    assert "ví dụ 1,5." in page  # an example mark within the question's 2 points


def test_comma_mark_saves_and_goes_to_the_next_answer(trainer_client, submitted, quiz, learner):
    """ "1,5" is 1.5 points; "Save and next" opens the next waiting answer."""
    following = submit_essay(quiz, learner, "Bài sau.")
    db.session.commit()
    response = post_grade(trainer_client, essay_of(submitted).id, "1,5", "Khá tốt.")
    assert response.status_code == 303
    assert response.location.endswith(f"/grading/answer/{essay_of(following).id}")
    essay = db.session.get(AttemptQuestion, essay_of(submitted).id)
    assert essay.fraction == pytest.approx(0.75) and essay.grader_comment == "Khá tốt."


def test_last_answer_goes_back_to_the_queue(trainer_client, submitted):
    """With nothing left to grade, saving returns to the queue and says so."""
    response = post_grade(trainer_client, essay_of(submitted).id, "2")
    assert response.status_code == 303 and response.location.endswith("/grading/")
    page = trainer_client.get("/grading/").get_data(as_text=True)
    assert "Không còn bài nào chờ chấm." in page


def test_grade_links_are_named_by_what_they_show(trainer_client, submitted):
    """The link "Chấm lại" is read as "Chấm lại: câu trả lời của …", its words first."""
    post_grade(trainer_client, essay_of(submitted).id, "2")
    page = trainer_client.get("/grading/?show=graded").get_data(as_text=True)
    assert 'aria-label="Chấm lại: câu trả lời của Trần Thị Mai"' in page
    assert names_not_starting_with_text(page) == []


@pytest.mark.parametrize(
    ("mark", "message"),
    [("3", "Điểm phải từ 0 đến 2."), ("hai", "Hãy nhập điểm là một số, ví dụ 1,5.")],
)
def test_bad_mark_answers_422_with_a_message(trainer_client, submitted, mark, message):
    """A mark above the maximum or not a number is shown again with a Vietnamese message."""
    response = post_grade(trainer_client, essay_of(submitted).id, mark)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'value="{mark}"' in page
    assert db.session.get(AttemptQuestion, essay_of(submitted).id).fraction is None


def test_questions_graded_by_their_type_have_no_grade_page(trainer_client, submitted):
    """The true/false of the attempt is not graded by hand: 404."""
    auto = next(q for q in submitted.questions if q.question_version.qtype == "truefalse")
    assert trainer_client.get(f"/grading/answer/{auto.id}").status_code == 404


def test_answers_of_attempts_in_progress_have_no_grade_page(trainer_client, quiz, learner):
    """An essay still being written cannot be graded: 404."""
    attempt = attempts.start_attempt(quiz, str(learner.id))
    db.session.commit()
    assert trainer_client.get(f"/grading/answer/{essay_of(attempt).id}").status_code == 404


def test_other_unit_organizer_cannot_post_a_grade(client, submitted, make_person, make_unit):
    """Saving a grade is refused (403) to an organizer of another unit."""
    organizer = make_person("tochuckhac", role=Role.ORGANIZER, unit=make_unit("SO-KHAC"))
    login(client, organizer)
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/grading/answer/{essay_of(submitted).id}", data={"csrf_token": token, "mark": "2"}
    )
    assert response.status_code == 403


def test_learner_review_shows_mark_and_comment(app, trainer_client, submitted, learner):
    """After grading, the learner's review shows the essay's mark and the grader's comment."""
    post_grade(trainer_client, essay_of(submitted).id, "1,5", "Cần nêu thêm **ý thứ hai**.")
    client = login(app.test_client(), learner)
    page = client.get(f"/quiz/attempt/{submitted.id}/review").get_data(as_text=True)
    assert "(1,5/2)" in page
    assert "Nhận xét của người chấm" in page and "<strong>ý thứ hai</strong>" in page
    assert "chờ chấm" not in page


def test_learner_review_says_waiting_before_grading(client, submitted, learner):
    """Before grading, the learner sees the essay waiting for grading."""
    login(client, learner)
    page = client.get(f"/quiz/attempt/{submitted.id}/review").get_data(as_text=True)
    assert "Đang chờ chấm" in page


def test_review_options_hide_the_comment(app, trainer_client, submitted, learner, quiz):
    """With feedback hidden by the quiz's review options, the comment stays hidden too."""
    quiz = db.session.get(Quiz, quiz.id)
    quiz.review = {moment: {"feedback": False} for moment in ("after", "open", "closed")}
    db.session.commit()
    post_grade(trainer_client, essay_of(submitted).id, "2", "Nhận xét kín.")
    client = login(app.test_client(), learner)
    page = client.get(f"/quiz/attempt/{submitted.id}/review").get_data(as_text=True)
    assert "Nhận xét kín." not in page


def test_queue_narrowed_to_one_quiz(trainer_client, submitted, quiz, training_class, learner):
    """?quiz= keeps only that quiz's answers; a quiz the user does not manage is refused."""
    other = essay_quiz(training_class, "Tự luận khác")
    submit_essay(other, learner, "Bài khác.")
    db.session.commit()
    page = trainer_client.get(f"/grading/?quiz={quiz.id}").get_data(as_text=True)
    assert "Tự luận Một cửa" in page and "Tự luận khác" not in page
    assert trainer_client.get("/grading/").get_data(as_text=True).count("/grading/answer/") == 2


def test_queue_refuses_a_quiz_of_another_class(client, submitted, quiz, make_person, make_unit):
    """An organizer of another unit cannot narrow the queue to this quiz (403)."""
    organizer = make_person("tochuckhac", role=Role.ORGANIZER, unit=make_unit("SO-KHAC"))
    login(client, organizer)
    assert client.get(f"/grading/?quiz={quiz.id}").status_code == 403
