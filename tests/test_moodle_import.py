"""A bank exported from Moodle 5.x, end to end: `lms quiz import` and the import page skip the
types we do not have with warnings and totals (`--strict` refuses instead), and its fill-the-gaps
and description items work in an attempt: selects with opaque values, marks gap by gap, a
description worth nothing and not counted as unanswered.
"""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_moodle_xml
from lms.quizzes.models import Attempt, Question
from lms.quizzes.results import statistics
from tests.access.banks import unit_bank
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz
from tests.conftest import csrf_token, login

XML = Path(__file__).resolve().parent / "data" / "moodle" / "bank-moodle5.xml"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", "quiz", *args])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the CLI -------------------------------------------------------------------------------------


def test_cli_skips_unknown_types_with_warnings_and_totals(app):
    """Each skipped question is FILE:LINE: cảnh báo: …; the rest imports; totals; exit 0."""
    result = run(app, "import", str(XML), "--format", "moodlexml", "--bank", "moodle")
    assert result.exit_code == 0, result.output
    assert f"{XML}:90: cảnh báo: đã bỏ qua câu hỏi “Cloze”" in result.output
    assert f"{XML}:143: cảnh báo:" in result.output
    assert "Tổng cộng: đã nhập 4 câu, bỏ qua 2 câu." in result.output
    assert count(Question) == 4


def test_cli_strict_makes_warnings_errors(app):
    """--strict: the same lines, exit 1, nothing written."""
    result = run(app, "import", str(XML), "--format", "moodlexml", "--bank", "moodle", "--strict")
    assert result.exit_code == 1
    assert f"{XML}:90: cảnh báo:" in result.output
    assert "--strict" in result.output
    assert count(Question) == 0


def test_cli_error_in_a_supported_question_still_refuses_the_file(app, tmp_path):
    """A broken gapselect question refuses the whole file, warnings or not."""
    text = XML.read_text(encoding="utf-8").replace("<group>2</group>", "<group>hai</group>", 1)
    path = tmp_path / "bank.xml"
    path.write_text(text, encoding="utf-8")
    result = run(app, "import", str(path), "--format", "moodlexml", "--bank", "moodle")
    assert result.exit_code == 1
    assert f"{path}:43: Nhóm “hai” không phải là một số." in result.output
    assert count(Question) == 0


def test_cli_dry_run_counts_what_would_be_skipped(app):
    """--dry-run says how many are valid and how many would be skipped, writing nothing."""
    result = run(app, "import", str(XML), "--format", "moodlexml", "--bank", "m", "--dry-run")
    assert result.exit_code == 0
    assert "2 câu hỏi sẽ bị bỏ qua." in result.output
    assert count(Question) == 0


# --- the import page -----------------------------------------------------------------------------


@pytest.fixture
def trainer_bank(client, make_unit, make_person):
    """A bank of Sở A, and its trainer signed in."""
    unit = make_unit("SO-A", "Sở A")
    login(client, make_person("giangviena", role=Role.TRAINER, unit=unit))
    bank = unit_bank(unit)
    db.session.commit()
    return bank


def upload(client, bank_id, data: bytes):
    return client.post(
        f"/banks/{bank_id}/import",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "file": (io.BytesIO(data), "moodle.xml"),
            "format": "moodlexml",
            "category": "",
        },
        content_type="multipart/form-data",
    )


