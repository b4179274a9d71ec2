"""Access rules of the quiz management pages (a class's quizzes, new quiz, slots, settings,
deletion, overrides), and the world they need.

The world gets a class of unit A (`manage_class`), taught by the world's trainer, with the
learner enrolled; its course names the small bank for its final quiz. It has a quiz the learner
has started (`attempted_quiz`: its questions may no longer change) and one nobody has attempted
(`manage_quiz`, with an override for the learner). The class's trainer, organizer A and admin
manage them; organizer B and the learner are refused.
"""

from lms import db
from lms.classes.models import ClassTrainer
from lms.quizzes.attempts import services as attempts
from lms.quizzes.manage import settings
from tests.access import LOGIN
from tests.access.classes import small_version
from tests.access.learning import enrol, make_class
from tests.access.quizzes import make_quiz, small_bank


def extend_world(world) -> None:
    learner, trainer = world["people"]["learner"], world["people"]["trainer"]
    questions = small_bank()
    version = small_version("kt-quan-ly", "Khóa học có bài kiểm tra", required=(True,))
    version.quiz_slug = questions.slug
    training_class = make_class(version, world["unit_a"], "KT-QL", "Lớp quản lý bài kiểm tra")
    enrol(training_class, learner)
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    attempted = make_quiz(training_class, questions, title="Kiểm tra đã có người làm")
    attempts.start_attempt(attempted, str(learner.id))
    quiz = make_quiz(training_class, questions, title="Kiểm tra chưa ai làm")
    settings.set_override(quiz, str(learner.id), time_limit_minutes=40)
    world["manage_class"] = training_class
    world["attempted_quiz"] = attempted
    world["manage_quiz"] = quiz


#: The class's trainer, organizers of its unit and admin.
MANAGERS = {"anonymous": LOGIN, "trainer": 200, "organizer_a": 200, "admin": 200, "*": 403}


def _managers(status: int) -> dict[str, int]:
    return {**MANAGERS, "trainer": status, "organizer_a": status, "admin": status}


ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.quiz_manage.class_quizzes": ("GET", MANAGERS),
    "lms.quiz_manage.new": ("GET", MANAGERS),
    "lms.quiz_manage.final_quiz": ("POST", _managers(303)),
    "lms.quiz_manage.quiz_settings": ("POST", _managers(303)),
    # The learner has started the quiz: its questions may no longer change.
    "lms.quiz_manage.questions": ("POST", _managers(409)),
    "lms.quiz_manage.delete": ("POST", _managers(303)),
    "lms.quiz_manage.overrides": ("POST", _managers(303)),
    "lms.quiz_manage.remove_override": ("POST", _managers(303)),
}


def url_args(world) -> dict[str, dict]:
    class_id, quiz_id = world["manage_class"].id, world["manage_quiz"].id
    return {
        "lms.quiz_manage.class_quizzes": {"class_id": class_id},
        "lms.quiz_manage.new": {"class_id": class_id},
        "lms.quiz_manage.final_quiz": {"class_id": class_id},
        "lms.quiz_manage.quiz_settings": {"quiz_id": quiz_id},
        "lms.quiz_manage.questions": {"quiz_id": world["attempted_quiz"].id},
        "lms.quiz_manage.delete": {"quiz_id": quiz_id},
        "lms.quiz_manage.overrides": {"quiz_id": quiz_id},
        "lms.quiz_manage.remove_override": {
            "quiz_id": quiz_id,
            "user_id": str(world["people"]["learner"].id),
        },
    }


def form_data(world) -> dict[str, dict]:
    return {
        "lms.quiz_manage.quiz_settings": {
            "time_limit_minutes": "10",
            "overdue_rule": "autosubmit",
            "attempts_allowed": "2",
            "grading_method": "highest",
            "pass_mark": "80",
            "questions_per_page": "1",
            "navigation": "free",
        },
        "lms.quiz_manage.overrides": {
            "user_id": str(world["people"]["learner"].id),
            "time_limit_minutes": "60",
        },
    }
