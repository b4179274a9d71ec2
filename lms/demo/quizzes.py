"""The demo's quizzes: each class's final quiz (and a module quiz in the first class), taken over
the last days by learners of different skill through the attempt services, so every page has
something to show: passes and failures, easy and hard questions, an attempt in progress, essays
graded by the trainer through the grading service and one per class still waiting.

Idempotent: a class that already has a quiz is left alone.
"""

import random
import zlib
from datetime import datetime, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.classes import services as classes
from lms.classes.models import Enrolment
from lms.courses.models import CourseVersion
from lms.db import utcnow
from lms.demo.answers import answer_form
from lms.demo.classes import CLASSES
from lms.demo.essays import essay_answer
from lms.demo.people import learner_accounts
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as banks
from lms.quizzes.grading import manual as grading
from lms.quizzes.manage import settings
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.types import answer_field

#: Each class's final quiz (Moodle-like exam settings); learners may review everything once it
#: closes, and see their marks and feedback, not the right answers, before that.
QUIZ_SETTINGS = {
    "time_limit_minutes": 30,
    "attempts_allowed": 2,
    "pass_mark": 70,
    "grading_method": "highest",
    "overdue_rule": "autosubmit",
    "questions_per_page": 3,
    "review": {
        "after": {"answers": True, "marks": True, "right_answers": False, "feedback": True},
        "open": {"answers": True, "marks": True, "right_answers": False, "feedback": False},
        "closed": {"answers": True, "marks": True, "right_answers": True, "feedback": True},
    },
}
#: The online class studies at its own pace: no time limit, only the closing date.
UNTIMED_CLASSES = {"CNTT-2026-01"}
#: What the demo learner `hocvien` has done in each class's quiz, so logging in as them shows
#: every state: passed, an attempt in progress, not passed yet, not started.
HOCVIEN_PLAN = {
    "MC-2026-01": [0.95],
    "CNTT-2026-01": [None],
    "GT-2026-01": [0.35],
    "TTHC-2026-01": [],
}
#: Share of the questions a learner gets right, drawn per learner: some pass, some fail.
SKILLS = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4)
#: What the trainer writes beside each essay mark.
ESSAY_COMMENT = "Nêu được các bước chính; cần viện dẫn căn cứ pháp lý rõ hơn."


def _ease(question_key: str) -> float:
    """How easy a question is for the demo learners (0.7–1.25), fixed by its name."""
    return 0.7 + 0.55 * (zlib.crc32(question_key.encode()) % 100) / 100


def _office_hours(moment: datetime, rng: random.Random) -> datetime:
    """The same day, during office hours in Vietnam (8:00–17:00, UTC+7)."""
    hour, minute = rng.randint(1, 9), rng.randint(0, 59)
    return moment.replace(hour=hour, minute=minute, second=0, microsecond=0)


def take_quiz(
    quiz: Quiz, user_id: str, skill: float | None, started: datetime, rng: random.Random
) -> Attempt:
    """One attempt through the services: answers saved in two batches, then submitted.

    `skill` is the chance of a right answer (before each question's ease); None leaves the
    attempt in progress with half of it answered.
    """
    attempt = attempts.start_attempt(quiz, user_id, now=started)
    minutes = rng.randint(12, 27)
    answers = {}
    for question in attempt.questions:
        version = question.question_version
        right = rng.random() < (skill or 0.6) * _ease(version.name)
        prefix = attempts.field_prefix(question.position)
        answers[question.position] = answer_form(version.qtype, version.data, prefix, right, rng)
        if version.qtype == "essay":
            # An answer to this question, not a sentence that could follow any of them.
            answers[question.position] = {
                answer_field(prefix, None): [essay_answer(version.name, right, rng)]
            }
    positions = sorted(answers)
    half = len(positions) // 2
    batches = [positions[:half]] if skill is None else [positions[:half], positions[half:]]
    for number, batch in enumerate(batches, start=1):
        moment = started + timedelta(minutes=minutes * number / (len(batches) + 0.2))
        attempts.save_responses(attempt, quiz, {p: answers[p] for p in batch}, moment)
    if skill is not None:
        attempts.submit_attempt(attempt, quiz, started + timedelta(minutes=minutes))
    return attempt


