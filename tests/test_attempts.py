"""The attempt engine: who may start, the random draw (reproducible), the deadline, saving,
the overdue rules, idempotent submit, grading, grading methods, module completion and review
moments. Time is moved by writing past times into the attempt, never by sleeping.
"""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.classes.models import ModuleCompletion
from lms.db import utcnow
from lms.quizzes.attempts import drawing
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.grading import scoring
from lms.quizzes.manage import settings
from lms.quizzes.models import Attempt, AttemptState, Question, QuestionVersion
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank, small_bank

#: The right answer of each question of the small bank, as its form field carries it.
RIGHT = {"tn-1": "0", "tn-2": "true", "tn-3": "45", "tn-4": "tthc"}
WRONG = {"tn-1": "1", "tn-2": "false", "tn-3": "40", "tn-4": "UBND"}


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def version(app):
    return shipped_version()


@pytest.fixture
def training_class(version, unit, learner):
    """A class of the one-stop course with the learner enrolled."""
    training_class = make_class(version, unit, "MC-01", "Lớp Một cửa khóa 1")
    enrol(training_class, learner)
    return training_class


@pytest.fixture
def uid(learner) -> str:
    return str(learner.id)


@pytest.fixture
def small_quiz(training_class):
    """The four small-bank questions, unshuffled, unlimited attempts."""
    return make_quiz(training_class, small_bank(), shuffle_questions=False)


def by_name(attempt: Attempt) -> dict[str, int]:
    return {q.question_version.name: q.position for q in attempt.questions}


def answer(attempt, quiz, answers: dict[str, str], now=None) -> None:
    """Save answers given per question name, as the attempt page would post them."""
    positions = by_name(attempt)
    posted = {
        positions[name]: {f"q{positions[name]}-answer": [value]} for name, value in answers.items()
    }
    attempts.save_responses(attempt, quiz, posted, now or utcnow())


def move_back(attempt: Attempt, minutes: float) -> None:
    """Pretend the attempt started `minutes` earlier (deadline included)."""
    shift = timedelta(minutes=minutes)
    attempt.started_at -= shift
    if attempt.deadline_at is not None:
        attempt.deadline_at -= shift
    db.session.flush()


# --- starting ------------------------------------------------------------------------------------


def test_only_enrolled_learners_start(small_quiz, make_person):
    """Someone not in the class is refused with 403."""
    stranger = make_person("nguoila")
    with pytest.raises(attempts.AttemptError) as refused:
        attempts.start_attempt(small_quiz, str(stranger.id))
    assert refused.value.status == 403


def test_start_waits_for_the_open_date_unless_overridden(training_class, uid):
    """Before the open date the learner is refused; an override opens it for them."""
    quiz = make_quiz(training_class, small_bank(), open_at=utcnow() + timedelta(days=1))
    with pytest.raises(attempts.AttemptError, match=r"mở lúc|opens"):
        attempts.start_attempt(quiz, uid)
    settings.set_override(quiz, uid, open_at=utcnow() - timedelta(hours=1))
    assert attempts.start_attempt(quiz, uid).number == 1


def test_closed_quiz_refuses_to_start(training_class, uid):
    """After the close date no attempt starts."""
    now = utcnow()
    quiz = make_quiz(
        training_class, small_bank(), open_at=now - timedelta(days=2), close_at=now - timedelta(1)
    )
    with pytest.raises(attempts.AttemptError):
        attempts.start_attempt(quiz, uid)


def test_attempts_allowed_then_an_extra_one_by_override(training_class, uid):
    """One attempt allowed: the second is refused until an override allows two."""
    quiz = make_quiz(training_class, small_bank(), attempts_allowed=1)
    attempts.submit_attempt(attempts.start_attempt(quiz, uid), quiz)
    with pytest.raises(attempts.AttemptError):
        attempts.start_attempt(quiz, uid)
    settings.set_override(quiz, uid, attempts_allowed=2)
    assert attempts.start_attempt(quiz, uid).number == 2


def test_start_twice_resumes_the_attempt_in_progress(small_quiz, uid):
    """A second start (another tab) returns the same attempt."""
    first = attempts.start_attempt(small_quiz, uid)
    assert attempts.start_attempt(small_quiz, uid).id == first.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


# --- the draw ------------------------------------------------------------------------------------


def test_draw_fixes_current_versions_without_repeats(training_class, uid):
    """Ten questions from the shipped bank: all different, each at its current version."""
    quiz = make_quiz(training_class, shipped_bank(), count=10)
    attempt = attempts.start_attempt(quiz, uid)
    versions = [q.question_version for q in attempt.questions]
    assert len({v.question_id for v in versions}) == 10
    current = dict(db.session.execute(select(Question.id, Question.current_number)).all())
    assert all(v.number == current[v.question_id] for v in versions)
    assert [q.position for q in attempt.questions] == list(range(1, 11))


