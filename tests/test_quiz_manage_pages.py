"""The quiz management pages through the test client: a class's quiz list, creating a quiz from a
bank (slot problems beside their row), the course's final quiz, settings in local time, slots
locked once attempted, deletion, and per-learner overrides.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.classes.models import ClassTrainer
from lms.courses.models import Module
from lms.quizzes.attempts import services as attempts
from lms.quizzes.manage import settings
from lms.quizzes.models import Question, Quiz, QuizOverride
from tests.access.classes import small_version
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login
from tests.html_checks import names_not_starting_with_text


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def organizer(make_person, unit):
    return make_person("tochuc", role=Role.ORGANIZER, unit=unit)


@pytest.fixture
def learners(make_person, unit):
    return [
        make_person("tranvanbinh", unit=unit, full_name="Trần Văn Bình"),
        make_person("lethianh", unit=unit, full_name="Lê Thị Ánh"),
        make_person("nguyenvanan", unit=unit, full_name="Nguyễn Văn An"),
    ]


@pytest.fixture
def training_class(app, unit, learners):
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    for learner in learners:
        enrol(training_class, learner)
    db.session.commit()
    return training_class


@pytest.fixture
def bank(app):
    questions = small_bank()
    db.session.commit()
    return questions


@pytest.fixture
def quiz(training_class, bank) -> Quiz:
    quiz = make_quiz(training_class, bank, title="Kiểm tra học phần 1")
    db.session.commit()
    return quiz


@pytest.fixture
def manager(client, organizer):
    return login(client, organizer)


def post(client, url: str, data: dict | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, "/profile"), **(data or {})})


def category_id(bank, path: str) -> int:
    return settings.category_by_path(bank, path).id


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the class's quizzes -------------------------------------------------------------------------


def test_class_list_shows_each_quiz_with_its_attempts(manager, training_class, quiz, learners):
    """The list shows a quiz's questions and its finished and in-progress attempts."""
    done = attempts.start_attempt(quiz, str(learners[0].id))
    attempts.submit_attempt(done, quiz)
    attempts.start_attempt(quiz, str(learners[1].id))
    db.session.commit()
    page = text(manager.get(f"/quizzes/class/{training_class.id}"))
    assert "Kiểm tra học phần 1" in page
    assert "1 đã kết thúc, 1 đang làm" in page
    assert f'href="/quizzes/{quiz.id}/overrides"' in page


def test_class_list_query_count_does_not_grow_with_quizzes(
    manager, training_class, bank, learners, count_queries
):
    """Two or eight quizzes with attempts: the same number of queries."""

    def queries() -> int:
        with count_queries() as statements:
            assert manager.get(f"/quizzes/class/{training_class.id}").status_code == 200
        return len(statements)

    def add_quizzes(count: int) -> None:
        for number in range(count):
            added = make_quiz(training_class, bank, title=f"Kiểm tra {number}")
            attempts.start_attempt(added, str(learners[number % 3].id))
        db.session.commit()

    add_quizzes(2)
    few = queries()
    add_quizzes(6)
    assert queries() == few


def test_trainer_who_does_not_teach_the_class_is_refused(client, make_person, unit, training_class):
    """A trainer of the province who does not teach this class gets 403."""
    stranger = make_person("giangvien", role=Role.TRAINER, unit=unit)
    login(client, stranger)
    assert client.get(f"/quizzes/class/{training_class.id}").status_code == 403


def test_class_trainer_manages_the_class_quizzes(client, make_person, unit, training_class, quiz):
    """The class's own trainer sees the list, without the organizer's class tabs."""
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    db.session.commit()
    page = text(login(client, trainer).get(f"/quizzes/class/{training_class.id}"))
    assert "Kiểm tra học phần 1" in page
    assert f"/classes/{training_class.id}/roster" not in page


def test_class_pages_have_a_quizzes_tab(manager, training_class):
    """The organizer's class pages link to the class's quizzes."""
    page = text(manager.get(f"/classes/{training_class.id}"))
    assert f'href="/quizzes/class/{training_class.id}"' in page


# --- creating a quiz -----------------------------------------------------------------------------


def test_new_quiz_starts_by_choosing_a_bank(manager, training_class, bank):
    """Without a bank the page offers every bank."""
    page = text(manager.get(f"/quizzes/class/{training_class.id}/new"))
    assert f'<option value="{bank.id}">Ngân hàng thử nghiệm</option>' in page


