"""`bench.compare`: the requests each scenario sends from the exam's targets, and the summary of
interleaved rounds (the servers and wrk themselves run only when the comparison does)."""

import pytest

from bench.compare import requests_for, summarise

LINES = [
    {"path": "/quiz/attempt/7/autosave", "cookie": "s=a", "token": "ta", "body": '{"answers": 1}'},
    {"path": "/quiz/attempt/8/autosave", "cookie": "s=b", "token": "tb", "body": '{"answers": 2}'},
    {"path": "/quiz/attempt/8/autosave", "cookie": "s=b", "token": "tb", "body": '{"answers": 3}'},
]


def test_autosave_posts_each_line_with_its_learners_cookie_and_token():
    requests = requests_for("autosave", LINES)
    assert len(requests) == 3
    method, path, headers, body = requests[1]
    assert (method, path, body) == ("POST", "/quiz/attempt/8/autosave", '{"answers": 2}')
    assert headers["Cookie"] == "s=b" and headers["X-CSRFToken"] == "tb"


def test_pages_are_each_learners_own_once():
    assert requests_for("attempt", LINES) == [
        ("GET", "/quiz/attempt/7", {"Cookie": "s=a"}, None),
        ("GET", "/quiz/attempt/8", {"Cookie": "s=b"}, None),
    ]
    assert requests_for("home", LINES) == [
        ("GET", "/", {"Cookie": "s=a"}, None),
        ("GET", "/", {"Cookie": "s=b"}, None),
    ]
    with pytest.raises(ValueError, match="unknown scenario"):
        requests_for("export", LINES)


def test_the_summary_compares_medians_not_a_lucky_round():
    summary = summarise({"this": [400.0, 380.0, 900.0], "other": [350.0, 340.0, 100.0]})
    assert summary["median_rps"] == {"this": 400.0, "other": 340.0}
    assert summary["this_over_other"] == round(400 / 340, 3)