def test_import_page_lists_warnings_and_totals(client, trainer_bank):
    """The preview lists each skipped question with its line, and the totals."""
    response = upload(client, trainer_bank.id, XML.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "moodle.xml:90: cảnh báo: đã bỏ qua câu hỏi “Cloze”" in page
    assert "moodle.xml:143: cảnh báo:" in page
    assert "Tổng cộng: 4 câu sẽ được nhập, 2 câu bị bỏ qua." in page
    assert "Điền vào chỗ trống: 2" in page and "Mô tả: 1" in page


def test_confirming_imports_the_rest_and_says_how_many_were_skipped(client, trainer_bank):
    """Confirming imports the supported questions; the message counts the skipped ones."""
    page = upload(client, trainer_bank.id, XML.read_bytes()).get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        f"/banks/{trainer_bank.id}/import/confirm",
        data={"csrf_token": csrf_token(client, "/profile"), "token": token},
        follow_redirects=True,
    )
    assert "Đã bỏ qua 2 câu hỏi thuộc loại mà hệ thống chưa có." in response.get_data(as_text=True)
    assert count(Question) == 2 + 4  # the unit bank's own two, and four of the file


def test_a_file_of_only_unknown_types_shows_its_warnings(client, trainer_bank):
    """Nothing to import: 422, "no questions", and why each was skipped."""
    xml = b'<quiz><question type="calculated"><name><text>T</text></name></question></quiz>'
    response = upload(client, trainer_bank.id, xml)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "moodle.xml:1: cảnh báo:" in page


def test_gift_export_of_fill_the_gaps_says_to_use_moodle_xml(client, trainer_bank):
    """GIFT cannot hold the bank: 409 and the reason; Moodle XML downloads it."""
    banks.import_questions(trainer_bank, parse_moodle_xml(XML.read_bytes()).questions)
    db.session.commit()
    response = client.get(f"/banks/{trainer_bank.id}/export/gift")
    assert response.status_code == 409
    assert "hãy xuất ngân hàng dưới dạng Moodle XML" in response.get_data(as_text=True)
    exported = client.get(f"/banks/{trainer_bank.id}/export/moodlexml").get_data(as_text=True)
    assert '<question type="gapselect">' in exported
    assert '<question type="description">' in exported


def test_question_pages_show_the_new_types(client, trainer_bank):
    """A bank's page of a fill-the-gaps question shows its selects and right answers; a
    description's page shows its text; both open in the editor."""
    banks.import_questions(trainer_bank, parse_moodle_xml(XML.read_bytes()).questions)
    db.session.commit()
    ids = dict(db.session.execute(select(Question.key, Question.id)).all())
    url = f"/banks/{trainer_bank.id}/questions"
    page = client.get(f"{url}/{ids['Quy trình một cửa']}").get_data(as_text=True)
    assert 'aria-label="Chỗ trống 2"' in page
    assert "(1) tiếp nhận; (2) cơ quan chuyên môn" in page
    page = client.get(f"{url}/{ids['Tình huống']}").get_data(as_text=True)
    assert "Bà Lan nộp hồ sơ" in page and "<legend>Thông tin</legend>" in page
    for name in ("Quy trình một cửa", "Tình huống"):
        assert client.get(f"{url}/{ids[name]}/edit").status_code == 200


