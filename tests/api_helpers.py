"""Set-up shared by the API tests: a province of units, tokens, officials, certificates and
completions made directly (no PDF to render, any time wanted), and a real HTTP receiver of
webhooks on 127.0.0.1.
"""

import hashlib
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Unit
from lms.api import tokens
from lms.certificates.models import Certificate, Completion, SigningKey
from lms.classes import enrolment as enrolments
from lms.classes.models import TrainingClass
from lms.db import utcnow
from tests.access.classes import open_class, small_version

KEY_ID = "api-test-key"


def at(day: str) -> datetime:
    """Noon in Vietnam (05:00 UTC) of an ISO day."""
    return datetime.fromisoformat(f"{day}T05:00:00+00:00")


def units(make_unit) -> dict[str, Unit]:
    """TINH ⊃ SO-A ⊃ PHONG-A1, and TINH ⊃ SO-B."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=province)
    return {
        "province": province,
        "unit_a": unit_a,
        "division_a": make_unit("PHONG-A1", "Phòng A1", parent=unit_a, kind="division"),
        "unit_b": make_unit("SO-B", "Sở B", parent=province),
    }


def make_token(scopes=("certificates:read", "records:read"), unit=None, name=None) -> str:
    """A new token's secret (committed)."""
    name = name or f"Hệ thống {len(tokens.all_tokens()) + 1}"
    created = tokens.create(name, list(scopes), unit)
    db.session.commit()
    return created.secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


def make_official(code: str, unit: Unit | None, full_name: str | None = None) -> str:
    """A learner profile (of a host's user) with an official code; its user id."""
    user_id = f"host-{code}"
    accounts.save_profile(
        user_id, full_name=full_name or f"Công chức {code}", official_code=code, unit=unit
    )
    db.session.commit()
    return user_id


def make_class(unit: Unit, code: str, periods: int = 3) -> TrainingClass:
    """A class of `unit` whose course counts `periods` periods (one per module)."""
    version = small_version(slug=f"khoa-{code.lower()}", required=(True,) * periods)
    return open_class(unit, code, version=version)


def _signing_key() -> str:
    if db.session.get(SigningKey, KEY_ID) is None:
        db.session.add(SigningKey(key_id=KEY_ID, public_key="dGVzdA=="))
        db.session.flush()
    return KEY_ID


def make_certificate(
    user_id: str,
    training_class: TrainingClass,
    issued_at: datetime | None = None,
    serial: str | None = None,
    **fields,
) -> Certificate:
    """A certificate row as `certificates.services.issue` leaves it (signature not real)."""
    issued_at = issued_at or utcnow() - timedelta(days=1)
    serial = serial or f"{training_class.unit.code}-{issued_at.year}-{next_number():05d}"
    snapshot = {
        "serial": serial,
        "full_name": f"Tên in trên giấy {user_id}",
        "course_title": training_class.course_version.title,
        "hours": training_class.course_version.hours,
        "issued_at": issued_at.isoformat(),
        "verify_url": f"https://lms.example.vn/verify/{serial}",
        "pdf_sha256": hashlib.sha256(serial.encode()).hexdigest(),
    }
    certificate = Certificate(
        serial=serial,
        class_id=training_class.id,
        user_id=user_id,
        unit_id=training_class.unit_id,
        issued_at=issued_at,
        snapshot_json=json.dumps(snapshot, sort_keys=True, separators=(",", ":")),
        signature="c2lnbmF0dXJl",
        key_id=_signing_key(),
        pdf_sha256=snapshot["pdf_sha256"],
        pdf=b"%PDF-1.4",
        is_current=True,
        **fields,
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


_numbers = iter(range(50_001, 10**6))


def next_number() -> int:
    return next(_numbers)


def make_completion(
    user_id: str, training_class: TrainingClass, completed_at: datetime
) -> Completion:
    """The learner enrolled in the class and completed it at `completed_at`."""
    if enrolments.find_enrolment(training_class, user_id) is None:
        enrolments.enrol(training_class, user_id)
    completion = Completion(
        class_id=training_class.id,
        user_id=user_id,
        completed_at=completed_at,
        outcomes=[],
        evaluated_at=completed_at,
    )
    db.session.add(completion)
    db.session.commit()
    return completion


def walk(client, url: str, headers: dict, query=None, limit: int = 2) -> list[dict]:
    """Every item of a paged list, following next_cursor while has_more."""
    items, cursor = [], None
    while True:
        params = (query or {}) | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get(url, query_string=params, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert len(body["data"]) <= limit
        items.extend(body["data"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return items


class Receiver:
    """A real HTTP server on 127.0.0.1 recording every POST and answering with the statuses it
    is given, one per request (then 200)."""

    def __init__(self, statuses=()) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/lms-hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
