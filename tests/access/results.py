"""Access rules of the results pages: the class's managers (its trainer, organizer A, admin) read
results, item analysis, exports and a learner's history; the learner reads only their own history.

Uses the quiz class of tests/access/quizzes.py (its learner has one finished attempt). Also the
factory the results tests share: `take`, an attempt answered and submitted in one call.
"""

from datetime import datetime, timedelta
from typing import Any

from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.models import Attempt, Quiz
from tests.access import LOGIN

#: Right and wrong responses to the small bank's four questions, by position, when the quiz is
#: unshuffled: single choice, true/false, numerical (45), short answer (TTHC).
RIGHT = {1: 0, 2: True, 3: "45", 4: "TTHC"}
WRONG = {1: 1, 2: False, 3: "40", 4: "sai"}


def take(
    quiz: Quiz,
    user_id: str,
    responses: dict[int, Any],
    started: datetime | None = None,
    minutes: int = 3,
) -> Attempt:
    """An attempt started at `started`, answered by position and submitted `minutes` later."""
    started = started or utcnow() - timedelta(hours=1)
    attempt = attempts.start_attempt(quiz, user_id, started)
    for question in attempt.questions:
        question.response = responses.get(question.position)
    attempts.submit_attempt(attempt, quiz, started + timedelta(minutes=minutes))
    return attempt


#: The class's trainer, organizer A and admin; other roles are refused.
MANAGERS = {"anonymous": LOGIN, "trainer": 200, "organizer_a": 200, "admin": 200, "*": 403}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.results.quiz": ("GET", MANAGERS),
    "lms.results.statistics": ("GET", MANAGERS),
    "lms.results.quiz_export": ("GET", MANAGERS),
    "lms.results.class_results": ("GET", MANAGERS),
    "lms.results.class_export": ("GET", MANAGERS),
    "lms.results.learner": ("GET", MANAGERS),
    "lms.results.mine": ("GET", {"anonymous": LOGIN, "learner": 200, "*": 403}),
}


def url_args(world) -> dict[str, dict]:
    class_id = world["quiz_class"].id
    quiz_id = world["finished_attempt"].quiz_id
    return {
        "lms.results.quiz": {"quiz_id": quiz_id},
        "lms.results.statistics": {"quiz_id": quiz_id},
        "lms.results.quiz_export": {"quiz_id": quiz_id, "name": "results", "fmt": "csv"},
        "lms.results.class_results": {"class_id": class_id},
        "lms.results.class_export": {"class_id": class_id, "name": "results", "fmt": "xlsx"},
        "lms.results.learner": {
            "class_id": class_id,
            "user_id": str(world["people"]["learner"].id),
        },
        "lms.results.mine": {"class_id": class_id},
    }
