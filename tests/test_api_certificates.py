"""The certificates operations: what a certificate looks like over the API, its status now,
the unit subtree a token sees (others' certificates are absent from lists and 404 one by one),
and every filter, with a 400 and a message for a bad one.
"""

from datetime import UTC, datetime, timedelta

import pytest

from lms import db
from lms.certificates import services as certificates
from tests.api_helpers import (
    at,
    bearer,
    make_certificate,
    make_class,
    make_official,
    make_token,
    units,
)

LIST = "/api/v1/certificates"


@pytest.fixture
def world(app, make_unit):
    """Officials in A, A's division and B; a class of each department; five certificates."""
    tree = units(make_unit)
    class_a, class_b = make_class(tree["unit_a"], "LOP-A", 4), make_class(tree["unit_b"], "LOP-B")
    people = {
        "an": make_official("CC-AN", tree["unit_a"], "Nguyễn Văn An"),
        "binh": make_official("CC-BINH", tree["division_a"], "Trần Thị Bình"),
        "chi": make_official("CC-CHI", tree["unit_b"], "Lê Thị Chi"),
        "dung": make_official("CC-DUNG", None, "Phạm Văn Dũng"),
    }
    made = {
        "an": make_certificate(people["an"], class_a, at("2026-03-10"), serial="SO-A-2026-00001"),
        "binh": make_certificate(people["binh"], class_a, at("2026-05-20")),
        # Chi works in B but studied in A's class: B's officials' certificate.
        "chi_a": make_certificate(people["chi"], class_a, at("2026-06-01")),
        "chi_b": make_certificate(people["chi"], class_b, at("2026-07-15")),
        "dung": make_certificate(people["dung"], class_b, at("2026-08-01")),
    }
    return {"units": tree, "people": people, "certificates": made, "class_a": class_a}


def serials(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["serial"] for item in response.get_json()["data"]]


def test_a_certificate_as_the_api_shows_it(client, world):
    """Serial, status, dates, the official, class, course, periods and the signed facts."""
    secret = make_token()
    response = client.get(f"{LIST}/SO-A-2026-00001", headers=bearer(secret))
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.get_data(as_text=True), "UTF-8, not \\u escapes"
    item = response.get_json()
    assert item["serial"] == "SO-A-2026-00001"
    assert item["status"] == "valid"
    assert item["issued_at"] == "2026-03-10T05:00:00Z"
    assert item["expires_at"] is None and item["revoked"] is None
    assert item["official"] == {
        "official_code": "CC-AN",
        "full_name": "Nguyễn Văn An",
        "unit": {"code": "SO-A", "name": "Sở A"},
    }
    assert item["class"] == {"code": "LOP-A", "name": "Lớp LOP-A"}
    assert (item["periods"], item["hours"]) == (4, 3.0)
    assert item["signed"]["snapshot"]["serial"] == "SO-A-2026-00001"
    assert item["signed"]["key_id"] == "api-test-key"
    assert item["verify_url"].endswith("/verify/SO-A-2026-00001")


def test_statuses_revoked_expired_and_replaced(client, world):
    """Revoked (with date and reason), replaced (naming the successor) and expired read so."""
    secret = make_token()
    made = world["certificates"]
    certificates.revoke(made["an"], "Cấp nhầm người")
    made["binh"].expires_at = datetime(2026, 6, 1, tzinfo=UTC)
    made["chi_a"].is_current = False
    successor = make_certificate(world["people"]["chi"], world["class_a"], at("2026-09-01"))
    made["chi_a"].replaced_by_id = successor.id
    successor.replaces_id = made["chi_a"].id
    db.session.commit()
    by_serial = {
        item["serial"]: item for item in client.get(LIST, headers=bearer(secret)).get_json()["data"]
    }
    revoked = by_serial[made["an"].serial]
    assert revoked["status"] == "revoked"
    assert revoked["revoked"]["reason"] == "Cấp nhầm người"
    assert revoked["revoked"]["at"].endswith("Z")
    assert by_serial[made["binh"].serial]["status"] == "expired"
    assert by_serial[made["chi_a"].serial]["status"] == "replaced"
    assert by_serial[made["chi_a"].serial]["replaced_by"] == successor.serial
    assert by_serial[successor.serial]["replaces"] == made["chi_a"].serial
    for status, expected in {
        "revoked": [made["an"].serial],
        "expired": [made["binh"].serial],
        "replaced": [made["chi_a"].serial],
        "valid": [made["chi_b"].serial, made["dung"].serial, successor.serial],
    }.items():
        response = client.get(LIST, query_string={"status": status}, headers=bearer(secret))
        assert serials(response) == expected, status


