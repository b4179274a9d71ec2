"""Regrading a quiz after a question fix: the dry run, moving answers to the current version of a
compatible question, incompatible fixes left alone, essays (graded or waiting), module completion,
"regrade everything", idempotence, and the regrade page over HTTP.
"""

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.classes.models import ModuleCompletion
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.grading import manual as grading
from lms.quizzes.grading import regrade
from lms.quizzes.models import Attempt, AttemptQuestion
from lms.quizzes.types import Question as QuestionData
from tests.access.grading import RUBRIC, essay_of, essay_quiz, submit_essay, taught_class
from tests.access.learning import enrol, shipped_version
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login
from tests.quiz_factories import act_as
from tests.test_attempts import RIGHT, answer

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def quiz(training_class):
    """The four small-bank questions (one point each), unshuffled."""
    return make_quiz(
        training_class, small_bank(), title="Kiểm tra Một cửa", shuffle_questions=False
    )


def finish(quiz, learner, answers: dict[str, str]) -> Attempt:
    attempt = attempts.start_attempt(quiz, str(learner.id))
    answer(attempt, quiz, answers)
    attempts.submit_attempt(attempt, quiz)
    return attempt


def fix(gift: str) -> None:
    """A trainer corrects a small-bank question: it gets a new version."""
    bank.import_questions(small_bank(), parse_gift(gift).questions)


#: The lesson lasts 40 minutes, not 45: whoever answered 45 was wrongly given the mark.
FIX_TN3 = "::tn-3:: Một tiết học dài bao nhiêu phút? {#40:0}"


def events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def by_name(attempt: Attempt) -> dict[str, AttemptQuestion]:
    return {q.question_version.name: q for q in attempt.questions}


def test_dry_run_shows_old_and_new_grades_and_changes_nothing(quiz, learner):
    """The plan says 100% → 75% for the learner, and nothing is written."""
    attempt = finish(quiz, learner, RIGHT)
    fix(FIX_TN3)
    plan = regrade.plan_regrade(quiz)
    [item] = plan.attempts
    assert (item.learner_name, item.old_fraction, item.new_fraction) == ("Trần Thị Mai", 1.0, 0.75)
    assert [(c.old_version.number, c.new_version.number) for c in item.changes] == [(1, 2)]
    db.session.expire_all()
    tn3 = by_name(db.session.get(Attempt, attempt.id))["tn-3"]
    assert (tn3.question_version.number, tn3.fraction) == (1, 1.0)
    assert events("attempt.regrade") == []


def test_apply_moves_answers_to_the_fixed_version_and_audits(quiz, learner):
    """Applying moves the answer to version 2, regrades it, and audits question and attempt."""
    attempt = finish(quiz, learner, RIGHT)
    fix(FIX_TN3)
    regrade.apply_regrade(quiz)
    tn3 = by_name(attempt)["tn-3"]
    assert (tn3.question_version.number, tn3.fraction) == (2, 0.0)
    assert attempt.fraction == pytest.approx(0.75)
    [event] = events("attempt.regrade")
    assert event.object_id == str(tn3.id)
    assert event.before == {"version": 1, "fraction": 1.0}
    assert event.after["version"] == 2 and event.after["fraction"] == 0.0
    assert events("attempt.grade")[-1].after == {"fraction": 0.75, "reason": "regrade"}


def test_second_apply_changes_nothing(quiz, learner):
    """A regrade run twice changes and records nothing the second time."""
    finish(quiz, learner, RIGHT)
    fix(FIX_TN3)
    regrade.apply_regrade(quiz)
    recorded = len(events("attempt.regrade")) + len(events("attempt.grade"))
    again = regrade.apply_regrade(quiz)
    assert again.attempts == [] and again.checked == 1
    assert len(events("attempt.regrade")) + len(events("attempt.grade")) == recorded


def test_incompatible_fix_is_listed_and_left_alone(quiz, learner):
    """A fix that adds a choice leaves answers on their version, listed as incompatible."""
    attempt = finish(quiz, learner, RIGHT)
    fix("::tn-1:: Bộ phận Một cửa tiếp nhận hồ sơ ở đâu? {=Tại một đầu mối ~Tại phòng ~Tại nhà}")
    plan = regrade.apply_regrade(quiz)
    [entry] = plan.incompatible
    assert (entry.question.question_version.number, entry.current.number) == (1, 2)
    assert plan.changes == []
    assert by_name(attempt)["tn-1"].question_version.number == 1
    assert events("attempt.regrade") == []


def test_in_progress_attempts_are_not_regraded(quiz, learner):
    """Only submitted attempts are regraded; one in progress keeps its version."""
    running = attempts.start_attempt(quiz, str(learner.id))
    fix(FIX_TN3)
    assert regrade.apply_regrade(quiz).checked == 0
    assert by_name(running)["tn-3"].question_version.number == 1


def fix_essay_bank() -> None:
    """Reword the essay and turn the true/false around (both compatible fixes)."""
    questions = [
        QuestionData(
            qtype="essay",
            name="tl-1",
            stem="Nêu **ý nghĩa** của cơ chế một cửa đối với người dân.",
            category="tu-luan/chung",
            data={"grader_info": RUBRIC},
        ),
        QuestionData(
            qtype="truefalse",
            name="dk-1",
            stem="TTHC là viết tắt của “thủ tục hành chính”.",
            category="tu-luan/chung",
            data={"correct": False},
        ),
    ]
    bank.import_questions(bank.find_bank("tu-luan"), questions)


