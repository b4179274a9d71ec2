"""Two autosaves of one question at once (two tabs, a retry), each on its own connection: the
later one writes its answer whatever it read before the first saved, so the answer sent last is
the one kept (run it on PostgreSQL with LMS_TEST_DATABASE_URL as well as on SQLite).
"""

import threading

from lms.quizzes.attempts import autosave as autosaving
from tests.test_submit_races import attempt, clients, first_choice, learner, run, stored

__all__ = ["attempt", "learner"]  # fixtures used by name


def test_the_later_of_two_autosaves_of_one_question_wins(app, learner, attempt, monkeypatch):
    """The second autosave, clearing the answer, reads the question while it is still
    unanswered; the first then saves the right answer; the second writes last, and its empty
    answer is the one kept, not skipped as "unchanged" on what it read before."""
    position, chosen = first_choice(attempt)
    cleared = {"answers": {str(position): {f"q{position}-answer": [""]}}}
    attempt_id = attempt.id  # the threads read no object of this test's session
    (first, second), (first_token, second_token) = clients(app, learner, attempt)
    second_read, first_saved = threading.Event(), threading.Event()
    load = autosaving.load
    statuses: dict[str, int] = {}

    def load_then_wait(*args, **kwargs):
        found = load(*args, **kwargs)
        if threading.current_thread().name == "second":
            second_read.set()
            assert first_saved.wait(10)
        return found

    monkeypatch.setattr(autosaving, "load", load_then_wait)

    def send(client, token: str, body: dict, name: str) -> None:
        response = client.post(
            f"/quiz/attempt/{attempt_id}/autosave",
            json=body,
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        statuses[name] = response.status_code

    def earlier() -> None:
        assert second_read.wait(10)
        send(first, first_token, chosen, "first")
        first_saved.set()

    def later() -> None:
        send(second, second_token, cleared, "second")

    run(earlier, later, names=("first", "second"))
    assert statuses == {"first": 200, "second": 200}
    _, question = stored(attempt_id, position)
    assert question.response is None