def test_draw_is_reproducible_from_the_seed(training_class, uid):
    """Recomputing the layout from the attempt's seed gives the same questions and choices."""
    quiz = make_quiz(training_class, shipped_bank(), count=12)
    attempt = attempts.start_attempt(quiz, uid)
    again = drawing.lay_out(quiz, random.Random(drawing.attempt_seed(quiz.id, uid, 1)))
    assert [(q.question_version_id, q.choice_order) for q in again] == [
        (q.question_version_id, q.choice_order) for q in attempt.questions
    ]


def test_learners_get_different_draws(training_class, uid, make_person):
    """Two learners of the same quiz draw different questions or orders."""
    other = make_person("hocvien2", unit=training_class.unit)
    enrol(training_class, other)
    quiz = make_quiz(training_class, shipped_bank(), count=12)
    mine = attempts.start_attempt(quiz, uid)
    theirs = attempts.start_attempt(quiz, str(other.id))
    assert [q.question_version_id for q in mine.questions] != [
        q.question_version_id for q in theirs.questions
    ]


def test_category_slot_with_or_without_subcategories(training_class, uid):
    """A category slot draws below it only when told to include subcategories."""
    questions = small_bank()
    root = settings.category_by_path(questions, "thu-nghiem")
    quiz = settings.create_quiz(
        training_class,
        questions,
        "Kiểm tra",
        [settings.SlotSpec(category_id=root.id, count=4, include_subcategories=True)],
    )
    assert len(attempts.start_attempt(quiz, uid).questions) == 4
    with pytest.raises(ServiceError):
        settings.create_quiz(
            training_class,
            questions,
            "Kiểm tra",
            [settings.SlotSpec(category_id=root.id, count=1, include_subcategories=False)],
        )


def test_fixed_slots_keep_their_order_and_marks_without_shuffling(training_class, uid):
    """Fixed questions, unshuffled: slot order, author's choice order, slot marks."""
    questions = small_bank()
    ids = db.session.scalars(
        select(Question.id).where(Question.bank_id == questions.id).order_by(Question.key.desc())
    ).all()
    specs = [settings.SlotSpec(question_id=qid, mark=2.5) for qid in ids]
    quiz = settings.create_quiz(
        training_class, questions, "Cố định", specs, shuffle_questions=False, shuffle_choices=False
    )
    attempt = attempts.start_attempt(quiz, uid)
    assert [q.question_version.question_id for q in attempt.questions] == ids
    assert all(q.choice_order == [] and q.max_mark == 2.5 for q in attempt.questions)


def test_shuffled_choices_are_a_permutation(training_class, uid):
    """With shuffled choices each choice question keeps all its choices, in some order."""
    quiz = make_quiz(training_class, shipped_bank(), count=20, shuffle_choices=True)
    for question in attempts.start_attempt(quiz, uid).questions:
        choices = question.question_version.data.get("choices")
        if choices:
            assert sorted(question.choice_order) == list(range(len(choices)))


def test_a_new_version_does_not_change_a_started_attempt(small_quiz, uid):
    """Editing a question after the start keeps the attempt on the version it drew."""
    attempt = attempts.start_attempt(small_quiz, uid)
    before = {q.position: q.question_version_id for q in attempt.questions}
    changed = parse_gift("::tn-3:: Một tiết học dài bao nhiêu phút? {#45:1}").questions
    bank.import_questions(small_bank(), changed)
    db.session.expire_all()
    assert {
        q.position: q.question_version_id for q in attempts.load_attempt(attempt.id).questions
    } == before
    assert db.session.scalar(select(func.max(QuestionVersion.number))) == 2


# --- the deadline --------------------------------------------------------------------------------


def test_deadline_is_the_time_limit_or_the_close_date_whichever_first(training_class, uid):
    """30 minutes, unless the quiz closes sooner; an override gives more time."""
    now = utcnow()
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    assert attempts.start_attempt(quiz, uid, now).deadline_at == now + timedelta(minutes=30)
    closing = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    settings.update_settings(closing, close_at=now + timedelta(minutes=10))
    assert attempts.start_attempt(closing, uid, now).deadline_at == now + timedelta(minutes=10)
    longer = make_quiz(training_class, small_bank(), time_limit_minutes=30)
    settings.set_override(longer, uid, time_limit_minutes=45)
    assert attempts.start_attempt(longer, uid, now).deadline_at == now + timedelta(minutes=45)


def test_untimed_attempt_has_no_deadline(small_quiz, uid):
    attempt = attempts.start_attempt(small_quiz, uid)
    assert attempt.deadline_at is None and attempts.remaining_seconds(attempt, utcnow()) is None


# --- saving --------------------------------------------------------------------------------------


