"""Serial numbers under concurrent issuers: several processes issue certificates of the same
unit at once on PostgreSQL (the database a multi-worker deployment uses); every serial is unique
and the sequence has no gap. Skipped on SQLite, whose one writer at a time cannot race.
"""

import multiprocessing
import os
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from lms import create_app, db
from lms.certificates import services, settings, signing
from lms.certificates.models import Certificate
from lms.classes import enrolment as enrolments
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version

PROCESSES = 4
PER_PROCESS = 5

pytestmark = pytest.mark.skipif(
    not (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="concurrent issuers need PostgreSQL (set LMS_TEST_DATABASE_URL)",
)


def _issuer(url: str, key: str, class_id: int, user_ids: list[str], start, results) -> None:
    """One issuing process: its own app and connection, released with the others at once."""
    app = create_app(
        {
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": url,
            "LMS_PUBLIC_URL": BASE_URL,
            "LMS_SIGNING_KEY_FILE": key,
        }
    )
    with app.app_context():
        start.wait()
        serials = []
        for user_id in user_ids:
            serials.append(services.issue(class_id, user_id).serial)
            db.session.commit()
        results.put(serials)


def test_concurrent_issuers_never_share_or_skip_a_serial(app, make_unit, make_person, tmp_path):
    unit = make_unit("SNV", "Sở Nội vụ")
    training_class = open_class(unit, "SONG-SONG", version=small_version())
    make_template(unit)
    learners = [make_person(unit=unit) for _ in range(PROCESSES * PER_PROCESS)]
    for learner in learners:
        enrolments.enrol(training_class, str(learner.id))
    db.session.commit()
    settings.save_policy(training_class, settings.PolicyChoice(auto_issue=False), "")
    add_rule(training_class, "modules")
    for learner in learners:
        finish_modules(training_class, learner)
    key = tmp_path / "signing.pem"
    signing.write_key_file(key, Ed25519PrivateKey.generate())
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    ids = [str(learner.id) for learner in learners]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        context.Process(
            target=_issuer,
            args=(url, str(key), training_class.id, ids[n::PROCESSES], start, results),
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    serials = [serial for _ in workers for serial in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(serials) == len(set(serials)) == PROCESSES * PER_PROCESS
    numbers = sorted(int(re.match(r"SNV-\d{4}-(\d+)$", s).group(1)) for s in serials)
    assert numbers == list(range(1, PROCESSES * PER_PROCESS + 1))
    stored = db.session.scalars(select(Certificate.serial)).all()
    assert sorted(stored) == sorted(serials)
