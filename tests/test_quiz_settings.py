"""Quiz settings: a class's quiz made from a bank, settings checked, per-learner overrides, and
the review options at each moment.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.db import utcnow
from lms.quizzes.manage import settings
from lms.quizzes.models import Question, QuizSlot
from tests.access.learning import make_class, shipped_version
from tests.access.quizzes import make_quiz, shipped_bank, small_bank


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the user's language, so they run inside a request (Vietnamese here)."""
    with app.test_request_context():
        yield


@pytest.fixture
def training_class(app, make_unit):
    return make_class(shipped_version(), make_unit("SO-NV", "Sở Nội vụ"), "MC-01")


@pytest.fixture
def questions(app):
    return small_bank()


def test_quiz_draws_from_a_category_and_its_subcategories(training_class, questions):
    """A category slot counts the questions below it; the quiz keeps the slot."""
    quiz = make_quiz(training_class, questions, count=3, time_limit_minutes=20)
    assert [(slot.draw_count, slot.include_subcategories) for slot in quiz.slots] == [(3, True)]
    assert quiz.class_id == training_class.id and quiz.time_limit_minutes == 20


def test_slot_asking_for_more_than_the_category_holds_is_refused(training_class, questions):
    """Drawing five from a two-question category is refused with the counts."""
    category = settings.category_by_path(questions, "thu-nghiem/01-co-ban")
    spec = settings.SlotSpec(category_id=category.id, count=5, include_subcategories=False)
    with pytest.raises(ServiceError, match="2"):
        settings.create_quiz(training_class, questions, "Kiểm tra", [spec])


def test_fixed_question_from_another_bank_is_refused(training_class, questions):
    """A slot may only name a question of the quiz's own bank."""
    other = shipped_bank()
    foreign = db.session.scalar(select(Question).where(Question.bank_id == other.id))
    with pytest.raises(ServiceError):
        settings.create_quiz(
            training_class, questions, "Kiểm tra", [settings.SlotSpec(question_id=foreign.id)]
        )


@pytest.mark.parametrize(
    "values",
    [
        {"pass_mark": 120},
        {"attempts_allowed": -1},
        {"time_limit_minutes": 0},
        {"grading_method": "median"},
        {"overdue_rule": "later"},
        {"navigation": "random"},
        {"questions_per_page": -2},
        # Issue 9 §3: every number has an upper end (10¹² minutes made every start fail).
        {"time_limit_minutes": 10**12},
        {"grace_minutes": 24 * 60 + 1},
        {"attempts_allowed": 101},
        {"questions_per_page": 201},
        {"review": {"someday": {}}},
        {"review": {"after": {"everything": True}}},
    ],
)
def test_bad_settings_are_refused(training_class, questions, values):
    """Each impossible setting is refused before anything is written."""
    with pytest.raises(ServiceError):
        make_quiz(training_class, questions, **values)


def test_quiz_must_close_after_it_opens(training_class, questions):
    """A close date before the open date is refused, on creation and on update."""
    now = utcnow()
    with pytest.raises(ServiceError):
        make_quiz(training_class, questions, open_at=now, close_at=now - timedelta(hours=1))
    quiz = make_quiz(training_class, questions, open_at=now)
    with pytest.raises(ServiceError):
        settings.update_settings(quiz, close_at=now - timedelta(minutes=1))


def test_settings_change_is_audited(training_class, questions):
    """Changing a setting records before and after."""
    quiz = make_quiz(training_class, questions, pass_mark=70)
    settings.update_settings(quiz, pass_mark=80)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.settings"))
    assert event.before == {"pass_mark": 70} and event.after == {"pass_mark": 80}


def test_override_replaces_only_what_it_sets(training_class, questions):
    """Extra time for one learner; the dates and attempts stay the quiz's."""
    close = utcnow() + timedelta(days=3)
    quiz = make_quiz(training_class, questions, time_limit_minutes=30, close_at=close)
    settings.set_override(quiz, "42", time_limit_minutes=45)
    mine = settings.effective_settings(quiz, "42")
    theirs = settings.effective_settings(quiz, "43")
    assert (mine.time_limit_minutes, mine.close_at, mine.overridden) == (45, close, True)
    assert (theirs.time_limit_minutes, theirs.overridden) == (30, False)


def test_override_is_audited_and_can_be_removed(training_class, questions):
    """Setting and removing an override both leave audit events."""
    quiz = make_quiz(training_class, questions)
    settings.set_override(quiz, "42", attempts_allowed=3)
    assert settings.remove_override(quiz, "42") is True
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["quiz.override", "quiz.override.remove"]
    assert settings.effective_settings(quiz, "42").overridden is False


def test_empty_override_is_refused(training_class, questions):
    """An override that changes nothing is refused."""
    with pytest.raises(ServiceError):
        settings.set_override(make_quiz(training_class, questions), "42")


def test_review_options_default_to_everything_and_follow_the_quiz(training_class, questions):
    """Unset review options show everything; set ones are obeyed per moment."""
    quiz = make_quiz(
        training_class,
        questions,
        review={"after": {"right_answers": False}, "open": {"answers": False, "marks": False}},
    )
    assert settings.review_options(quiz, "closed") == settings.ReviewOptions()
    assert settings.review_options(quiz, "after").right_answers is False
    assert settings.review_options(quiz, "after").answers is True
    assert not settings.review_options(quiz, "open").marks


def test_final_quiz_draws_from_each_category(training_class):
    """The course's final quiz takes N questions from each category of the shipped bank."""
    bank = shipped_bank()
    quiz = settings.final_quiz(training_class, bank, per_category=2)
    slots = db.session.scalars(select(QuizSlot).where(QuizSlot.quiz_id == quiz.id)).all()
    assert len(slots) == 6  # one category per module of the one-stop course
    assert all(slot.draw_count == 2 and not slot.include_subcategories for slot in slots)