def test_a_unit_token_sees_only_its_subtree(client, world):
    """A's token lists A's and its division's officials, whoever organised the class."""
    made = world["certificates"]
    secret = make_token(unit=world["units"]["unit_a"])
    assert serials(client.get(LIST, headers=bearer(secret))) == [
        made["an"].serial,
        made["binh"].serial,
    ]
    b_token = make_token(unit=world["units"]["unit_b"])
    assert serials(client.get(LIST, headers=bearer(b_token))) == [
        made["chi_a"].serial,
        made["chi_b"].serial,
    ]


def test_anothers_certificate_is_404_one_by_one(client, world):
    """A certificate of an official outside the token's subtree reads as unknown."""
    made = world["certificates"]
    secret = make_token(unit=world["units"]["unit_a"])
    assert client.get(f"{LIST}/{made['binh'].serial}", headers=bearer(secret)).status_code == 200
    for serial in (made["chi_a"].serial, made["dung"].serial, "SO-A-2026-99999", "not a serial"):
        response = client.get(f"{LIST}/{serial}", headers=bearer(secret))
        assert response.status_code == 404, serial
        assert response.get_json()["error"]["code"] == "not_found"


def test_officials_without_a_unit_belong_to_the_whole_tree_only(client, world):
    """Dũng has no unit: the province's own token sees him only if it covers the whole tree."""
    dung = world["certificates"]["dung"].serial
    province = make_token(unit=world["units"]["province"])
    whole = make_token()
    assert dung not in serials(client.get(LIST, headers=bearer(province)))
    assert dung in serials(client.get(LIST, headers=bearer(whole)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "SO-A"}, ["an", "binh"]),
        ({"unit": "phong-a1"}, ["binh"]),
        ({"official_code": "CC-CHI"}, ["chi_a", "chi_b"]),
        ({"class": "LOP-B"}, ["chi_b", "dung"]),
        ({"from": "2026-05-20"}, ["binh", "chi_a", "chi_b", "dung"]),
        ({"to": "2026-05-20"}, ["an", "binh"]),
        ({"from": "2026-05-21", "to": "2026-07-15"}, ["chi_a", "chi_b"]),
        ({"unit": "SO-B", "from": "2026-07-01"}, ["chi_b"]),
        ({"official_code": "CC-NOBODY"}, []),
    ],
)
def test_filters(client, world, query, expected):
    """unit (a subtree), official code, class and an inclusive period of local days."""
    secret = make_token()
    made = world["certificates"]
    assert serials(client.get(LIST, query_string=query, headers=bearer(secret))) == [
        made[name].serial for name in expected
    ]


def test_period_days_are_local_days(client, world):
    """A certificate issued at 23:30 on 31/12 in Hà Nội (16:30 UTC) counts in that day."""
    people = world["people"]
    late = make_certificate(
        people["an"], make_class(world["units"]["unit_a"], "LOP-C"), at("2025-12-31")
    )
    late.issued_at = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    db.session.commit()
    secret = make_token()
    query = {"from": "2025-12-31", "to": "2025-12-31"}
    assert serials(client.get(LIST, query_string=query, headers=bearer(secret))) == [late.serial]
    query = {"from": "2026-01-01", "to": "2026-01-31"}
    assert serials(client.get(LIST, query_string=query, headers=bearer(secret))) == []


def test_revoked_since_finds_revocations(client, world):
    """revoked_from lists what was revoked since a day, whenever it was issued."""
    made = world["certificates"]
    certificates.revoke(made["an"], "Sai thông tin")
    db.session.commit()
    secret = make_token()
    today = datetime.now(UTC).date()
    query = {"revoked_from": (today - timedelta(days=1)).isoformat()}
    assert serials(client.get(LIST, query_string=query, headers=bearer(secret))) == [
        made["an"].serial
    ]
    query = {"revoked_from": (today + timedelta(days=2)).isoformat()}
    assert serials(client.get(LIST, query_string=query, headers=bearer(secret))) == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"from": "31/12/2026"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "20261231"}, "to"),
        # A day whose UTC bounds fall outside Python's dates (found by the fuzzer: it was a 500).
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2026-12-31", "to": "2026-01-01"}, "from"),
        ({"revoked_from": "2026-12-31", "revoked_to": "2026-01-01"}, "revoked_from"),
        ({"status": "lost"}, "status"),
        ({"unit": "KHONG-CO"}, "unit"),
        ({"unit": "x" * 33}, "unit"),
        ({"official_code": "a\x00b"}, "official_code"),
        ({"official_code": "   "}, "official_code"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "forged"}, "cursor"),
    ],
)
def test_invalid_filters_are_400_with_a_message(client, world, query, parameter):
    """Each bad value is refused with 400, the parameter named and a message to read."""
    response = client.get(LIST, query_string=query, headers=bearer(make_token()))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["message"]
