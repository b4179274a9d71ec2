"""Question banks: `lms quiz import|export|load` and versioned questions."""

from sqlalchemy import func, select

from lms import db
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Question, QuestionVersion
from lms.resources import data_dir

GIFT = """$CATEGORY: demo/01

::q1:: Thủ tục hành chính viết tắt là gì? {=TTHC =thủ tục hành chính}

::q2:: Một tiết học dài bao nhiêu phút? {#45:0}

::q3:: Cơ chế một cửa áp dụng cho ai? {=Cơ quan hành chính nhà nước ~Doanh nghiệp tư nhân}
"""


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", "quiz", *args])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_prints_totals_per_type(app, tmp_path):
    """A good file imports and prints how many questions, in total and per type."""
    path = tmp_path / "demo.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = run(app, "import", str(path), "--format", "gift", "--bank", "demo")
    assert result.exit_code == 0, result.output
    assert "3" in result.output.splitlines()[0]
    assert "shortanswer: 1" in result.output and "numerical: 1" in result.output
    assert count(Question) == 3


def test_bad_questions_are_all_reported_and_nothing_is_written(app, tmp_path):
    """Every bad question is reported as FILE:LINE: reason, exit 1, nothing written."""
    path = tmp_path / "bad.gift"
    path.write_text(
        GIFT + "\n::bad1:: Thiếu ngoặc {=a ~b\n\n::ok:: Đúng? {T}\n\n::bad2:: Số {#abc}\n",
        encoding="utf-8",
    )
    result = run(app, "import", str(path), "--format", "gift", "--bank", "demo")
    assert result.exit_code == 1
    assert f"{path}:9:" in result.output and f"{path}:13:" in result.output
    assert count(Question) == 0


def test_reasons_are_in_the_default_language(app, tmp_path):
    """The CLI speaks Vietnamese, the LMS's default language: FILE:LINE: lý do."""
    path = tmp_path / "bad.gift"
    path.write_text("::bad:: Số {#abc}\n", encoding="utf-8")
    result = run(app, "import", str(path), "--format", "gift", "--bank", "demo")
    assert f"{path}:1: Đáp án số “abc” không hợp lệ." in result.output


def test_dry_run_writes_nothing(app, tmp_path):
    """--dry-run checks and writes nothing."""
    path = tmp_path / "demo.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = run(app, "import", str(path), "--format", "gift", "--bank", "demo", "--dry-run")
    assert result.exit_code == 0
    assert count(Question) == 0


def test_reimport_of_a_changed_question_adds_a_version(app):
    """Changing a question and importing again keeps the old version for past attempts."""
    bank = banks.get_or_create_bank("demo")
    banks.import_questions(bank, parse_gift(GIFT).questions)
    changed = GIFT.replace("bao nhiêu phút? {#45:0}", "bao nhiêu phút (tiết chuẩn)? {#45:0}")
    summary = banks.import_questions(bank, parse_gift(changed).questions)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert count(QuestionVersion) == 4
    question = db.session.scalar(select(Question).where(Question.key == "q2"))
    assert question.current_number == 2
    assert [v.number for v in question.versions] == [1, 2]


def test_export_then_import_gives_back_the_same_questions(app, tmp_path):
    """GIFT and Moodle XML exports import back unchanged."""
    bank = banks.get_or_create_bank("mot-cua")
    original = parse_gift((data_dir("quizzes") / "mot-cua.gift").read_bytes()).questions
    banks.import_questions(bank, original)
    db.session.commit()
    for fmt in ("gift", "moodlexml"):
        out = tmp_path / f"export.{fmt}"
        assert run(app, "export", "mot-cua", "--format", fmt, "-o", str(out)).exit_code == 0
        result = run(app, "import", str(out), "--format", fmt, "--bank", "mot-cua")
        assert result.exit_code == 0, result.output
        assert count(QuestionVersion) == len(original)
    assert banks.bank_questions(bank) == original


def test_load_shipped_banks(app):
    """`lms quiz load` loads the four shipped banks, each with 30+ questions of 4+ types."""
    result = run(app, "load")
    assert result.exit_code == 0, result.output
    for slug in ("mot-cua", "ky-nang-cntt", "giao-tiep-cong-dan", "ra-soat-tthc"):
        questions = banks.bank_questions(banks.find_bank(slug))
        assert len(questions) >= 30
        assert len({q.qtype for q in questions}) >= 4