def test_new_quiz_form_offers_categories_parents_and_questions(manager, training_class, bank):
    """Categories with their counts, the root (to draw from the whole bank) and each question."""
    page = text(manager.get(f"/quizzes/class/{training_class.id}/new?bank={bank.id}"))
    assert "thu-nghiem (4 câu hỏi)" in page
    assert f'value="c{category_id(bank, "thu-nghiem/01-co-ban")}"' in page
    assert "tn-3: Một tiết học dài bao nhiêu phút?" in page


def new_quiz(client, training_class, bank, rows: list[dict], **fields):
    data = {"title": "Kiểm tra nhanh", "module_id": "", **fields}
    for index, row in enumerate(rows):
        data.update({f"slots-{index}-{name}": value for name, value in row.items()})
    return post(client, f"/quizzes/class/{training_class.id}/new?bank={bank.id}", data)


def test_quiz_is_created_with_a_draw_from_a_category(manager, training_class, bank):
    """A row drawing two from a category makes the quiz and leads to its settings."""
    source = f"c{category_id(bank, 'thu-nghiem/02-nang-cao')}"
    response = new_quiz(manager, training_class, bank, [{"source": source, "count": "2"}])
    quiz = db.session.scalar(select(Quiz).where(Quiz.title == "Kiểm tra nhanh"))
    assert response.status_code == 303
    assert response.location.endswith(f"/quizzes/{quiz.id}/settings")
    assert [(slot.draw_count, slot.mark) for slot in quiz.slots] == [(2, 1.0)]


def test_asking_for_more_questions_than_a_category_holds_shows_beside_the_row(
    manager, training_class, bank
):
    """Five from a two-question category: 422, the counts beside row 2, nothing saved."""
    rows = [
        {"source": f"c{category_id(bank, 'thu-nghiem/02-nang-cao')}", "count": "1"},
        {"source": f"c{category_id(bank, 'thu-nghiem/01-co-ban')}", "count": "5"},
    ]
    response = new_quiz(manager, training_class, bank, rows)
    page = text(response)
    assert response.status_code == 422
    assert 'id="slots-1-source-error"' in page
    assert "Danh mục thu-nghiem/01-co-ban có 2 câu hỏi; bài kiểm tra cần 5 câu." in page
    assert db.session.scalar(select(func.count(Quiz.id))) == 0


def test_quiz_without_questions_is_refused(manager, training_class, bank):
    """Every row left empty: 422 with a message."""
    response = new_quiz(manager, training_class, bank, [{"source": ""}])
    assert response.status_code == 422
    assert "Bài kiểm tra cần có ít nhất một câu hỏi." in text(response)


def test_drawing_from_the_bank_root_makes_that_category(manager, training_class, bank):
    """The root path, which an import never creates, draws from every category below it."""
    row = {"source": "pthu-nghiem", "count": "4", "subcategories": "y"}
    response = new_quiz(manager, training_class, bank, [row])
    assert response.status_code == 303
    quiz = db.session.scalar(select(Quiz))
    assert quiz.slots[0].category_id == category_id(bank, "thu-nghiem")
    assert (quiz.slots[0].draw_count, quiz.slots[0].include_subcategories) == (4, True)


def test_unticked_subcategories_draw_from_the_category_alone(manager, training_class, bank):
    """The root without its subcategories holds nothing: the row says so."""
    response = new_quiz(manager, training_class, bank, [{"source": "pthu-nghiem", "count": "1"}])
    assert response.status_code == 422
    assert "Danh mục thu-nghiem có 0 câu hỏi; bài kiểm tra cần 1 câu." in text(response)


def test_fixed_question_with_a_mark_and_a_module(manager, training_class, bank):
    """A fixed question worth 0,5 in a quiz that completes module 2."""
    question = db.session.scalar(select(Question).where(Question.key == "tn-3"))
    module = db.session.scalar(
        select(Module).where(
            Module.version_id == training_class.course_version_id, Module.position == 2
        )
    )
    rows = [{"source": f"q{question.id}", "mark": "0,5"}]
    response = new_quiz(manager, training_class, bank, rows, module_id=str(module.id))
    quiz = db.session.scalar(select(Quiz))
    assert response.status_code == 303
    assert (quiz.module_id, quiz.slots[0].question_id, quiz.slots[0].mark) == (
        module.id,
        question.id,
        0.5,
    )


def test_module_of_another_course_is_refused(manager, training_class, bank):
    """A module id from another course's version is refused beside the field."""
    other = small_version("khac", "Khóa học khác", required=(True,))
    foreign = other.modules[0]
    source = f"c{category_id(bank, 'thu-nghiem/01-co-ban')}"
    response = new_quiz(
        manager, training_class, bank, [{"source": source}], module_id=str(foreign.id)
    )
    assert response.status_code == 422
    assert "Bài học không thuộc khóa học của lớp này." in text(response)


