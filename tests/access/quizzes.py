"""Access rules of the learner's quiz pages, and the factories the quiz tests share.

The world's learner is enrolled in a class of unit A that has two quizzes: one with an attempt in
progress, one with a finished attempt. Only the learner answers, saves and submits; the class's
trainer, organizer A and admin may read the quiz pages and the finished attempt's review.
"""

from datetime import timedelta

from lms import db
from lms.classes.models import ClassTrainer, TrainingClass
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.manage import settings
from lms.quizzes.models import QuestionBank, Quiz
from lms.resources import data_dir
from tests.access import LOGIN
from tests.access.learning import enrol, make_class, shipped_version

SMALL_GIFT = """$CATEGORY: thu-nghiem/01-co-ban

::tn-1:: Bộ phận Một cửa tiếp nhận hồ sơ ở đâu? {
=Tại một đầu mối#Đúng.
~Tại từng phòng chuyên môn#Chưa đúng.
}

::tn-2:: TTHC là viết tắt của "thủ tục hành chính". {T}

$CATEGORY: thu-nghiem/02-nang-cao

::tn-3:: Một tiết học dài bao nhiêu phút? {#45:0}

::tn-4:: Viết tắt của "thủ tục hành chính" là gì? {=TTHC}
"""


def small_bank(slug: str = "thu-nghiem") -> QuestionBank:
    """A four-question bank in two categories (cheap enough for every access test)."""
    target = bank.get_or_create_bank(slug, "Ngân hàng thử nghiệm")
    bank.import_questions(target, parse_gift(SMALL_GIFT).questions)
    return target


def shipped_bank(slug: str = "mot-cua") -> QuestionBank:
    """A shipped bank, imported from quizzes/<slug>.gift (idempotent)."""
    target = bank.get_or_create_bank(slug)
    text = (data_dir("quizzes") / f"{slug}.gift").read_text(encoding="utf-8")
    bank.import_questions(target, parse_gift(text).questions)
    return target


def make_quiz(
    training_class: TrainingClass,
    question_bank: QuestionBank,
    count: int | None = None,
    title: str = "Bài kiểm tra",
    **fields,
) -> Quiz:
    """A quiz drawing `count` questions (all by default) from the whole bank."""
    root_path = question_bank.slug
    root = settings.category_by_path(question_bank, root_path)
    available = settings.questions_in(
        question_bank.id, settings.category_ids(question_bank.id, root, True)
    )
    slots = [settings.SlotSpec(category_id=root.id, count=count or available)]
    fields.setdefault("attempts_allowed", 0)
    return settings.create_quiz(training_class, question_bank, title, slots, **fields)


def extend_world(world) -> None:
    training_class = make_class(shipped_version(), world["unit_a"], "KT-A", "Lớp kiểm tra Sở A")
    learner = world["people"]["learner"]
    enrol(training_class, learner)
    db.session.add(
        ClassTrainer(class_id=training_class.id, user_id=str(world["people"]["trainer"].id))
    )
    questions = small_bank()
    open_quiz = make_quiz(training_class, questions, title="Kiểm tra đang làm")
    done_quiz = make_quiz(training_class, questions, title="Kiểm tra đã nộp")
    now = utcnow()
    world["quiz_class"] = training_class
    world["quiz"] = open_quiz
    world["open_attempt"] = attempts.start_attempt(open_quiz, str(learner.id), now)
    finished = attempts.start_attempt(done_quiz, str(learner.id), now - timedelta(minutes=5))
    attempts.submit_attempt(finished, done_quiz, now - timedelta(minutes=4))
    world["finished_attempt"] = finished


#: The enrolled learner, the class's trainer, organizer A and admin.
READERS = {"anonymous": LOGIN, "learner": 200, "trainer": 200, "organizer_a": 200, "admin": 200}
#: Only the learner whose attempt it is.
OWNER = {"anonymous": LOGIN, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.quiz.class_quizzes": ("GET", {**READERS, "*": 403}),
    "lms.quiz.quiz": ("GET", {**READERS, "*": 403}),
    # Start resumes the attempt in progress; previewers may not start one.
    "lms.quiz.start": ("POST", {**OWNER, "learner": 303}),
    "lms.quiz.attempt": ("GET", {**OWNER, "learner": 200}),
    "lms.quiz.save_page": ("POST", {**OWNER, "learner": 303}),
    # Autosave takes JSON; the table's form post is refused as unreadable.
    "lms.quiz.autosave": ("POST", {**OWNER, "learner": 400}),
    "lms.quiz.summary": ("GET", {**OWNER, "learner": 200}),
    "lms.quiz.submit": ("POST", {**OWNER, "learner": 303}),
    "lms.quiz.review": ("GET", {**READERS, "*": 403}),
}


def url_args(world) -> dict[str, dict]:
    open_id = world["open_attempt"].id
    return {
        "lms.quiz.class_quizzes": {"class_id": world["quiz_class"].id},
        "lms.quiz.quiz": {"quiz_id": world["quiz"].id},
        "lms.quiz.start": {"quiz_id": world["quiz"].id},
        "lms.quiz.attempt": {"attempt_id": open_id},
        "lms.quiz.save_page": {"attempt_id": open_id},
        "lms.quiz.autosave": {"attempt_id": open_id},
        "lms.quiz.summary": {"attempt_id": open_id},
        "lms.quiz.submit": {"attempt_id": open_id},
        "lms.quiz.review": {"attempt_id": world["finished_attempt"].id},
    }


def form_data(world) -> dict[str, dict]:
    return {"lms.quiz.save_page": {"page": "1", "goto": "summary"}}
