"""Access rules of the grading pages, and the essay quiz the grading tests share.

The world's learner submits an essay in a class of unit A that the world's trainer teaches: the
queue is open to every trainer and organizer (each sees their own classes), the answer's grade
page and the quiz's regrade page only to the class's managers (trainer, organizer A, admin).
"""

from sqlalchemy import select

from lms import db
from lms.classes.models import ClassTrainer, TrainingClass
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.manage import settings
from lms.quizzes.models import Attempt, Question, QuestionBank, Quiz
from lms.quizzes.types import Question as QuestionData
from tests.access import LOGIN
from tests.access.learning import enrol, make_class, shipped_version

RUBRIC = "Nêu đủ **hai ý**: một đầu mối tiếp nhận; trả kết quả tại một nơi."


def essay_bank(slug: str = "tu-luan", rubric: str = RUBRIC) -> QuestionBank:
    """A bank of one essay (with a rubric for graders) and one true/false."""
    target = bank.get_or_create_bank(slug, "Ngân hàng tự luận")
    questions = [
        QuestionData(
            qtype="essay",
            name="tl-1",
            stem="Nêu ý nghĩa của cơ chế **một cửa**.",
            category=f"{slug}/chung",
            data={"grader_info": rubric},
        ),
        QuestionData(
            qtype="truefalse",
            name="dk-1",
            stem="TTHC là viết tắt của “thủ tục hành chính”.",
            category=f"{slug}/chung",
            data={"correct": True},
        ),
    ]
    bank.import_questions(target, questions)
    return target


def essay_quiz(
    training_class: TrainingClass, title: str = "Tự luận Một cửa", slug: str = "tu-luan", **fields
) -> Quiz:
    """The essay worth 2 points, then the true/false worth 1, in that order."""
    questions = essay_bank(slug)
    ids = {
        key: question_id
        for key, question_id in db.session.execute(
            select(Question.key, Question.id).where(Question.bank_id == questions.id)
        )
    }
    slots = [
        settings.SlotSpec(question_id=ids["tl-1"], mark=2),
        settings.SlotSpec(question_id=ids["dk-1"], mark=1),
    ]
    fields.setdefault("attempts_allowed", 0)
    fields.setdefault("shuffle_questions", False)
    return settings.create_quiz(training_class, questions, title, slots, **fields)


def submit_essay(quiz, account, text: str, truth: str = "true", now=None) -> Attempt:
    """Start, answer (essay `text`, true/false `truth`) and submit an attempt of `quiz`."""
    now = now or utcnow()
    attempt = attempts.start_attempt(quiz, str(account.id), now)
    positions = {q.question_version.name: q.position for q in attempt.questions}
    answers = {
        positions["tl-1"]: {f"q{positions['tl-1']}-answer": [text]},
        positions["dk-1"]: {f"q{positions['dk-1']}-answer": [truth]},
    }
    attempts.save_responses(attempt, quiz, answers, now)
    attempts.submit_attempt(attempt, quiz, now)
    return attempt


def taught_class(unit, trainer, *learners, code: str = "MC-01") -> TrainingClass:
    """A class of the one-stop course in `unit`, taught by `trainer`, with `learners` enrolled."""
    training_class = make_class(shipped_version(), unit, code, f"Lớp Một cửa {code}")
    for learner in learners:
        enrol(training_class, learner)
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    db.session.flush()
    return training_class


def essay_of(attempt: Attempt):
    return next(q for q in attempt.questions if q.question_version.qtype == "essay")


def extend_world(world) -> None:
    learner = world["people"]["learner"]
    training_class = taught_class(
        world["unit_a"], world["people"]["trainer"], learner, code="CHAM-A"
    )
    quiz = essay_quiz(training_class, "Bài tự luận", slug="tu-luan-the-gioi")
    world["essay_quiz"] = quiz
    world["essay_answer"] = essay_of(submit_essay(quiz, learner, "Người dân chỉ đến một nơi."))


#: The class's trainer, organizer A and admin.
MANAGERS = {"anonymous": LOGIN, "trainer": 200, "organizer_a": 200, "admin": 200, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.grading.queue": ("GET", {"anonymous": LOGIN, "learner": 403, "*": 200}),
    "lms.grading.grade": ("GET", MANAGERS),
    "lms.grading.regrade": ("GET", MANAGERS),
}


def url_args(world) -> dict[str, dict]:
    return {
        "lms.grading.grade": {"question_id": world["essay_answer"].id},
        "lms.grading.regrade": {"quiz_id": world["essay_quiz"].id},
    }