def test_more_rows_adds_empty_rows_without_saving(manager, training_class, bank):
    """ "More rows" shows the form again with three more rows and saves nothing."""
    response = new_quiz(manager, training_class, bank, [{"source": ""}] * 3, more="1")
    assert response.status_code == 200
    assert 'name="slots-5-source"' in text(response)
    assert db.session.scalar(select(func.count(Quiz.id))) == 0


def test_final_quiz_draws_from_each_category_of_the_course_bank(manager, unit, bank, make_person):
    """A course naming the small bank: the button makes two questions from each category."""
    version = small_version("kt", "Khóa học có bài cuối", required=(True,))
    version.quiz_slug = bank.slug
    training_class = make_class(version, unit, "KT-01")
    db.session.commit()
    assert "Tạo bài kiểm tra cuối khóa" in text(manager.get(f"/quizzes/class/{training_class.id}"))
    response = post(manager, f"/quizzes/class/{training_class.id}/final")
    quiz = db.session.scalar(select(Quiz).where(Quiz.class_id == training_class.id))
    assert response.status_code == 303
    assert [(slot.draw_count, slot.include_subcategories) for slot in quiz.slots] == [
        (2, False),
        (2, False),
    ]
    assert quiz.pass_mark == version.pass_mark


def test_final_quiz_button_needs_a_loaded_bank(manager, training_class):
    """The shipped course names a bank that is not loaded: no button, and posting is refused."""
    assert "Tạo bài kiểm tra cuối khóa" not in text(
        manager.get(f"/quizzes/class/{training_class.id}")
    )
    response = post(manager, f"/quizzes/class/{training_class.id}/final")
    assert response.status_code == 422


# --- settings ------------------------------------------------------------------------------------

SETTINGS = {
    "overdue_rule": "autosubmit",
    "grace_minutes": "0",
    "attempts_allowed": "1",
    "grading_method": "highest",
    "pass_mark": "70",
    "questions_per_page": "1",
    "navigation": "free",
}


def test_settings_take_local_dates_and_times_and_store_utc(manager, quiz):
    """07:30 on 01/03/2030 in Vietnam is 00:30 UTC; the form shows it back as typed."""
    data = {**SETTINGS, "open_date": "01/03/2030", "open_time": "07:30", "close_date": "2/3/2030"}
    response = post(manager, f"/quizzes/{quiz.id}/settings", data)
    db.session.refresh(quiz)
    assert response.status_code == 303
    assert quiz.open_at == datetime(2030, 3, 1, 0, 30, tzinfo=UTC)
    assert quiz.close_at == datetime(2030, 3, 2, 16, 59, tzinfo=UTC)  # 23:59 local
    page = text(manager.get(f"/quizzes/{quiz.id}/settings"))
    assert 'value="01/03/2030"' in page and 'value="07:30"' in page


def test_settings_save_limits_grading_and_review_matrix(manager, quiz):
    """Every field lands on the quiz; an unticked review box hides that item."""
    ticked = {
        f"review_{moment}_{item}": "y"
        for moment in settings.REVIEW_MOMENTS
        for item in settings.REVIEW_ITEMS
        if (moment, item) != ("after", "right_answers")
    }
    data = {
        **SETTINGS,
        **ticked,
        "time_limit_minutes": "10",
        "overdue_rule": "grace",
        "grace_minutes": "5",
        "attempts_allowed": "0",
        "grading_method": "average",
        "pass_mark": "80",
        "shuffle_questions": "y",
        "questions_per_page": "0",
        "navigation": "sequential",
    }
    assert post(manager, f"/quizzes/{quiz.id}/settings", data).status_code == 303
    db.session.refresh(quiz)
    assert (quiz.time_limit_minutes, quiz.overdue_rule, quiz.grace_minutes) == (10, "grace", 5)
    assert (quiz.attempts_allowed, quiz.grading_method, quiz.pass_mark) == (0, "average", 80)
    assert (quiz.shuffle_questions, quiz.shuffle_choices) == (True, False)
    assert (quiz.questions_per_page, quiz.navigation) == (0, "sequential")
    assert settings.review_options(quiz, "after").right_answers is False
    assert settings.review_options(quiz, "closed").right_answers is True


