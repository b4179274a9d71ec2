"""The demo data (`lms.demo`): answers built per question type, and the quizzes with attempts
that `lms demo` seeds (idempotent, through the attempt services, with spread in the results).
"""

import random
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms import db, demo
from lms.accounts import services
from lms.audit.models import AuditEvent
from lms.classes import services as classes
from lms.db import utcnow
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz
from lms.quizzes.types import get_question_type
from lms.resources import data_dir

SHIPPED = sorted(data_dir("quizzes").glob("*.gift"))
TABLES = (Quiz, Attempt, AttemptQuestion)


def shipped_questions():
    for path in SHIPPED:
        yield from parse_gift(path.read_bytes(), str(path)).questions


@pytest.mark.parametrize("right", [True, False])
def test_answers_of_every_shipped_question_grade_as_meant(right):
    """A right answer earns the full mark and a wrong one less, for every type the banks use."""
    rng = random.Random(1)
    for question in shipped_questions():
        qtype = get_question_type(question.qtype)
        form = demo.answer_form(question.qtype, question.data, "q1-", right, rng)
        assert form, question.name
        grade = qtype.grade(question, qtype.response_from_form(question, form, "q1-"))
        if question.qtype == "essay":
            assert grade.fraction is None
        elif right:
            assert grade.fraction == 1, question.name
        else:
            assert grade.fraction < 1, question.name


@pytest.fixture
def seeded(app):
    """The whole demo, seeded once in Vietnamese as `lms demo` does, and committed."""
    with force_locale("vi"):
        demo.seed()
    db.session.commit()


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in TABLES
    }


def test_second_run_adds_no_quiz_or_attempt(seeded):
    """Seeding again leaves quizzes, attempts and their answers as they were."""
    before = counts()
    with force_locale("vi"):
        demo.seed()
    db.session.commit()
    assert counts() == before
    assert before["lms_quizzes"] == 5 and before["lms_attempts"] > 30


def test_each_class_has_its_final_quiz_with_exam_settings(seeded):
    """Every demo class has its course's final quiz: 12 questions, 2 attempts, pass mark 70."""
    for code, *_ in demo.CLASSES:
        training_class = classes.find_class(code)
        final = db.session.scalar(
            select(Quiz).where(Quiz.class_id == training_class.id, Quiz.module_id.is_(None))
        )
        assert final.attempts_allowed == 2 and final.pass_mark == 70
        assert sum(slot.draw_count for slot in final.slots) == 12
        assert final.time_limit_minutes == (None if code in demo.UNTIMED_CLASSES else 30)
        assert final.review["closed"] == dict.fromkeys(
            ("answers", "marks", "right_answers", "feedback"), True
        )
        assert final.open_at < utcnow() < final.close_at


def test_attempts_spread_over_past_days_with_passes_and_failures(seeded):
    """Submitted attempts lie in the last days, and grades range from failing to passing."""
    finished = db.session.scalars(select(Attempt).where(Attempt.state == AttemptState.FINISHED))
    finished = list(finished)
    now = utcnow()
    assert all(now - timedelta(days=11) < a.started_at < a.finished_at < now for a in finished)
    assert len({a.started_at.date() for a in finished}) >= 5
    graded = [a.fraction for a in finished if a.fraction is not None]
    assert min(graded) < 0.5 and max(graded) > 0.85
    assert 0.2 < sum(f >= 0.7 for f in graded) / len(graded) < 0.9
    assert db.session.scalar(select(func.max(Attempt.number))) == 2


def test_questions_differ_in_difficulty(seeded):
    """Some questions are mostly answered right, others mostly wrong (for the item analysis)."""
    rows = db.session.execute(
        select(AttemptQuestion.question_version_id, func.avg(AttemptQuestion.fraction))
        .where(AttemptQuestion.fraction.is_not(None))
        .group_by(AttemptQuestion.question_version_id)
        .having(func.count() >= 4)
    ).all()
    averages = [average for _, average in rows]
    assert min(averages) < 0.4 and max(averages) > 0.9


def test_one_attempt_in_progress_and_an_essay_waiting(seeded):
    """hocvien has an attempt in progress; at least one essay waits for its grader."""
    learner = str(services.find_account("hocvien").id)
    running = db.session.scalars(
        select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS)
    ).all()
    assert [a.user_id for a in running] == [learner]
    saved = [q.saved_at for q in running[0].questions if q.response]
    assert saved and max(saved) < utcnow()
    waiting = db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.state == AttemptState.FINISHED, Attempt.fraction.is_(None)
        )
    )
    assert waiting >= 1
    graded_by_hand = db.session.scalar(
        select(func.count(AttemptQuestion.id)).where(AttemptQuestion.graded_by != "")
    )
    assert graded_by_hand >= 1


def test_essays_are_graded_through_the_grading_service(seeded):
    """Every essay the trainer graded has its audit event with the mark, as the queue makes it."""
    trainer = str(services.find_account("giangvien").id)
    graded = db.session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.graded_at.is_not(None))
    ).all()
    events = {
        event.object_id: event
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "attempt_question.grade")
        )
    }
    assert graded and len(events) == len(graded)
    for question in graded:
        assert question.graded_by == trainer and question.grader_comment
        mark = events[str(question.id)].after["mark"]
        assert mark == pytest.approx(question.fraction * question.max_mark)


def test_one_attempt_per_class_waits_for_its_grader(seeded):
    """In each class's final quiz only the latest attempt with an essay still waits."""
    graded_attempts = 0
    for code, *_ in demo.CLASSES:
        training_class = classes.find_class(code)
        quiz = db.session.scalar(
            select(Quiz).where(Quiz.class_id == training_class.id, Quiz.module_id.is_(None))
        )
        finished = db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.FINISHED)
            .order_by(Attempt.finished_at)
        ).all()
        with_essay = [
            a for a in finished if any(q.question_version.qtype == "essay" for q in a.questions)
        ]
        waiting = [a for a in finished if any(q.fraction is None for q in a.questions)]
        assert with_essay and waiting == with_essay[-1:], code
        assert all(a.fraction is not None for a in with_essay[:-1]), code
        graded_attempts += len(with_essay) - 1
    assert graded_attempts >= 4


def test_summary_says_what_to_look_at(seeded):
    """The summary counts quizzes, attempts and essays waiting, in Vietnamese."""
    with force_locale("vi"):
        lines = demo.summary()
    assert "Bài kiểm tra: 5" in lines[0]
    assert "chờ chấm" in lines[1] and "giangvien" in lines[1]
    assert "hocvien" in lines[2]
