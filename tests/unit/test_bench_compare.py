"""`bench.compare`: the requests each scenario sends from the exam's targets, the summary of
interleaved rounds (the servers and wrk themselves run only when the comparison does), and the
refusal to serve the other checkout on a schema its migrations do not end at."""

import pytest

from bench import compare
from bench.compare import check_same_schema, migration_heads, requests_for, summarise
from bench.servers import ROOT, BenchError

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


def make_checkout(tmp_path, name: str, *revisions: str):
    """A checkout holding `lms/` and a chain of migrations, each revising the one before."""
    checkout = tmp_path / name
    (checkout / "lms").mkdir(parents=True)
    (checkout / "lms" / "__init__.py").write_text("")
    versions = checkout / "migrations" / "versions"
    versions.mkdir(parents=True)
    down = None
    for revision in revisions:
        (versions / f"{revision}.py").write_text(
            f'"""Revision ID: {revision}"""\n\nrevision = "{revision}"\ndown_revision = {down!r}\n'
        )
        down = revision
    return checkout


def add_migration(checkout, revision: str, down_revision: str | tuple) -> None:
    """One more migration, written as Alembic's newer template does (annotated)."""
    (checkout / "migrations" / "versions" / f"{revision}.py").write_text(
        f'revision: str = "{revision}"\ndown_revision: str | tuple = {down_revision!r}\n'
    )


def test_the_head_is_the_revision_nothing_revises(tmp_path):
    """A chain ends at its last revision; two branches are two heads until a merge joins them."""
    assert migration_heads(make_checkout(tmp_path, "chain", "0001", "0002")) == {"0002"}
    branched = make_checkout(tmp_path, "branched", "0001")
    add_migration(branched, "0002_a", "0001")
    add_migration(branched, "0002_b", "0001")
    assert migration_heads(branched) == {"0002_a", "0002_b"}
    add_migration(branched, "0003_merge", ("0002_a", "0002_b"))
    assert migration_heads(branched) == {"0003_merge"}


def test_this_checkouts_migrations_have_one_head():
    """The real migration files are found and read without importing them."""
    assert len(migration_heads(ROOT)) == 1


def test_checkouts_with_the_same_head_are_compared(tmp_path):
    """Same migrations, same schema: nothing to refuse."""
    this = make_checkout(tmp_path, "this", "0001", "0002")
    check_same_schema(this, make_checkout(tmp_path, "other", "0001", "0002"))


def test_a_checkout_with_an_extra_migration_is_refused(tmp_path):
    """The message names both heads."""
    this = make_checkout(tmp_path, "this", "0001", "0002")
    other = make_checkout(tmp_path, "other", "0001", "0002", "0003_extra")
    with pytest.raises(BenchError, match=r"this one ends at 0002, .*other at 0003_extra"):
        check_same_schema(this, other)


def test_the_comparison_stops_before_serving_a_different_schema(tmp_path, monkeypatch, capsys):
    """No instance is seeded and nothing served: the run exits 1 with the reason."""
    monkeypatch.setattr(compare, "ROOT", make_checkout(tmp_path, "this", "0001"))
    monkeypatch.setattr(compare.wrk, "available", lambda: True)

    def no_serving(*args):
        raise AssertionError("the demo instance was prepared")

    monkeypatch.setattr(compare, "prepare_instance", no_serving)
    other = make_checkout(tmp_path, "other", "0001", "0002")
    assert compare.main([str(other)]) == 1
    assert "this one ends at 0001" in capsys.readouterr().err
