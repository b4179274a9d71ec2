"""Certificates as an outsider checks them: the signed snapshot verified with nothing but the
public JSON documents and `cryptography`; a tampered snapshot or PDF fails; revoked, replaced and
expired certificates say so; the PDF carries the Vietnamese text of the snapshot; later edits
never change an issued certificate; rotating the key keeps old certificates verifying.
"""

import base64
import hashlib
import io
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pypdf import PdfReader

from lms import db
from lms.accounts.models import LearnerProfile
from lms.certificates import services, signing
from lms.classes import enrolment as enrolments
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version


@pytest.fixture
def issued(app, make_unit, make_person):
    """A learner of the Sở Nội vụ who completed a class and got a certificate."""
    unit = make_unit("SNV", "Sở Nội vụ tỉnh Thử")
    learner = make_person(
        "tuyet", unit=unit, full_name="Nguyễn Thị Ánh Tuyết", position="Chuyên viên chính"
    )
    training_class = open_class(
        unit,
        "CCHC-01",
        version=small_version(title="Kỹ năng giao tiếp, ứng xử với người dân"),
        decision_number="12/QĐ-SNV",
    )
    enrolments.enrol(training_class, str(learner.id))
    make_template(unit)
    add_rule(training_class, "modules")
    with app.test_request_context(base_url=BASE_URL):
        finish_modules(training_class, learner)
    certificate = services.current_certificate(training_class.id, str(learner.id))
    assert certificate is not None, "completing the class issues the certificate at once"
    return certificate


def outsider_check(client, serial: str, pdf: bytes | None = None) -> bool:
    """Verify as an outside system would: only the two JSON documents and `cryptography`."""
    document = client.get(f"/verify/{serial}.json").get_json()
    keys = client.get("/verify/keys.json").get_json()["keys"]
    return check(document, keys, pdf)


