"""Certificates under concurrent writers on PostgreSQL (the database a multi-worker deployment
uses): several processes issue certificates of the same unit at once, and every serial is unique
with no gap in the sequence; two changes of one learner's standing commit at once, and the
standing stored counts both; a whole class's re-evaluation waits for one learner's. Skipped on
SQLite, whose one writer at a time cannot race.
"""

import multiprocessing
import os
import re
import threading
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from lms import create_app, db
from lms.certificates import completion, services, settings, signing, signoffs
from lms.certificates.models import Certificate, Completion
from lms.classes import enrolment as enrolments
from lms.courses import progress
from lms.courses.models import Module
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


def _waits_for_a_lock(seconds: float = 10) -> bool:
    """Whether a connection to the test database waits for a lock, within `seconds`: asked
    again in a new transaction each time (PostgreSQL keeps what pg_stat_activity shows for the
    rest of a transaction)."""
    deadline = time.monotonic() + seconds
    with db.session.get_bind().connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            connection.rollback()
            if waiting:
                return True
            time.sleep(0.02)
    return False


def _at_once(app, first, second) -> list[BaseException]:
    """Run `first` in a request until it has written (not committed), then `second` in another;
    commit the first once the second waits for a lock the first holds (with the completion
    lock, its enrolment's; without, the standing the first wrote, after reading without the
    first's change). Returns what either raised."""
    written, commit_now = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def in_a_request(work, hold: bool) -> None:
        with app.test_request_context(base_url=BASE_URL):
            try:
                work()
                if hold:
                    written.set()
                    commit_now.wait(10)
                db.session.commit()
            except BaseException as error:  # reported by the test, not lost in the thread
                failures.append(error)
            finally:
                written.set()
                db.session.remove()

    held = threading.Thread(target=in_a_request, args=(first, True))
    held.start()
    assert written.wait(10)
    other = threading.Thread(target=in_a_request, args=(second, False))
    other.start()
    assert _waits_for_a_lock(), "the second never met the first's locks"
    commit_now.set()
    held.join(10)
    other.join(10)
    assert not held.is_alive() and not other.is_alive()
    return failures


def test_two_changes_of_one_learner_at_once_leave_both_counted(app, make_unit, make_person):
    """A trainer signs a learner off while the learner finishes the last required module, in two
    transactions at the same moment. The second evaluation waits for the first to commit (the
    learner's enrolment row is locked) and then reads it: the learner, who met both rules, is
    stored complete. Without the wait each evaluation missed the other's change, and the one
    committed last stored the learner incomplete."""
    unit = make_unit("SNV", "Sở Nội vụ")
    trainer, learner = make_person(unit=unit), make_person(unit=unit)
    training_class = open_class(unit, "DONG-THOI", version=small_version())
    enrolments.enrol(training_class, str(learner.id))
    db.session.commit()
    add_rule(training_class, "signoff")
    add_rule(training_class, "modules")
    class_id, user_id, trainer_id = training_class.id, str(learner.id), str(trainer.id)
    *done, last = db.session.scalars(
        select(Module).where(
            Module.version_id == training_class.course_version_id, Module.required.is_(True)
        )
    ).all()
    for module in done:
        progress.complete_module(progress.find_enrolment(class_id, user_id), module)
    db.session.commit()
    last_id = last.id

    def sign_off() -> None:
        signoffs.sign_off(class_id, user_id, trainer_id)

    def finish_the_last_module() -> None:
        enrolment = progress.find_enrolment(class_id, user_id)
        progress.complete_module(enrolment, db.session.get(Module, last_id))

    failures = _at_once(app, sign_off, finish_the_last_module)
    assert not failures, failures
    db.session.expire_all()
    standing = db.session.scalars(
        select(Completion).where(Completion.class_id == class_id, Completion.user_id == user_id)
    ).one()
    assert [outcome["met"] for outcome in standing.outcomes] == [True, True]
    assert standing.completed_at is not None


def test_a_whole_class_evaluation_waits_for_a_learner_being_evaluated(app, make_unit, make_person):
    """An organizer's change re-evaluates the whole class (a rule edited, an attendance list
    imported: here the evaluation itself) while a trainer signs one learner off. The class's
    evaluation waits for the sign-off to commit (it locks every learner's enrolment row, as a
    learner's own evaluation does) and then counts it: the learner is stored complete. Without
    the wait it read the learner unsigned and, committed last, stored that."""
    unit = make_unit("SNV", "Sở Nội vụ")
    trainer = make_person(unit=unit)
    learners = [make_person(unit=unit) for _ in range(3)]
    training_class = open_class(unit, "CA-LOP", version=small_version())
    for learner in learners:
        enrolments.enrol(training_class, str(learner.id))
    db.session.commit()
    add_rule(training_class, "signoff")
    class_id, trainer_id = training_class.id, str(trainer.id)
    user_id = str(learners[1].id)

    def sign_off() -> None:
        signoffs.sign_off(class_id, user_id, trainer_id)

    def evaluate_the_class() -> None:
        completion.evaluate(class_id)

    failures = _at_once(app, sign_off, evaluate_the_class)
    assert not failures, failures
    db.session.expire_all()
    stored = dict(
        db.session.execute(
            select(Completion.user_id, Completion.completed_at).where(
                Completion.class_id == class_id
            )
        ).all()
    )
    assert stored[user_id] is not None
    assert [stored[str(learner.id)] for learner in learners if str(learner.id) != user_id] == [
        None,
        None,
    ]
