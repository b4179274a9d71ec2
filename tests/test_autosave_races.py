"""Two autosaves of one question at once (two tabs, a retry), each on its own connection: the
later one compares its answer with the answer the first saved, never with what it read before
waiting, so the answer sent last is the one kept (run it on PostgreSQL with
LMS_TEST_DATABASE_URL; SQLite serialises the two by its write lock).
"""

import threading
import time

from lms.quizzes.attempts import services as attempts
from tests.test_submit_races import attempt, clients, first_choice, learner, run, stored

__all__ = ["attempt", "learner"]  # fixtures used by name

#: How long the first autosave keeps the attempt locked: long enough for the second to wait.
HOLD = 1.0


def test_the_later_of_two_autosaves_of_one_question_wins(app, learner, attempt, monkeypatch):
    """The first saves the right answer and holds its lock; the second, sent meanwhile, clears
    the answer. The second waits, sees the first's answer, and so writes its own."""
    position, chosen = first_choice(attempt)
    cleared = {"answers": {str(position): {f"q{position}-answer": [""]}}}
    attempt_id = attempt.id  # the threads read no object of this test's session
    (first, second), (first_token, second_token) = clients(app, learner, attempt)
    written = threading.Event()
    save = attempts.save_responses
    statuses: dict[str, int] = {}

    def slow_save(*args, **kwargs):
        saved = save(*args, **kwargs)
        if not written.is_set():
            written.set()
            time.sleep(HOLD)  # written, not yet committed
        return saved

    monkeypatch.setattr(attempts, "save_responses", slow_save)

    def send(client, token: str, body: dict, name: str) -> None:
        response = client.post(
            f"/quiz/attempt/{attempt_id}/autosave",
            json=body,
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        statuses[name] = response.status_code

    def later() -> None:
        assert written.wait(10)
        send(second, second_token, cleared, "second")

    run(lambda: send(first, first_token, chosen, "first"), later)
    assert statuses == {"first": 200, "second": 200}
    _, question = stored(attempt_id, position)
    assert question.response is None
