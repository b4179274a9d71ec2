"""The bench's many-learners requests: targets files handed out in turn or in parts used once,
and the share of double submits mixed into the submit requests.
"""

import json

from bench.load import Targets
from bench.quizzes import DOUBLE_SUBMIT_EVERY, with_double_submits


def targets_file(tmp_path, count: int):
    path = tmp_path / "targets.jsonl"
    lines = [
        {"path": f"/a/{n}", "cookie": f"s={n}", "token": f"t{n}", "body": ""} for n in range(count)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_targets_go_round_and_round(tmp_path):
    """Without a part, the requests come in file order and start again after the last."""
    targets = Targets(str(targets_file(tmp_path, 3)))
    paths = [targets.take()[0] for _ in range(7)]
    assert paths == ["/a/0", "/a/1", "/a/2", "/a/0", "/a/1", "/a/2", "/a/0"]


def test_target_carries_its_own_session_and_token(tmp_path):
    """Each request sends its learner's cookie and CSRF token."""
    _, body, headers = Targets(str(targets_file(tmp_path, 1))).take()
    assert headers == {"Cookie": "s=0", "X-CSRFToken": "t0"} and body == b""


def test_parts_split_the_requests_and_are_used_once(tmp_path):
    """Part I of N holds its own consecutive requests; once used up, no more come."""
    path = str(targets_file(tmp_path, 10))
    parts = []
    for index in (1, 2, 3):
        targets = Targets(path, f"{index}/3")
        taken = []
        while (request := targets.take()) is not None:
            taken.append(request[0])
        parts.append(taken)
    assert parts[0] == ["/a/0", "/a/1", "/a/2", "/a/3"]
    assert [path for part in parts for path in part] == [f"/a/{n}" for n in range(10)]


def test_one_submit_in_ten_repeats_an_earlier_one():
    """Every tenth request repeats a request sent just before; the others are all kept."""
    originals = [{"path": f"/s/{n}"} for n in range(40)]
    mixed = with_double_submits(originals)
    repeats = mixed[DOUBLE_SUBMIT_EVERY - 1 :: DOUBLE_SUBMIT_EVERY]
    assert [t for i, t in enumerate(mixed) if (i + 1) % DOUBLE_SUBMIT_EVERY] == originals
    assert len(repeats) == 4
    for index in range(DOUBLE_SUBMIT_EVERY - 1, len(mixed), DOUBLE_SUBMIT_EVERY):
        assert mixed[index] in mixed[index - 9 : index]


def test_target_may_carry_headers_and_no_cookie(tmp_path):
    """An API request sends its bearer token and no session cookie."""
    path = tmp_path / "api.jsonl"
    line = {"path": "/api/v1/hours", "cookie": "", "headers": {"Authorization": "Bearer lms_x"}}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    _, body, headers = Targets(str(path)).take()
    assert headers == {"Authorization": "Bearer lms_x"} and body is None