def test_hand_graded_essay_keeps_its_grade(training_class, trainer, learner):
    """The essay moves to its new wording with the grader's mark; the true/false is regraded."""
    quiz = essay_quiz(training_class)
    attempt = submit_essay(quiz, learner, "Người dân chỉ đến một nơi.")
    act_as(trainer)
    grading.grade_answer(essay_of(attempt), attempt, quiz, 2, "Tốt.", str(trainer.id))
    fix_essay_bank()
    regrade.apply_regrade(quiz)
    essay, truth = by_name(attempt)["tl-1"], by_name(attempt)["dk-1"]
    assert (essay.question_version.number, essay.fraction) == (2, 1.0)
    assert essay.grader_comment == "Tốt."
    assert (truth.question_version.number, truth.fraction) == (2, 0.0)
    assert attempt.fraction == pytest.approx(2 / 3)


def test_waiting_essay_still_waits(training_class, learner):
    """An essay not graded yet keeps waiting after the regrade; so does its attempt's grade."""
    quiz = essay_quiz(training_class)
    attempt = submit_essay(quiz, learner, "Người dân chỉ đến một nơi.")
    fix_essay_bank()
    plan = regrade.apply_regrade(quiz)
    assert plan.attempts[0].new_fraction is None
    assert essay_of(attempt).fraction is None and attempt.fraction is None
    assert essay_of(attempt).question_version.number == 2


def test_learner_who_now_passes_gets_the_module_completed(unit, trainer, learner):
    """Accepting another right answer lifts 75% to 100%, passing, which completes the module."""
    version = shipped_version()
    training_class = taught_class(unit, trainer, learner, code="MC-02")
    quiz = make_quiz(training_class, small_bank(), pass_mark=100, module=version.modules[0])
    finish(quiz, learner, {**RIGHT, "tn-4": "UBND"})
    completions = select(func.count(ModuleCompletion.id))
    assert db.session.scalar(completions) == 0
    fix('::tn-4:: Viết tắt của "thủ tục hành chính" là gì? {=TTHC =UBND}')
    regrade.apply_regrade(quiz)
    assert db.session.scalar(completions) == 1


def test_regrade_everything_keeps_versions(quiz, learner):
    """ "Regrade everything" corrects a stale grade on the version the learner saw."""
    attempt = finish(quiz, learner, RIGHT)
    by_name(attempt)["tn-2"].fraction = 0.0  # a grade left wrong by an earlier bug
    attempt.fraction = 0.75
    db.session.flush()
    fix(FIX_TN3)
    plan = regrade.apply_regrade(quiz, regrade.EVERYTHING)
    assert [c.question.question_version.name for c in plan.changes] == ["tn-2"]
    assert by_name(attempt)["tn-3"].question_version.number == 1
    assert attempt.fraction == pytest.approx(1.0)


def test_plan_query_count_does_not_grow(quiz, training_class, make_person, unit, count_queries):
    """Planning runs as many queries for six attempts as for two."""
    others = [make_person(f"hv{n}", unit=unit) for n in range(6)]
    for person in others:
        enrol(training_class, person)
    for person in others[:2]:
        finish(quiz, person, RIGHT)
    fix(FIX_TN3)
    with count_queries() as few:
        regrade.plan_regrade(quiz)
    for person in others[2:]:
        finish(quiz, person, RIGHT)
    fix("::tn-3:: Một tiết học dài bao nhiêu phút? {#40:1}")
    with count_queries() as many:
        assert len(regrade.plan_regrade(quiz).attempts) == 6
    assert len(many) == len(few)


# --- the page ------------------------------------------------------------------------------------


@pytest.fixture
def fixed(quiz, learner):
    """A submitted attempt with every answer right, then tn-3 fixed."""
    attempt = finish(quiz, learner, RIGHT)
    fix(FIX_TN3)
    db.session.commit()
    return attempt


def test_regrade_page_is_a_dry_run(client, trainer, quiz, fixed):
    """GET lists the learner with the grade now and after, and changes nothing."""
    login(client, trainer)
    page = client.get(f"/grading/quiz/{quiz.id}/regrade").get_data(as_text=True)
    assert "Trần Thị Mai" in page and "100,0%" in page and "75,0%" in page
    assert "phiên bản 1 → 2" in page
    assert db.session.get(Attempt, fixed.id).fraction == 1.0


def test_posting_applies_the_regrade(client, trainer, quiz, fixed):
    """POST regrades, says how many answers changed, and the page then has nothing left."""
    login(client, trainer)
    token = csrf_token(client, f"/grading/quiz/{quiz.id}/regrade")
    response = client.post(
        f"/grading/quiz/{quiz.id}/regrade", data={"csrf_token": token, "mode": "versions"}
    )
    assert response.status_code == 303
    assert db.session.get(Attempt, fixed.id).fraction == pytest.approx(0.75)
    page = client.get(response.location).get_data(as_text=True)
    assert "Đã chấm lại 1 câu trả lời trong 1 lượt làm bài." in page
    assert "regrade-table" not in page


@pytest.mark.parametrize("who", ["learner", "other_organizer"])
def test_only_managers_may_apply(client, quiz, fixed, learner, make_person, make_unit, who):
    """A learner, or an organizer of another unit, cannot apply a regrade (403)."""
    account = learner
    if who == "other_organizer":
        account = make_person("tochuckhac", role=Role.ORGANIZER, unit=make_unit("SO-KHAC"))
    login(client, account)
    token = csrf_token(client, "/profile")
    response = client.post(f"/grading/quiz/{quiz.id}/regrade", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Attempt, fixed.id).fraction == 1.0