def test_saved_answers_are_read_by_each_type(small_quiz, uid):
    """Each question reads its own fields through its type."""
    attempt = attempts.start_attempt(small_quiz, uid)
    answer(attempt, small_quiz, RIGHT)
    responses = {q.question_version.name: q.response for q in attempt.questions}
    assert responses == {"tn-1": 0, "tn-2": True, "tn-3": "45", "tn-4": "tthc"}


def test_unchanged_answer_keeps_its_saved_time(small_quiz, uid):
    """Saving the same answer again does not count as a change."""
    attempt = attempts.start_attempt(small_quiz, uid)
    first = utcnow()
    answer(attempt, small_quiz, {"tn-2": "true"}, first)
    answer(attempt, small_quiz, {"tn-2": "true"}, first + timedelta(seconds=30))
    question = attempt.questions[by_name(attempt)["tn-2"] - 1]
    assert question.saved_at == first


def test_saving_after_the_deadline_is_refused(training_class, uid):
    """Past the deadline nothing more is saved, with a clear message."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=10)
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, {"tn-1": "0"})
    move_back(attempt, 11)
    with pytest.raises(attempts.AttemptError, match=r"(?i)hết giờ|time is up"):
        answer(attempt, quiz, {"tn-1": "1"})
    assert attempt.questions[by_name(attempt)["tn-1"] - 1].response == 0


# --- overdue rules -------------------------------------------------------------------------------


def test_autosubmit_finishes_at_the_deadline_with_what_was_saved(training_class, uid):
    """Found past its deadline, the attempt is submitted as of the deadline and graded."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=10, overdue_rule="autosubmit")
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, {"tn-1": "0", "tn-2": "true"})
    move_back(attempt, 15)
    assert attempts.settle_overdue(attempt, quiz, utcnow()) is True
    assert attempt.state == AttemptState.FINISHED
    assert attempt.finished_at == attempt.deadline_at
    assert attempt.fraction == pytest.approx(0.5)


def test_grace_allows_submit_but_no_changes(training_class, uid):
    """Within the grace period: no changes, but submit still counts."""
    quiz = make_quiz(
        training_class, small_bank(), time_limit_minutes=10, overdue_rule="grace", grace_minutes=5
    )
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, RIGHT)
    move_back(attempt, 12)
    now = utcnow()
    assert attempts.settle_overdue(attempt, quiz, now) is False
    assert attempts.in_grace(attempt, quiz, now)
    with pytest.raises(attempts.AttemptError, match=r"nộp|submit"):
        answer(attempt, quiz, WRONG)
    assert attempts.submit_attempt(attempt, quiz, now) is True
    assert attempt.state == AttemptState.FINISHED and attempt.fraction == 1.0


def test_grace_expired_leaves_the_attempt_abandoned(training_class, uid):
    """After the grace period the attempt is abandoned and counts nothing."""
    quiz = make_quiz(
        training_class, small_bank(), time_limit_minutes=10, overdue_rule="grace", grace_minutes=5
    )
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, RIGHT)
    move_back(attempt, 16)
    assert attempts.submit_attempt(attempt, quiz) is False
    assert attempt.state == AttemptState.ABANDONED and attempt.fraction is None


def test_nothing_rule_abandons_a_late_attempt(training_class, uid):
    """Under "nothing", an attempt not submitted in time is abandoned; the grade ignores it."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=10, overdue_rule="nothing")
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, RIGHT)
    move_back(attempt, 11)
    assert attempts.settle_overdue(attempt, quiz, utcnow()) is True
    assert attempt.state == AttemptState.ABANDONED
    assert scoring.quiz_grade([attempt], quiz.grading_method) is None


def test_submit_in_the_last_seconds_still_counts(training_class, uid):
    """A submit arriving a few seconds after the deadline (network) is accepted."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=10, overdue_rule="nothing")
    attempt = attempts.start_attempt(quiz, uid)
    move_back(attempt, 10.05)
    assert attempts.submit_attempt(attempt, quiz) is True
    assert attempt.state == AttemptState.FINISHED


