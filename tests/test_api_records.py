"""Completions and training periods over the API: a known set of completions, and every figure
checked — per official, per period (local days, this year by default), within the token's unit
subtree, with withdrawn learners and incomplete standings left out.
"""

from datetime import UTC, datetime

import pytest

from lms import db
from lms.classes import enrolment as enrolments
from tests.api_helpers import (
    bearer,
    make_certificate,
    make_class,
    make_completion,
    make_official,
    make_token,
    units,
    walk,
)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T03:00:00+00:00")


@pytest.fixture
def world(app, make_unit):
    """An (A) completed 3 classes in 2025–2026, Bình (A1) one, Chi (B) two, Dũng none;
    one of An's completions is withdrawn, one of Chi's not yet complete. Officials just added
    are listed at once (no settling margin)."""
    app.config["LMS_API_SETTLE_SECONDS"] = 0
    tree = units(make_unit)
    classes = {
        "one_stop": make_class(tree["unit_a"], "MC-01", periods=4),
        "it": make_class(tree["unit_a"], "CNTT-01", periods=6),
        "talk": make_class(tree["unit_b"], "GT-01", periods=2),
        "tthc": make_class(tree["unit_b"], "TTHC-01", periods=5),
    }
    people = {
        "an": make_official("CC-AN", tree["unit_a"], "Nguyễn Văn An"),
        "binh": make_official("CC-BINH", tree["division_a"], "Trần Thị Bình"),
        "chi": make_official("CC-CHI", tree["unit_b"], "Lê Thị Chi"),
        "dung": make_official("CC-DUNG", tree["unit_b"], "Phạm Văn Dũng"),
    }
    done = {
        "an_2025": make_completion(people["an"], classes["talk"], at("2025-11-02")),
        "an_one_stop": make_completion(people["an"], classes["one_stop"], at("2026-02-10")),
        "an_it": make_completion(people["an"], classes["it"], at("2026-04-01")),
        "binh_it": make_completion(people["binh"], classes["it"], at("2026-04-02")),
        "chi_talk": make_completion(people["chi"], classes["talk"], at("2026-06-15")),
        "chi_tthc": make_completion(people["chi"], classes["tthc"], at("2026-09-30")),
    }
    # An withdrew from the IT class after completing: it no longer counts.
    enrolments.withdraw(enrolments.find_enrolment(classes["it"], people["an"]))
    # Chi's TTHC standing was re-evaluated and is missing a rule now.
    done["chi_tthc"].completed_at = None
    make_certificate(people["an"], classes["one_stop"], at("2026-02-11"), serial="SO-A-2026-00007")
    db.session.commit()
    return {"units": tree, "classes": classes, "people": people, "done": done}


def test_completions_with_class_course_periods_and_certificate(client, world):
    """Each completion names the official, class, course, periods, hours and the serial."""
    items = walk(client, "/api/v1/completions", bearer(make_token()))
    assert [(item["official"]["official_code"], item["class"]["code"]) for item in items] == [
        ("CC-AN", "GT-01"),
        ("CC-AN", "MC-01"),
        ("CC-BINH", "CNTT-01"),
        ("CC-CHI", "GT-01"),
    ]
    one_stop = items[1]
    assert one_stop["periods"] == 4 and one_stop["hours"] == 3.0
    assert one_stop["certificate_serial"] == "SO-A-2026-00007"
    assert one_stop["completed_at"] == "2026-02-10T03:00:00Z"
    assert one_stop["course"]["slug"] == "khoa-mc-01"
    assert items[0]["certificate_serial"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "SO-A"}, ["an_2025", "an_one_stop", "binh_it"]),
        ({"unit": "SO-B"}, ["chi_talk"]),
        ({"official_code": "CC-AN"}, ["an_2025", "an_one_stop"]),
        ({"class": "GT-01"}, ["an_2025", "chi_talk"]),
        ({"from": "2026-01-01", "to": "2026-04-02"}, ["an_one_stop", "binh_it"]),
    ],
)
def test_completion_filters(client, world, query, expected):
    """unit, official code, class and period narrow the completions."""
    items = walk(client, "/api/v1/completions", bearer(make_token()), query=query)
    assert [item["id"] for item in items] == [world["done"][name].id for name in expected]