def test_settings_audit_only_what_changed(manager, quiz):
    """Saving the whole form records just the changed pass mark."""
    form = {**SETTINGS, "shuffle_questions": "y", "shuffle_choices": "y", "pass_mark": "90"}
    form |= {f"review_{m}_{i}": "y" for m in settings.REVIEW_MOMENTS for i in settings.REVIEW_ITEMS}
    quiz.review = {m: dict.fromkeys(settings.REVIEW_ITEMS, True) for m in settings.REVIEW_MOMENTS}
    quiz.attempts_allowed = 1
    db.session.commit()
    assert post(manager, f"/quizzes/{quiz.id}/settings", form).status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.settings"))
    assert (event.before, event.after) == ({"pass_mark": 70}, {"pass_mark": 90})


def test_quiz_closing_before_it_opens_is_refused(manager, quiz):
    """Close before open: 422 with the service's message; nothing changes."""
    data = {**SETTINGS, "open_date": "05/03/2030", "close_date": "01/03/2030"}
    response = post(manager, f"/quizzes/{quiz.id}/settings", data)
    assert response.status_code == 422
    assert "Thời điểm đóng bài kiểm tra phải sau thời điểm mở." in text(response)
    db.session.refresh(quiz)
    assert quiz.open_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit_minutes", "mười", "Hãy nhập một số nguyên."),
        ("pass_mark", "120", "Hãy nhập một số từ 0 đến 100."),
        ("time_limit_minutes", str(10**12), "Hãy nhập một số từ 1 đến 1440."),
        ("attempts_allowed", "9" * 26, "Hãy nhập một số từ 0 đến 100."),
        ("open_time", "7h30", "Hãy nhập giờ theo dạng HH:MM, ví dụ 07:30."),
        ("open_date", "30/02/2030", "Ngày này không có trên lịch; hãy kiểm tra lại ngày và tháng."),
        ("open_date", "30.02.2030", "Nhập ngày theo định dạng dd/mm/yyyy."),
        # Year 9999 ends past Python's last UTC moment: it was a 500.
        ("close_date", "31/12/9999", "Hãy nhập một ngày trong khoảng từ năm 1900 đến năm 2999."),
    ],
)
def test_badly_typed_settings_show_a_message_beside_the_field(manager, quiz, field, value, message):
    """A value the form cannot read answers 422 with the reason beside the field."""
    data = {**SETTINGS, "open_date": "01/03/2030", field: value}
    response = post(manager, f"/quizzes/{quiz.id}/settings", data)
    assert response.status_code == 422
    assert f'id="{field}-error">{message}</p>' in text(response)


def test_time_without_a_date_is_refused(manager, quiz):
    """A time alone says nothing about the day: 422 beside the date."""
    response = post(manager, f"/quizzes/{quiz.id}/settings", {**SETTINGS, "close_time": "17:00"})
    assert response.status_code == 422
    assert "Hãy nhập cả ngày, không chỉ giờ." in text(response)


# --- slots once attempted, deletion --------------------------------------------------------------


def test_slots_can_change_before_anyone_attempts(manager, quiz, bank):
    """Before any attempt, new slots replace the old ones and the change is audited."""
    source = f"c{category_id(bank, 'thu-nghiem/01-co-ban')}"
    data = {"slots-0-source": source, "slots-0-count": "1", "slots-0-subcategories": "y"}
    response = post(manager, f"/quizzes/{quiz.id}/questions", data)
    db.session.refresh(quiz)
    assert response.status_code == 303
    assert [slot.draw_count for slot in quiz.slots] == [1]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.slots"))


def test_slots_are_locked_once_attempted_but_settings_are_not(manager, quiz, bank, learners):
    """After an attempt: changing slots answers 409 with a message; settings still save."""
    attempts.start_attempt(quiz, str(learners[0].id))
    db.session.commit()
    source = f"c{category_id(bank, 'thu-nghiem/01-co-ban')}"
    response = post(manager, f"/quizzes/{quiz.id}/questions", {"slots-0-source": source})
    assert response.status_code == 409
    assert "không thể thay đổi câu hỏi" in text(response)
    db.session.refresh(quiz)
    assert [slot.draw_count for slot in quiz.slots] == [4]
    page = text(manager.get(f"/quizzes/{quiz.id}/questions"))
    assert "thu-nghiem (4 câu hỏi)" in page and 'name="slots-0-source"' not in page
    saved = post(manager, f"/quizzes/{quiz.id}/settings", {**SETTINGS, "pass_mark": "60"})
    assert saved.status_code == 303


def test_quiz_nobody_attempted_can_be_deleted(manager, quiz, training_class, learners):
    """Delete removes the quiz and its overrides, and is audited."""
    settings.set_override(quiz, str(learners[0].id), attempts_allowed=2)
    db.session.commit()
    response = post(manager, f"/quizzes/{quiz.id}/delete")
    assert response.status_code == 303
    assert response.location.endswith(f"/quizzes/class/{training_class.id}")
    assert db.session.scalar(select(func.count(Quiz.id))) == 0
    assert db.session.scalar(select(func.count(QuizOverride.id))) == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.delete"))