def check(document: dict, keys: list[dict], pdf: bytes | None = None) -> bool:
    key = next(k for k in keys if k["key_id"] == document["key_id"])
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    signed = json.dumps(
        document["snapshot"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    try:
        public.verify(base64.b64decode(document["signature"]), signed)
    except InvalidSignature:
        return False
    return pdf is None or hashlib.sha256(pdf).hexdigest() == document["snapshot"]["pdf_sha256"]


def test_an_outsider_verifies_the_certificate_offline(client, issued):
    """The JSON snapshot's signature checks against keys.json, and the PDF against its hash."""
    pdf = client.get(f"/verify/{issued.serial}.pdf").data
    assert pdf.startswith(b"%PDF")
    assert outsider_check(client, issued.serial, pdf)
    keys = client.get("/verify/keys.json").get_json()["keys"]
    assert len(base64.b64decode(keys[0]["public_key"])) == 32


def test_the_snapshot_holds_the_contract_fields(client, issued):
    """serial, full_name, course_title, hours, issued_at, pdf_sha256 are in the snapshot."""
    document = client.get(f"/verify/{issued.serial}.json").get_json()
    assert set(document) == {"snapshot", "signature", "key_id"}
    snapshot = document["snapshot"]
    assert snapshot["serial"] == issued.serial
    assert snapshot["full_name"] == "Nguyễn Thị Ánh Tuyết"
    assert snapshot["course_title"] == "Kỹ năng giao tiếp, ứng xử với người dân"
    assert snapshot["hours"] == 3
    assert snapshot["issued_at"].endswith("Z")
    assert len(snapshot["pdf_sha256"]) == 64


@pytest.mark.parametrize(
    ("field", "value"),
    [("full_name", "Nguyễn Thị Ánh Tuyêt"), ("hours", 30), ("course_title", "Khóa khác")],
)
def test_a_tampered_snapshot_fails(client, issued, field, value):
    """Changing one fact (even one tone mark) breaks the signature."""
    document = client.get(f"/verify/{issued.serial}.json").get_json()
    keys = client.get("/verify/keys.json").get_json()["keys"]
    assert check(document, keys)
    document["snapshot"][field] = value
    assert not check(document, keys)


def test_a_tampered_pdf_fails(client, issued):
    """A PDF with one byte changed no longer matches the signed hash."""
    pdf = bytearray(client.get(f"/verify/{issued.serial}.pdf").data)
    pdf[len(pdf) // 2] ^= 0x01
    assert not outsider_check(client, issued.serial, bytes(pdf))


def test_the_pdf_prints_the_facts_in_vietnamese(issued):
    """The text extracted from the PDF has the name, course, serial and labels, all in NFC."""
    text = PdfReader(io.BytesIO(issued.pdf)).pages[0].extract_text()
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "Nguyễn Thị Ánh Tuyết",
        "Kỹ năng giao tiếp, ứng xử với người dân",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Chức vụ: Chuyên viên chính",
        "Số hiệu: " + issued.serial,
        "Quyết định số 12/QĐ-SNV",
        "Trần Văn Ký",
    ):
        assert expected in text
    page = PdfReader(io.BytesIO(issued.pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "A4 landscape"


def test_the_verify_page_shows_valid_facts_and_hash(client, issued):
    page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "Nguyễn Thị Ánh Tuyết" in page
    assert issued.pdf_sha256 in page
    assert "verdict-valid" in page


def test_a_revoked_certificate_shows_revoked(client, issued):
    """The page says revoked with date and reason; the JSON header says so too."""
    services.revoke(issued, "Cấp nhầm người", actor_id="1")
    db.session.commit()
    page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "verdict-revoked" in page and "Cấp nhầm người" in page
    response = client.get(f"/verify/{issued.serial}.json")
    assert response.headers["Certificate-Status"] == "revoked"


def test_reissue_links_old_and_new(app, client, issued):
    """A reissue gets a new serial; the old page says replaced by it; the new one says which
    it replaces; both still verify."""
    profile = db.session.get(LearnerProfile, issued.user_id)
    with app.test_request_context(base_url=BASE_URL):
        new = services.reissue(issued, "Sai chức vụ", actor_id="1")
    db.session.commit()
    assert new.serial != issued.serial and new.serial.endswith("-00002")
    old_page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "verdict-replaced" in old_page and new.serial in old_page
    assert client.get(f"/verify/{new.serial}.json").get_json()["snapshot"]["replaces"] == (
        issued.serial
    )
    assert outsider_check(client, issued.serial) and outsider_check(client, new.serial)
    assert profile.full_name == "Nguyễn Thị Ánh Tuyết"


def test_profile_and_template_edits_never_change_an_issued_certificate(client, issued):
    """The stored PDF and snapshot stay byte for byte after the learner's name changes."""
    before_pdf, before_json = issued.pdf, issued.snapshot_json
    db.session.get(LearnerProfile, issued.user_id).full_name = "Tên Đã Đổi"
    db.session.commit()
    assert client.get(f"/verify/{issued.serial}.pdf").data == before_pdf
    snapshot = client.get(f"/verify/{issued.serial}.json").get_json()["snapshot"]
    assert signing.canonical_json(snapshot) == before_json


def test_rotating_the_key_keeps_old_certificates_verifying(app, client, issued, make_person):
    """A new key signs from now on; keys.json lists both; the old certificate still verifies."""
    signer = signing.new_key()
    db.session.commit()
    signing.install(signer)
    assert signing.current_signer().key_id == signer.key_id != issued.key_id
    keys = client.get("/verify/keys.json").get_json()["keys"]
    assert {key["key_id"] for key in keys} == {issued.key_id, signer.key_id}
    assert outsider_check(client, issued.serial)


def test_unknown_serial_is_a_404_page_that_says_so(client):
    response = client.get("/verify/SNV-2026-99999")
    assert response.status_code == 404
    assert "SNV-2026-99999" in response.get_data(as_text=True)
    assert client.get("/verify/SNV-2026-99999.json").status_code == 404
    assert client.get("/verify/nonsense%20serial.pdf").status_code == 404


def test_the_search_box_opens_the_serial(client, issued):
    response = client.get("/verify/", query_string={"serial": f"  {issued.serial} "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/verify/{issued.serial}")


def test_verify_is_rate_limited_per_address(app, client, issued):
    """Past the limit the address gets 429, known serial or not (no enumeration)."""
    app.config["LMS_VERIFY_LIMIT"] = "5 per minute"
    statuses = [client.get(f"/verify/SNV-2026-{n:05d}").status_code for n in range(1, 8)]
    assert statuses[:5] == [200, 404, 404, 404, 404]
    assert statuses[5:] == [429, 429]
    other = app.test_client()
    other_status = other.get(
        f"/verify/{issued.serial}", environ_base={"REMOTE_ADDR": "10.0.0.9"}
    ).status_code
    assert other_status == 200