def test_completions_of_a_unit_token(client, world):
    """B's token sees Chi's completions only, and 403 on A's unit."""
    secret = make_token(unit=world["units"]["unit_b"])
    items = walk(client, "/api/v1/completions", bearer(secret))
    assert [item["id"] for item in items] == [world["done"]["chi_talk"].id]
    refused = client.get("/api/v1/completions?unit=SO-A", headers=bearer(secret))
    assert refused.status_code == 403


def test_hours_per_official_reconcile_with_completions(client, world):
    """Every official of the subtree with the periods they completed in 2026, zeros included;
    the totals equal the sum of the completions listed for the same period."""
    secret = make_token()
    query = {"from": "2026-01-01", "to": "2026-12-31"}
    hours = walk(client, "/api/v1/hours", bearer(secret), query=query)
    by_code = {item["official"]["official_code"]: item for item in hours}
    assert {
        code: (item["classes_completed"], item["periods"]) for code, item in by_code.items()
    } == {
        "CC-AN": (1, 4),
        "CC-BINH": (1, 6),
        "CC-CHI": (1, 2),
        "CC-DUNG": (0, 0),
    }
    assert by_code["CC-AN"]["hours"] == 3.0
    assert (by_code["CC-AN"]["from"], by_code["CC-AN"]["to"]) == ("2026-01-01", "2026-12-31")
    completions = walk(client, "/api/v1/completions", bearer(secret), query=query)
    assert sum(item["periods"] for item in hours) == sum(item["periods"] for item in completions)


def test_hours_default_to_this_calendar_year(client, world):
    """Without from/to the period is this year: An's 2025 class does not count."""
    secret = make_token(unit=world["units"]["unit_a"])
    hours = walk(client, "/api/v1/hours", bearer(secret))
    year = datetime.now(UTC).year
    assert {item["official"]["official_code"]: item["periods"] for item in hours} == {
        "CC-AN": 4 if year == 2026 else 0,
        "CC-BINH": 6 if year == 2026 else 0,
    }
    assert hours[0]["from"] == f"{year}-01-01"


def test_one_officials_record(client, world):
    """An's classes of a period with their total; officials outside the token are 404."""
    secret = make_token(unit=world["units"]["unit_a"])
    response = client.get(
        "/api/v1/officials/CC-AN/hours",
        query_string={"from": "2025-01-01", "to": "2026-12-31"},
        headers=bearer(secret),
    )
    assert response.status_code == 200
    record = response.get_json()
    assert (record["classes_completed"], record["periods"], record["hours"]) == (2, 6, 4.5)
    assert [item["class"]["code"] for item in record["completions"]] == ["GT-01", "MC-01"]
    assert record["official"]["unit"] == {"code": "SO-A", "name": "Sở A"}
    for code in ("CC-CHI", "CC-NOBODY"):
        assert (
            client.get(f"/api/v1/officials/{code}/hours", headers=bearer(secret)).status_code == 404
        )


def test_hours_filters_and_bad_periods(client, world):
    """unit and official_code narrow the officials; a reversed period is 400."""
    secret = make_token()
    items = walk(client, "/api/v1/hours", bearer(secret), query={"unit": "PHONG-A1"})
    assert [item["official"]["official_code"] for item in items] == ["CC-BINH"]
    for url in ("/api/v1/hours", "/api/v1/officials/CC-AN/hours"):
        response = client.get(
            url, query_string={"from": "2026-12-31", "to": "2026-01-01"}, headers=bearer(secret)
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["parameter"] == "from"


def test_hours_pages_cost_the_same_queries(client, world, count_queries):
    """The totals of a page come from one aggregate query, whatever the page's size."""
    secret = make_token()
    client.get("/api/v1/hours", headers=bearer(secret))
    counts = []
    for limit in (1, 4):
        with count_queries() as statements:
            client.get("/api/v1/hours", query_string={"limit": limit}, headers=bearer(secret))
        counts.append(len(statements))
    assert counts[0] == counts[1]