def test_new_question_types_have_editors(client, trainer_bank):
    """A trainer writes a fill-the-gaps question in the browser's form."""
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/banks/{trainer_bank.id}/questions/new?qtype=gaps",
        data={
            "csrf_token": token,
            "category": "nh-a/co-ban",
            "name": "Điền",
            "stem": "Hồ sơ được [[1]] rồi chuyển đến [[2]].",
            "default_mark": "1",
            "choices-0-text": "tiếp nhận",
            "choices-0-group": "1",
            "choices-1-text": "cơ quan chuyên môn",
            "choices-1-group": "2",
            "choices-2-text": "văn thư",
            "choices-2-group": "2",
            "shuffle": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    saved = banks.bank_questions(trainer_bank)[-1]
    assert saved.data == {
        "choices": [
            {"text": "tiếp nhận", "group": 1},
            {"text": "cơ quan chuyên môn", "group": 2},
            {"text": "văn thư", "group": 2},
        ],
        "shuffle": True,
    }
    new_description = f"/banks/{trainer_bank.id}/questions/new?qtype=description"
    assert client.get(new_description).status_code == 200


# --- in an attempt -------------------------------------------------------------------------------


def moodle_bank_quiz(make_unit, make_person, shuffle_choices: bool):
    """A quiz of the Moodle bank's supported questions in file order on one page, and its
    learner "hocvien" (also the browser test's quiz)."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    learner = make_person("hocvien", unit=unit, full_name="Trần Thị Mai")
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    bank = banks.get_or_create_bank("moodle")
    questions = parse_moodle_xml(XML.read_bytes()).questions
    for question in questions:
        question.category = "moodle"  # the bank's root, which the quiz draws from
    banks.import_questions(bank, questions)
    db.session.flush()
    quiz = make_quiz(
        training_class,
        bank,
        shuffle_questions=False,
        shuffle_choices=shuffle_choices,
        questions_per_page=0,
    )
    db.session.commit()
    return quiz, learner


@pytest.fixture
def moodle_quiz(make_unit, make_person):
    return moodle_bank_quiz(make_unit, make_person, shuffle_choices=False)


def started(client, quiz, learner) -> Attempt:
    login(client, learner)
    token = csrf_token(client, f"/quiz/{quiz.id}")
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", response.location).group(1))
    return attempts.load_attempt(attempt_id)


def test_attempt_page_shows_gaps_as_selects_with_opaque_values(client, moodle_quiz):
    """Each gap is a labelled select of its group's choices; no value is an author index."""
    quiz, learner = moodle_quiz
    attempt = started(client, quiz, learner)
    page = client.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert 'name="q2-answer-0"' in page and 'name="q2-answer-1"' in page
    assert 'aria-label="Chỗ trống 1"' in page
    assert "[[1]]" not in page
    values = re.findall(r'<option value="([^"]*)"', page)
    assert values and all(value == "" or value.startswith("v") for value in values)
    gap_one = page.split('name="q2-answer-0"')[1].split("</select>")[0]
    assert "tiếp nhận" in gap_one and "trả lại" in gap_one and "văn thư" not in gap_one
    assert "<legend>Thông tin</legend>" in page
    # The description takes no number: the questions to answer are 1 to 3, not 2 to 4.
    assert "<legend>Câu 1 <span" in page and "<legend>Câu 3 <span" in page
    assert "<legend>Câu 4" not in page


def test_gaps_earn_their_share_and_the_description_counts_nothing(client, moodle_quiz):
    """One gap of two right: half of 2 marks; the description is not unanswered, worth 0."""
    quiz, learner = moodle_quiz
    attempt = started(client, quiz, learner)
    positions = {q.question_version.name: q.position for q in attempt.questions}
    gaps = positions["Quy trình một cửa"]
    token = csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    client.post(
        f"/quiz/attempt/{attempt.id}",
        data={
            "csrf_token": token,
            "page": "1",
            "goto": "summary",
            f"q{gaps}-answer-0": tokens.value_token(attempt.id, gaps, 0),
            f"q{gaps}-answer-1": tokens.value_token(attempt.id, gaps, 3),
        },
    )
    summary = client.get(f"/quiz/attempt/{attempt.id}/summary").get_data(as_text=True)
    assert "2/3 câu chưa được trả lời: 2, 3." in summary
    db.session.expire_all()
    attempt = attempts.load_attempt(attempt.id)
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    by_name = {q.question_version.name: q for q in attempt.questions}
    assert by_name["Tình huống"].max_mark == 0
    assert by_name["Quy trình một cửa"].fraction == 0.5
    review = client.get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    assert "(1) tiếp nhận; (2) văn thư" in review


def test_item_analysis_leaves_the_description_out(client, moodle_quiz):
    """Item analysis lists the questions learners answer, not the text between them."""
    quiz, learner = moodle_quiz
    attempt = started(client, quiz, learner)
    attempts.submit_attempt(attempt, quiz)
    db.session.commit()
    names = [question.name for question in statistics.analyse(quiz).questions]
    assert names == ["Quy trình một cửa", "Kéo thả thời hạn", "Phí"]
