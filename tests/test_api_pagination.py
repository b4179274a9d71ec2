"""Cursor pagination: walking every page gives every row once, rows added during the walk come
on later pages, cursors cannot be forged or reused with other filters, and rows of the settling
margin wait for a later call rather than be skipped.
"""

from datetime import timedelta

import pytest

from lms import db
from lms.api import pagination
from lms.db import utcnow
from tests.api_helpers import (
    bearer,
    make_certificate,
    make_class,
    make_official,
    make_token,
    walk,
)
from tests.api_helpers import units as make_units

LIST = "/api/v1/certificates"


@pytest.fixture
def world(app, make_unit):
    """Seven officials of A, each certified in one class, some at the very same second."""
    tree = make_units(make_unit)
    training_class = make_class(tree["unit_a"], "LOP-A")
    base = utcnow().replace(microsecond=0) - timedelta(hours=2)
    people = [make_official(f"CC-{n}", tree["unit_a"]) for n in range(7)]
    # Three share one issue time: the id breaks the tie.
    moments = [base, base, base, base + timedelta(minutes=1), base + timedelta(minutes=2)]
    moments += [base + timedelta(minutes=3), base + timedelta(minutes=4)]
    made = [
        make_certificate(user_id, training_class, moment)
        for user_id, moment in zip(people, moments, strict=True)
    ]
    return {"units": tree, "class": training_class, "made": made, "base": base}


def page(client, secret, **query) -> dict:
    response = client.get(LIST, query_string=query, headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def serials_of(items: list[dict]) -> list[str]:
    return [item["serial"] for item in items]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50])
def test_a_walk_gives_every_row_once_in_order(client, world, limit):
    """Oldest first, ties in id order, each row once, whatever the page size."""
    seen = walk(client, LIST, bearer(make_token()), limit=limit)
    assert serials_of(seen) == [certificate.serial for certificate in world["made"]]


def test_rows_added_during_a_walk_come_later_without_gaps(app, client, world):
    """Certificates issued between two pages appear on later pages; none repeats or is lost."""
    app.config["LMS_API_SETTLE_SECONDS"] = 0
    secret = make_token()
    unit = world["units"]["unit_a"]
    newcomers = [
        (make_official(f"CC-NEW-{n}", unit), make_class(unit, f"LOP-N{n}")) for n in range(3)
    ]
    seen, cursor, added = [], None, []
    while True:
        body = page(client, secret, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += serials_of(body["data"])
        if len(added) < len(newcomers):
            user_id, training_class = newcomers[len(added)]
            added.append(make_certificate(user_id, training_class, utcnow()))
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert seen == [certificate.serial for certificate in world["made"] + added]


def test_the_last_cursor_brings_what_is_new(app, client, world):
    """After the last page, its cursor asked again later gives only the rows added since; while
    nothing is new it comes back unchanged."""
    app.config["LMS_API_SETTLE_SECONDS"] = 0
    secret = make_token()
    body = page(client, secret, limit=50)
    assert body["has_more"] is False
    cursor = body["next_cursor"]
    again = page(client, secret, cursor=cursor)
    assert (again["data"], again["next_cursor"], again["has_more"]) == ([], cursor, False)
    unit = world["units"]["unit_a"]
    new = make_certificate(make_official("CC-NEW", unit), make_class(unit, "LOP-N"), utcnow())
    assert serials_of(page(client, secret, cursor=cursor)["data"]) == [new.serial]


def test_a_late_commit_with_an_earlier_time_is_not_skipped(client, world, monkeypatch):
    """A row committed late carrying an earlier time than a newer one still comes: rows of the
    settling margin are listed only once it has passed, so no walker passes them by."""
    secret = make_token()
    unit = world["units"]["unit_a"]
    now = utcnow()
    newer = make_certificate(make_official("CC-X", unit), make_class(unit, "LOP-X"), now)
    body = page(client, secret, limit=50)
    assert newer.serial not in serials_of(body["data"])
    # A transaction that began earlier commits only now, with a time before `newer`'s.
    late = make_certificate(
        make_official("CC-Y", unit), make_class(unit, "LOP-Y"), now - timedelta(seconds=5)
    )
    monkeypatch.setattr(pagination, "utcnow", lambda: now + timedelta(minutes=1))
    rest = page(client, secret, cursor=body["next_cursor"])
    assert serials_of(rest["data"]) == [late.serial, newer.serial]


def cursors_of(client, secret, **query) -> list[str]:
    body = page(client, secret, limit=2, **query)
    assert body["has_more"]
    return [body["next_cursor"]]


def test_a_tampered_cursor_is_400(client, world):
    """Changing one character of a cursor (to jump elsewhere) makes it invalid."""
    secret = make_token()
    cursor = cursors_of(client, secret)[0]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    middle = len(cursor) // 3
    edited = cursor[:middle] + ("a" if cursor[middle] != "a" else "b") + cursor[middle + 1 :]
    for forged in (flipped, edited, "x" * 600, '["list_certificates","",""]'):
        response = client.get(LIST, query_string={"cursor": forged}, headers=bearer(secret))
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_belongs_to_its_filters_and_operation(client, world):
    """Reused with other filters, or on another list, a cursor is refused."""
    secret = make_token()
    cursors = cursors_of(client, secret, unit="SO-A")
    other = client.get(LIST, query_string={"cursor": cursors[0]}, headers=bearer(secret))
    assert other.status_code == 400
    completions = client.get(
        "/api/v1/completions",
        query_string={"cursor": cursors[0], "unit": "SO-A"},
        headers=bearer(secret),
    )
    assert completions.status_code == 400
    same = client.get(
        LIST,
        query_string={"cursor": cursors[0], "unit": "SO-A", "limit": 3},
        headers=bearer(secret),
    )
    assert same.status_code == 200


def test_a_cursor_from_another_deployment_is_400(app, client, world):
    """Signed with the secret key: another key's cursor is refused."""
    secret = make_token()
    cursors = cursors_of(client, secret)
    app.config["SECRET_KEY"] = "another-deployment"
    response = client.get(LIST, query_string={"cursor": cursors[0]}, headers=bearer(secret))
    assert response.status_code == 400


def test_a_page_costs_the_same_queries_at_any_size(client, world, count_queries):
    """One page of 2 or of 7 certificates runs the same number of statements."""
    secret = make_token()
    client.get(LIST, headers=bearer(secret))
    counts = []
    for limit in (2, 7):
        with count_queries() as statements:
            client.get(LIST, query_string={"limit": limit}, headers=bearer(secret))
        counts.append(len(statements))
    assert counts[0] == counts[1]
    db.session.rollback()