def test_start_page_check_settles_overdue_attempts(training_class, uid):
    """Any access (here the start check) settles an attempt left past its deadline."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=5)
    attempt = attempts.start_attempt(quiz, uid)
    move_back(attempt, 30)
    check = attempts.start_check(quiz, uid, utcnow())
    assert check.current is None and attempt.state == AttemptState.FINISHED


def test_results_can_settle_every_overdue_attempt_of_a_quiz(training_class, uid):
    """Before a results page reads a quiz, its overdue attempts are settled in one call."""
    quiz = make_quiz(training_class, small_bank(), time_limit_minutes=5)
    move_back(attempts.start_attempt(quiz, uid), 30)
    assert attempts.settle_quiz(quiz) == 1
    assert attempts.settle_quiz(quiz) == 0


# --- submit and grading --------------------------------------------------------------------------


def grade_events() -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "attempt.grade")
    )


def test_submit_grades_once(small_quiz, uid):
    """A second submit changes nothing and leaves no second grade event."""
    attempt = attempts.start_attempt(small_quiz, uid)
    answer(attempt, small_quiz, {"tn-1": "0", "tn-2": "true", "tn-3": "45", "tn-4": "UBND"})
    assert attempts.submit_attempt(attempt, small_quiz) is True
    assert attempts.submit_attempt(attempt, small_quiz) is False
    assert attempt.fraction == pytest.approx(0.75)
    assert grade_events() == 1


def test_marks_weight_the_attempt_grade(training_class, uid):
    """The attempt grade is marks earned over marks available."""
    questions = small_bank()
    keys = {q.key: q.id for q in db.session.scalars(select(Question))}
    specs = [
        settings.SlotSpec(question_id=keys["tn-1"], mark=3),
        settings.SlotSpec(question_id=keys["tn-2"], mark=1),
    ]
    quiz = settings.create_quiz(training_class, questions, "Có trọng số", specs)
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, {"tn-1": "0", "tn-2": "false"})
    attempts.submit_attempt(attempt, quiz)
    assert attempt.fraction == pytest.approx(0.75)


def test_essay_waits_for_a_grader_then_counts(training_class, uid):
    """An essay leaves the attempt ungraded; grading it by hand sets and audits the grade."""
    essays = bank.get_or_create_bank("tu-luan")
    gift = "::tl-1:: Nêu ý nghĩa của cơ chế một cửa. {}\n\n::tl-2:: Một cửa là gì? {T}"
    bank.import_questions(essays, parse_gift(gift).questions)
    quiz = make_quiz(training_class, essays, shuffle_questions=False)
    attempt = attempts.start_attempt(quiz, uid)
    answer(attempt, quiz, {"tl-1": "Người dân chỉ đến một nơi.", "tl-2": "true"})
    attempts.submit_attempt(attempt, quiz)
    essay = attempt.questions[by_name(attempt)["tl-1"] - 1]
    assert essay.fraction is None and attempt.fraction is None
    essay.fraction = 0.5
    scoring.update_attempt_grade(attempt, quiz, "manual")
    assert attempt.fraction == pytest.approx(0.75)
    assert grade_events() == 2


def finished(number: int, fraction, state=AttemptState.FINISHED) -> Attempt:
    return Attempt(number=number, state=state, fraction=fraction)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 0.9), ("average", 0.6), ("first", 0.3), ("last", 0.6)],
)
def test_grading_methods(method, expected):
    """Highest, average, first and last over finished attempts; abandoned ones count nothing."""
    history = [
        finished(1, 0.3),
        finished(2, 0.9),
        finished(3, None, AttemptState.ABANDONED),
        finished(4, 0.6),
    ]
    assert scoring.quiz_grade(history, method) == pytest.approx(expected)


def test_grade_waits_while_the_only_attempt_waits_for_its_grader():
    """No grade while the only finished attempt still has an essay to grade."""
    assert scoring.quiz_grade([finished(1, None)], "highest") is None
    assert scoring.quiz_grade([], "average") is None


# --- module completion ---------------------------------------------------------------------------


def completions() -> int:
    return db.session.scalar(select(func.count(ModuleCompletion.id)))


def test_passing_a_module_quiz_completes_the_module_once(training_class, uid, version):
    """A failed attempt completes nothing; a passed one completes the module, once."""
    module = version.modules[0]
    quiz = make_quiz(training_class, small_bank(), pass_mark=75, module=module)
    first = attempts.start_attempt(quiz, uid)
    answer(first, quiz, {"tn-1": "0", "tn-2": "true"})
    attempts.submit_attempt(first, quiz)
    assert completions() == 0
    for _ in range(2):
        attempt = attempts.start_attempt(quiz, uid)
        answer(attempt, quiz, RIGHT)
        attempts.submit_attempt(attempt, quiz)
    assert completions() == 1


# --- review moments ------------------------------------------------------------------------------


def test_review_moments(small_quiz, uid):
    """Right after the attempt, later while open, and after the quiz closes."""
    attempt = attempts.start_attempt(small_quiz, uid)
    attempts.submit_attempt(attempt, small_quiz)
    now = attempt.finished_at
    open_settings = settings.effective_settings(small_quiz, uid)
    assert scoring.review_moment(attempt, open_settings, now + timedelta(minutes=1)) == "after"
    assert scoring.review_moment(attempt, open_settings, now + timedelta(minutes=5)) == "open"
    settings.update_settings(small_quiz, close_at=now + timedelta(hours=1))
    closed = settings.effective_settings(small_quiz, uid)
    assert scoring.review_moment(attempt, closed, now + timedelta(hours=2)) == "closed"