def _grade_essays(
    quiz: Quiz, finished: list[Attempt], skills: dict[int, float], trainer_id: str
) -> None:
    """Grade the essays of every attempt but the latest that has one, as the trainer would:
    through the grading service (mark, comment, audit events, the attempt's new grade)."""
    waiting = [a for a in finished if any(q.fraction is None for q in a.questions)]
    waiting.sort(key=lambda a: a.finished_at)
    for attempt in waiting[:-1]:
        rng = random.Random(f"essay:{attempt.id}")
        graded_at = min(attempt.finished_at + timedelta(hours=20), utcnow())
        for question in [q for q in attempt.questions if q.fraction is None]:
            fraction = min(4, round(skills[attempt.id] * 4 + rng.uniform(-1, 0.5))) / 4
            grading.grade_answer(
                question,
                attempt,
                quiz,
                fraction * question.max_mark,
                ESSAY_COMMENT,
                trainer_id,
                now=graded_at,
            )


def _create_quizzes(training_class, number: int, opens: datetime) -> Quiz | None:
    """The class's final quiz (and a module quiz in the first class); None without a bank."""
    version = db.session.get(CourseVersion, training_class.course_version_id)
    bank = banks.find_bank(version.quiz_slug or "")
    if bank is None:
        return None
    final = settings.final_quiz(
        training_class,
        bank,
        per_category=2,
        title=f"Bài kiểm tra cuối khóa: {version.title}",
        open_at=opens,
        close_at=opens + timedelta(days=30),
        **(QUIZ_SETTINGS | {"pass_mark": version.pass_mark or 70})
        | ({"time_limit_minutes": None} if training_class.code in UNTIMED_CLASSES else {}),
    )
    if number == 0:
        first = version.modules[0]
        settings.create_quiz(
            training_class,
            bank,
            f"Kiểm tra nhanh: {first.title}",
            [settings.SlotSpec(category_id=settings.leaf_categories(bank)[0].id, count=3)],
            module=first,
            attempts_allowed=0,
            questions_per_page=0,
        )
    return final


def _plan(code: str, username: str, rank: int, rng: random.Random) -> list[float | None]:
    """The skills of a learner's attempts at a class's final quiz, in order (None: in progress)."""
    if username == "hocvien":
        return HOCVIEN_PLAN[code]
    if rank % 4 == 3:
        return []  # has not taken the quiz yet
    plan = [rng.choice(SKILLS)]
    if plan[0] < 0.7 and rng.random() < 0.6:
        plan.append(min(0.95, plan[0] + 0.25))  # studied again and retook it
    return plan


def seed_quizzes() -> None:
    """Each class's final quiz with a module quiz in the first class, and attempts made over
    the last days by learners of different skill (some pass, some fail, one essay waits)."""
    trainer = services.find_account("giangvien")
    trainer_id = str(trainer.id) if trainer else ""
    accounts = learner_accounts()
    now = utcnow()
    opens = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=12)
    for number, (code, *_rest) in enumerate(CLASSES):
        training_class = classes.find_class(code)
        if training_class is None or db.session.scalar(
            select(Quiz.id).where(Quiz.class_id == training_class.id).limit(1)
        ):
            continue
        quiz = _create_quizzes(training_class, number, opens)
        if quiz is None:
            continue
        enrolled = set(
            db.session.scalars(
                select(Enrolment.user_id).where(Enrolment.class_id == training_class.id)
            )
        )
        finished, skills = [], {}
        takers = [a for a in accounts if str(a.id) in enrolled]
        for rank, account in enumerate(takers):
            rng = random.Random(f"{code}:{account.username}")
            plan = _plan(code, account.username, rank, rng)
            started = _office_hours(now - timedelta(days=rng.uniform(1.5, 10)), rng)
            for skill in plan:
                if skill is None:
                    started = now - timedelta(minutes=40)  # its saves end before now
                attempt = take_quiz(quiz, str(account.id), skill, started, rng)
                if skill is not None:
                    finished.append(attempt)
                    skills[attempt.id] = skill
                started = _office_hours(started + timedelta(days=rng.uniform(1, 2)), rng)
                if started > now - timedelta(hours=2):
                    break
        _grade_essays(quiz, finished, skills, trainer_id)
        db.session.flush()
