"""External training added by an organizer with its evidence: the scan is checked by size and
by its first bytes (PDF, JPEG, PNG), kept in the instance folder, served only to the official
and the organizers of their unit, and every addition and removal is audited."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.records.models import ExternalTraining
from tests.conftest import csrf_token, login

PDF = b"%PDF-1.4\n" + b"0" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


@pytest.fixture
def world(app, make_unit, make_person):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=province)
    unit_b = make_unit("SO-B", "Sở B", parent=province)
    return {
        "learner": make_person("hocvien", unit=unit_a, full_name="Nguyễn Văn An"),
        "other": make_person("hocvien2", unit=unit_a),
        "organizer_a": make_person("tochuca", Role.ORGANIZER, unit_a),
        "organizer_b": make_person("tochucb", Role.ORGANIZER, unit_b),
    }


def form(token: str, scan: tuple[bytes, str] | None = None, **fields) -> dict:
    data = {
        "csrf_token": token,
        "kind": "university",
        "title": "Thạc sĩ Quản lý công",
        "provider": "Học viện Hành chính Quốc gia",
        "starts_on": "01/09/2024",
        "ends_on": "30/06/2026",
        "periods": "600",
        "result": "Giỏi",
        "evidence_number": "1234/QĐ-HCQG",
    } | fields
    if scan is not None:
        data["scan"] = (io.BytesIO(scan[0]), scan[1])
    return data


def post(client, user_id: str, data: dict):
    return client.post(
        f"/records/people/{user_id}/external", data=data, content_type="multipart/form-data"
    )


def test_organizer_adds_external_training_with_a_scan(app, world):
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    response = post(client, user_id, form(token, (PDF, "quyet-dinh.pdf")))
    assert response.status_code == 303
    item = db.session.scalar(select(ExternalTraining))
    assert (item.user_id, item.periods, item.scan_type, item.scan_size) == (
        user_id,
        600,
        "application/pdf",
        len(PDF),
    )
    stored = Path(app.instance_path) / "records" / item.scan_sha256[:2] / item.scan_sha256
    assert stored.read_bytes() == PDF
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "records.external.add"))
    assert event.after["evidence_number"] == "1234/QĐ-HCQG"
    assert event.actor_id == str(world["organizer_a"].id)
    html = client.get(f"/records/people/{user_id}").get_data(as_text=True)
    assert "Thạc sĩ Quản lý công" in html and "Ngoài hệ thống" in html


@pytest.mark.parametrize(
    ("content", "name", "status", "message"),
    [
        (b"MZ\x90\x00 not a document", "quyet-dinh.pdf", 422, "PDF, JPEG hoặc PNG"),
        (b"<svg onload=alert(1)>", "anh.png", 422, "PDF, JPEG hoặc PNG"),
        (b"", "trong.pdf", 422, "trống"),
    ],
)
def test_scans_are_checked_by_their_bytes(app, world, content, name, status, message):
    """A file that is not really a PDF, JPEG or PNG is refused whatever its name, and so is an
    empty one; nothing is written."""
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    response = post(client, user_id, form(token, (content, name)))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(ExternalTraining)) is None


def test_without_a_scan_the_number_is_the_evidence(app, world):
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    assert post(client, user_id, form(token)).status_code == 303
    assert db.session.scalar(select(ExternalTraining)).scan_sha256 == ""


def test_a_scan_too_large_is_refused(app, world):
    app.config["LMS_RECORDS_SCAN_MAX_BYTES"] = 1024
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    response = post(client, user_id, form(token, (JPEG + b"0" * 2048, "bia.jpg")))
    assert response.status_code == 413
    assert "lớn hơn" in response.get_data(as_text=True)
    assert db.session.scalar(select(ExternalTraining)) is None


def test_bad_fields_are_refused_in_vietnamese(app, world):
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    for fields in (
        {"periods": "0"},
        {"periods": "99999999999999999999"},
        {"ends_on": "31/02/2026"},
        {"kind": "moon"},
        {"starts_on": "01/07/2026", "ends_on": "01/01/2026"},
        {"evidence_number": ""},
    ):
        response = post(client, user_id, form(token, **fields))
        assert response.status_code == 422, fields
    assert db.session.scalar(select(ExternalTraining)) is None


def test_scan_is_served_only_in_scope(app, world):
    client = login(app.test_client(), world["organizer_a"])
    user_id = str(world["learner"].id)
    token = csrf_token(client, f"/records/people/{user_id}/external")
    post(client, user_id, form(token, (JPEG, "bia.jpg")))
    item_id = db.session.scalar(select(ExternalTraining.id))
    url = f"/records/external/{item_id}/scan"
    own = login(app.test_client(), world["learner"]).get(url)
    assert own.status_code == 200 and own.data == JPEG
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert own.headers["Cache-Control"] == "no-store"
    assert client.get(url).status_code == 200
    assert login(app.test_client(), world["other"]).get(url).status_code == 403
    assert login(app.test_client(), world["organizer_b"]).get(url).status_code == 403
    # Organizer B may not add to, nor remove from, a record outside their units.
    other = login(app.test_client(), world["organizer_b"])
    token_b = csrf_token(other, "/records/targets")
    assert post(other, user_id, form(token_b)).status_code == 403
    removed = other.post(f"/records/external/{item_id}/delete", data={"csrf_token": token_b})
    assert removed.status_code == 403
    assert (
        client.post(f"/records/external/{item_id}/delete", data={"csrf_token": token}).status_code
        == 303
    )
    assert (
        db.session.scalar(
            select(AuditEvent.before).where(AuditEvent.action == "records.external.delete")
        )["periods"]
        == 600
    )