def test_attempted_quiz_cannot_be_deleted(manager, quiz, learners):
    """A quiz with an attempt is kept: 409 with a message."""
    attempts.start_attempt(quiz, str(learners[0].id))
    db.session.commit()
    response = post(manager, f"/quizzes/{quiz.id}/delete")
    assert response.status_code == 409
    assert "không thể xóa" in text(response)
    assert db.session.get(Quiz, quiz.id) is not None


# --- overrides -----------------------------------------------------------------------------------


def test_override_learners_are_the_class_in_vietnamese_name_order(manager, quiz, make_person):
    """Only enrolled learners, sorted by given name: An, Ánh, Bình."""
    make_person("ngoai", full_name="Phạm Văn Ngoài")
    page = text(manager.get(f"/quizzes/{quiz.id}/overrides"))
    positions = [page.index(name) for name in ("Nguyễn Văn An", "Lê Thị Ánh", "Trần Văn Bình")]
    assert positions == sorted(positions)
    assert "Phạm Văn Ngoài" not in page


def test_override_for_a_learner_outside_the_class_is_refused(manager, quiz, make_person):
    """Someone not enrolled: 422 with a message, no override."""
    outsider = make_person("ngoai", full_name="Phạm Văn Ngoài")
    data = {"user_id": str(outsider.id), "time_limit_minutes": "60"}
    response = post(manager, f"/quizzes/{quiz.id}/overrides", data)
    assert response.status_code == 422
    assert "Hãy chọn một học viên đang học lớp này." in text(response)
    assert settings.find_override(quiz.id, str(outsider.id)) is None


def test_override_that_changes_nothing_is_refused(manager, quiz, learners):
    """All fields empty: 422 with the service's message."""
    response = post(manager, f"/quizzes/{quiz.id}/overrides", {"user_id": str(learners[0].id)})
    assert response.status_code == 422
    assert "Thiết lập riêng này không thay đổi gì." in text(response)


def test_override_is_saved_listed_and_applies_to_the_learner(manager, quiz, learners):
    """45 minutes and a later close for Bình: listed, and in force for him only."""
    data = {
        "user_id": str(learners[0].id),
        "close_date": "10/03/2030",
        "close_time": "17:00",
        "time_limit_minutes": "45",
    }
    assert post(manager, f"/quizzes/{quiz.id}/overrides", data).status_code == 303
    mine = settings.effective_settings(quiz, str(learners[0].id))
    assert mine.time_limit_minutes == 45
    assert mine.close_at == datetime(2030, 3, 10, 10, 0, tzinfo=UTC)
    page = text(manager.get(f"/quizzes/{quiz.id}/overrides"))
    assert "Trần Văn Bình" in page and "10/03/2030 17:00" in page and "45 phút" in page


def test_override_actions_are_named_by_what_they_show(manager, quiz, learners):
    """The actions "Sửa" and "Xóa thiết lập riêng" are read with those words first."""
    settings.set_override(quiz, str(learners[0].id), attempts_allowed=3)
    db.session.commit()
    page = text(manager.get(f"/quizzes/{quiz.id}/overrides"))
    assert 'aria-label="Sửa: thiết lập riêng của Trần Văn Bình"' in page
    assert 'aria-label="Xóa thiết lập riêng: Trần Văn Bình"' in page
    assert names_not_starting_with_text(page) == []


def test_override_form_is_filled_to_change_one(manager, quiz, learners):
    """?user= fills the form with that learner's override."""
    settings.set_override(quiz, str(learners[1].id), attempts_allowed=3)
    db.session.commit()
    page = text(manager.get(f"/quizzes/{quiz.id}/overrides?user={learners[1].id}"))
    assert f'<option selected value="{learners[1].id}">' in page
    assert 'name="attempts_allowed" type="text" value="3"' in page


def test_override_can_be_removed(manager, quiz, learners):
    """Remove brings back the quiz's own settings; removing again is 404."""
    user_id = str(learners[0].id)
    settings.set_override(quiz, user_id, attempts_allowed=3)
    db.session.commit()
    assert post(manager, f"/quizzes/{quiz.id}/overrides/{user_id}/remove").status_code == 303
    assert settings.find_override(quiz.id, user_id) is None
    assert post(manager, f"/quizzes/{quiz.id}/overrides/{user_id}/remove").status_code == 404
