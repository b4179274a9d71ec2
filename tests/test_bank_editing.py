"""The question editor: every type written through the form, versions on change and none when
nothing changed, errors beside the fields, preview, rows, deleting, and old versions kept.
"""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import categories
from lms.quizzes.bank import editing as bank_editing
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_gift, parse_moodle_xml
from lms.quizzes.manage import settings
from lms.quizzes.models import Attempt, Question, QuestionVersion
from lms.resources import data_dir
from tests.access.banks import unit_bank
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz
from tests.conftest import csrf_token, login


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-A", "Sở A", kind="department")


@pytest.fixture
def trainer(client, unit, make_person):
    account = make_person("giangvien", role=Role.TRAINER, unit=unit, full_name="Lê Thị Giảng")
    login(client, account)
    return account


@pytest.fixture
def own_bank(unit):
    created = unit_bank(unit)
    db.session.commit()
    return created


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only(model):
    return db.session.scalars(select(model)).one()


class FormValues(HTMLParser):
    """What a browser would post from the editor form, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "question-editor" in (a.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.values.append((a["name"], ""))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option":
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea is not None:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [v for v, s in self.options if s] or [self.options[0][0]]
            self.values.append((self.select, chosen[0]))
            self.select = None
        elif tag == "form":
            self.inside = False


def editor_values(page: str) -> list[tuple[str, str]]:
    parser = FormValues()
    parser.feed(page)
    return parser.values


def save(client, url, data, action="save"):
    fields = dict(data) if isinstance(data, dict) else data
    if isinstance(fields, dict):
        fields = list(fields.items())
    token = csrf_token(client, "/profile")
    posted = [(k, v) for k, v in fields if k != "csrf_token"]
    return client.post(url, data=MultiDict([("csrf_token", token), ("action", action), *posted]))


BASE = {
    "category": "nh-a/co-ban",
    "name": "Câu mới",
    "stem": "Nội dung **câu hỏi**",
    "general_feedback": "",
    "default_mark": "2",
}

NEW = {
    "single": (
        {
            "choices-0-text": "Một đầu mối",
            "choices-0-fraction": "100",
            "choices-0-feedback": "Đúng.",
            "choices-1-text": "Nhiều phòng",
            "choices-1-fraction": "0",
        },
        {
            "choices": [
                {"text": "Một đầu mối", "fraction": 1.0, "feedback": "Đúng."},
                {"text": "Nhiều phòng", "fraction": 0.0, "feedback": ""},
            ]
        },
    ),
    "multiple": (
        {
            "choices-0-text": "A",
            "choices-0-fraction": "50",
            "choices-1-text": "B",
            "choices-1-fraction": "50",
            "choices-2-text": "C",
            "choices-2-fraction": "-33,33333",
        },
        {
            "choices": [
                {"text": "A", "fraction": 0.5, "feedback": ""},
                {"text": "B", "fraction": 0.5, "feedback": ""},
                {"text": "C", "fraction": -0.3333333, "feedback": ""},
            ]
        },
    ),
    "truefalse": (
        {"correct": "false", "feedback_true": "Chưa đúng.", "feedback_false": "Đúng."},
        {"correct": False, "feedback_true": "Chưa đúng.", "feedback_false": "Đúng."},
    ),
    "shortanswer": (
        {
            "answers-0-text": "TTHC",
            "answers-0-fraction": "100",
            "answers-1-text": "*thủ tục*",
            "answers-1-fraction": "50",
            "ignore_diacritics": "y",
        },
        {
            "answers": [
                {"text": "TTHC", "fraction": 1.0, "feedback": ""},
                {"text": "*thủ tục*", "fraction": 0.5, "feedback": ""},
            ],
            "case_sensitive": False,
            "ignore_diacritics": True,
        },
    ),
    "numerical": (
        {
            "answers-0-answer": "45",
            "answers-0-tolerance": "0,5",
            "answers-0-fraction": "100",
            "answers-1-answer": "40..50",
            "answers-1-fraction": "50",
        },
        {
            "answers": [
                {"value": 45.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""},
                {"min": 40.0, "max": 50.0, "fraction": 0.5, "feedback": ""},
            ]
        },
    ),
    "matching": (
        {
            "pairs-0-left": "Một cửa",
            "pairs-0-right": "Tiếp nhận",
            "pairs-1-left": "Phòng chuyên môn",
            "pairs-1-right": "Giải quyết",
            "distractors-0": "Lưu trữ",
        },
        {
            "pairs": [
                {"left": "Một cửa", "right": "Tiếp nhận"},
                {"left": "Phòng chuyên môn", "right": "Giải quyết"},
            ],
            "distractors": ["Lưu trữ"],
        },
    ),
    "ordering": (
        {"items-0": "Tiếp nhận", "items-1": "Thẩm định", "items-2": "Trả kết quả"},
        {"items": ["Tiếp nhận", "Thẩm định", "Trả kết quả"]},
    ),
    "essay": (
        {"grader_info": "Nêu đủ ba bước.\r\nMỗi bước 1 điểm."},
        {"grader_info": "Nêu đủ ba bước.\nMỗi bước 1 điểm."},
    ),
}


@pytest.mark.parametrize("qtype", sorted(NEW))
def test_every_type_is_written_through_the_form(client, trainer, own_bank, qtype):
    """The form of each type stores the data shape the importers produce, as version 1."""
    fields, expected = NEW[qtype]
    url = f"/banks/{own_bank.id}/questions/new?qtype={qtype}"
    assert client.get(url).status_code == 200
    response = save(client, url, {**BASE, **fields})
    assert response.status_code == 303, response.get_data(as_text=True)
    version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.name == "Câu mới"))
    assert (version.qtype, version.number, version.default_mark) == (qtype, 1, 2.0)
    assert version.data == expected
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.create"))


def shipped_and_ordering(unit):
    """Every question of a shipped bank, plus an ordering question from Moodle XML."""
    target = unit_bank(unit, "mot-cua", (data_dir("quizzes") / "mot-cua.gift").read_text("utf-8"))
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="ordering">'
        "<name><text>Thứ tự</text></name><questiontext><text>Sắp xếp các bước</text>"
        "</questiontext><answer><text>Tiếp nhận</text></answer>"
        "<answer><text>Trả kết quả</text></answer></question></quiz>"
    )
    banks.import_questions(target, parse_moodle_xml(xml).questions)
    db.session.commit()
    return target


def test_saving_an_untouched_editor_makes_no_new_version(client, trainer, unit):
    """For every question of a shipped bank (5+ types), posting the editor back unchanged
    keeps the version count.
    """
    target = shipped_and_ordering(unit)
    questions = db.session.scalars(select(Question).where(Question.bank_id == target.id)).all()
    seen_types = set()
    versions = count(QuestionVersion)
    for question in questions:
        url = f"/banks/{target.id}/questions/{question.id}/edit"
        page = client.get(url).get_data(as_text=True)
        response = save(client, url, editor_values(page))
        assert response.status_code == 303, (question.key, response.get_data(as_text=True))
        seen_types.add(bank_editing.current_version(question).qtype)
    assert count(QuestionVersion) == versions
    assert len(seen_types) >= 5


def test_a_change_makes_a_new_version_and_past_attempts_keep_theirs(
    client, trainer, unit, own_bank
):
    """Editing a question used by a finished attempt adds version 2; the attempt keeps 1."""
    learner_class = make_class(shipped_version(), unit, "KT-1")
    quiz = make_quiz(learner_class, own_bank)
    enrol(learner_class, trainer)
    attempt = attempts.start_attempt(quiz, str(trainer.id))
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "a-1"))
    url = f"/banks/{own_bank.id}/questions/{question.id}/edit"
    values = [
        (k, v.replace("trả kết quả ở đâu?", "trả kết quả tại đâu?") if k == "stem" else v)
        for k, v in editor_values(client.get(url).get_data(as_text=True))
    ]
    response = save(client, url, values)
    assert response.status_code == 303
    db.session.expire_all()
    assert question.current_number == 2
    used = {
        aq.question_version.number
        for aq in db.session.get(Attempt, attempt.id).questions
        if aq.question_version.question_id == question.id
    }
    assert used == {1}
    page = client.get(f"/banks/{own_bank.id}/questions/{question.id}").get_data(as_text=True)
    assert "tại đâu?" in page and "Lê Thị Giảng" in page
    old = client.get(f"/banks/{own_bank.id}/questions/{question.id}/versions/1")
    assert "trả kết quả ở đâu?" in old.get_data(as_text=True)
    assert "Bạn đang xem phiên bản 1" in old.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.edit"))


def test_changing_only_the_category_moves_without_a_version(client, trainer, own_bank):
    """A new category alone is a move, not a new version."""
    categories.add_category(own_bank, "nh-a", "khac")
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "a-2"))
    url = f"/banks/{own_bank.id}/questions/{question.id}/edit"
    values = [
        (k, "nh-a/khac" if k == "category" else v)
        for k, v in editor_values(client.get(url).get_data(as_text=True))
    ]
    assert save(client, url, values).status_code == 303
    db.session.expire_all()
    assert question.category.path == "nh-a/khac" and question.current_number == 1


def test_type_errors_show_beside_the_answers_and_nothing_is_written(client, trainer, own_bank):
    """A single-choice question without a 100% choice: 422, the type's message, no question."""
    fields = {"choices-0-text": "A", "choices-0-fraction": "50", "choices-1-text": "B"}
    url = f"/banks/{own_bank.id}/questions/new?qtype=single"
    response = save(client, url, {**BASE, **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="type-errors"' in page and "Cần ít nhất một phương án đúng (100%)." in page
    assert count(Question) == 2


def test_a_bad_number_is_reported_beside_its_field(client, trainer, own_bank):
    """A mark that is not a number is refused beside the field."""
    url = f"/banks/{own_bank.id}/questions/new?qtype=essay"
    response = save(client, url, {**BASE, "default_mark": "hai"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="default_mark-error"' in page and "Hãy nhập một số" in page
    response = save(client, url, {**BASE, "default_mark": "1e300"})
    assert response.status_code == 422
    assert "Hãy nhập một số từ 0 đến 1000." in response.get_data(as_text=True)


def test_a_taken_title_is_refused(client, trainer, own_bank):
    """Two questions of a bank may not share a title (imports find questions by it)."""
    url = f"/banks/{own_bank.id}/questions/new?qtype=essay"
    response = save(client, url, {**BASE, "name": "a-1"})
    assert response.status_code == 422
    assert "đã có tiêu đề này" in response.get_data(as_text=True)


def test_add_rows_keeps_the_text_and_saves_nothing(client, trainer, own_bank):
    """Without JavaScript, "add blank rows" gives three more rows and keeps what was typed."""
    url = f"/banks/{own_bank.id}/questions/new?qtype=single"
    response = save(client, url, {**BASE, "choices-0-text": "Giữ lại"}, action="add-rows")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="choices-8-text"' in page and 'value="Giữ lại"' in page
    assert count(Question) == 2


def test_preview_shows_the_question_as_learners_see_it(client, trainer, own_bank):
    """The Preview button renders the learner's view (Markdown through rendering.py) unsaved."""
    fields, _expected = NEW["single"]
    url = f"/banks/{own_bank.id}/questions/new?qtype=single"
    response = save(client, url, {**BASE, **fields, "stem": "<script>x</script>**Đậm**"}, "preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    view = page.split('class="learner-view"')[1]
    assert "<strong>Đậm</strong>" in view and 'type="radio"' in view and "<script>x" not in view
    assert count(Question) == 2


def test_an_unused_question_is_deleted(client, trainer, own_bank):
    """A question no attempt or quiz used is deleted with its versions, and audited."""
    question = db.session.scalar(select(Question).where(Question.key == "a-2"))
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/banks/{own_bank.id}/questions/{question.id}/delete", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert count(Question) == 1 and count(QuestionVersion) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.delete"))


def test_a_used_question_cannot_be_deleted(client, trainer, unit, own_bank):
    """A question an attempt used: 409 with the reason, nothing deleted."""
    learner_class = make_class(shipped_version(), unit, "KT-2")
    quiz = make_quiz(learner_class, own_bank)
    enrol(learner_class, trainer)
    attempts.start_attempt(quiz, str(trainer.id))
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "a-1"))
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/banks/{own_bank.id}/questions/{question.id}/delete", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "không thể xóa" in response.get_data(as_text=True)
    assert count(Question) == 2


def test_a_question_fixed_in_a_quiz_cannot_be_deleted(client, trainer, unit, own_bank):
    """A quiz slot naming the question keeps it: 409."""
    learner_class = make_class(shipped_version(), unit, "KT-3")
    question = db.session.scalar(select(Question).where(Question.key == "a-2"))
    settings.create_quiz(
        learner_class, own_bank, "Cố định", [settings.SlotSpec(question_id=question.id)]
    )
    db.session.commit()
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/banks/{own_bank.id}/questions/{question.id}/delete", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "bỏ câu hỏi khỏi bài kiểm tra" in response.get_data(as_text=True)


def test_unknown_type_and_foreign_question_are_404(client, trainer, unit, own_bank):
    """A made-up type, or a question of another bank, is not found."""
    other = unit_bank(unit, "nh-khac", "::k-1:: Khác? {T}\n")
    db.session.commit()
    foreign = db.session.scalar(select(Question).where(Question.key == "k-1"))
    assert client.get(f"/banks/{own_bank.id}/questions/new?qtype=cloze").status_code == 404
    assert client.get(f"/banks/{own_bank.id}/questions/{foreign.id}").status_code == 404
    assert client.get(f"/banks/{other.id}/questions/{foreign.id}").status_code == 200


def test_gift_round_trip_of_a_question_written_in_the_browser(client, trainer, own_bank):
    """A question written in the form exports to GIFT and reads back the same."""
    fields, _expected = NEW["numerical"]
    save(client, f"/banks/{own_bank.id}/questions/new?qtype=numerical", {**BASE, **fields})
    text = client.get(f"/banks/{own_bank.id}/export/gift").get_data(as_text=True)
    parsed = {q.name: q for q in parse_gift(text).questions}
    written = banks.as_data(
        db.session.scalar(select(QuestionVersion).where(QuestionVersion.name == "Câu mới")), ""
    )
    assert re.search(r"::Câu mới::", text)
    assert parsed["Câu mới"].data == written.data


def test_a_category_outside_the_bank_is_refused(client, trainer, own_bank):
    """The editor only puts questions in the bank's own categories."""
    url = f"/banks/{own_bank.id}/questions/new?qtype=essay"
    response = save(client, url, {**BASE, "category": "bia/dat"})
    assert response.status_code == 422
    assert 'id="category-error"' in response.get_data(as_text=True)
    assert count(Question) == 2
