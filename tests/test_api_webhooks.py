"""Webhooks end to end, with a real receiver on 127.0.0.1: endpoints created, listed and deleted
over the API; a certificate issued or revoked reaches the endpoints of the learner's units,
signed; failures are retried with growing waits, then given up and sent again by hand; the
README's verification accepts real deliveries and rejects a tampered body or an old timestamp.
"""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.api import tokens
from lms.api.models import WebhookDelivery
from lms.api.webhooks import delivery, endpoints, signing, targets
from lms.certificates import services as certificates
from lms.certificates.models import CertificatePolicy
from lms.classes import enrolment as enrolments
from lms.db import utcnow
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version
from tests.api_helpers import Receiver, bearer, make_token, units
from tests.conftest import repo_root

HOOKS = "/api/v1/webhooks"
MANAGE = ("webhooks:manage", "certificates:read")


def readme_verifier():
    """The `verify_webhook` function exactly as the README shows it."""
    readme = (repo_root() / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hashlib\n.*?def verify_webhook.*?)```", readme, re.S)
    namespace: dict = {}
    exec(block.group(1), namespace)
    return namespace["verify_webhook"]


@pytest.fixture
def receiver(app):
    """A receiver on 127.0.0.1, which the configuration allows (http, loopback)."""
    app.config["LMS_WEBHOOK_ALLOW_HTTP"] = True
    app.config["LMS_WEBHOOK_ALLOWED_NETWORKS"] = ["127.0.0.1/32"]
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def world(app, make_unit, make_person):
    """Learners of A and B who completed their classes' modules; certificates not yet issued."""
    tree = units(make_unit)
    make_template(tree["province"])
    learners, classes = {}, {}
    for key, unit in (("a", tree["unit_a"]), ("b", tree["unit_b"])):
        learners[key] = make_person(f"hocvien{key}", unit=unit, official_code=f"CC-{key}")
        classes[key] = open_class(unit, f"LOP-{key.upper()}", version=small_version(f"khoa-{key}"))
        enrolments.enrol(classes[key], str(learners[key].id))
        add_rule(classes[key], "modules")
        # No automatic issue: the tests issue when they are ready to watch.
        db.session.add(CertificatePolicy(class_id=classes[key].id, auto_issue=False))
        db.session.commit()
        finish_modules(classes[key], learners[key])
    return {"units": tree, "learners": learners, "classes": classes}


def issue(app, world, key: str):
    """Issue the learner's certificate and commit, as the organizer's button does."""
    with app.test_request_context(base_url=BASE_URL):
        certificate = certificates.issue(
            world["classes"][key].id, str(world["learners"][key].id), base_url=BASE_URL
        )
        db.session.commit()
    return certificate


def create_endpoint(client, secret: str, url: str) -> dict:
    response = client.post(HOOKS, json={"url": url}, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


# --- where webhooks may go ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[fe80::1]/",
        "https://[2002:7f00:1::1]/",
        "https://[64:ff9b::a00:1]/",
        "https://2130706433/",
        "https://0x7f.0.0.1/",
        "https://user:pw@8.8.8.8/",
        "https://8.8.8.8/#part",
        "javascript:alert(1)",
        "https://8.8.8.8/a b",
        "",
    ],
)
def test_targets_outside_the_public_internet_are_refused(client, world, url):
    """https only, public addresses only, however the address is written."""
    secret = make_token(scopes=MANAGE)
    response = client.post(HOOKS, json={"url": url}, headers=bearer(secret))
    assert response.status_code == 400, url
    assert response.get_json()["error"]["code"] == "invalid_url"


def test_a_public_https_address_is_accepted(client, world):
    """A literal public address needs no name lookup and passes."""
    created = create_endpoint(client, make_token(scopes=MANAGE), "https://8.8.8.8/lms?k=1")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["certificate.issued", "certificate.revoked"]


def test_every_address_of_a_name_is_checked(client, world, monkeypatch):
    """A name resolving to one public and one private address is refused."""
    monkeypatch.setattr(targets, "_resolve", lambda host, port: ["8.8.8.8", "10.0.0.7"])
    response = client.post(
        HOOKS, json={"url": "https://hooks.example.org/"}, headers=bearer(make_token(scopes=MANAGE))
    )
    assert response.status_code == 400
    assert "10.0.0.7" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        "https://8.8.8.8/",
        {"url": 42},
        {"url": "https://8.8.8.8/", "events": "certificate.issued"},
        {"url": "https://8.8.8.8/", "events": ["certificate.lost"]},
        {"url": "https://8.8.8.8/", "secret": "mine"},
        {"url": "https://8.8.8.8/", "description": "x" * 256},
    ],
)
def test_bad_bodies_are_400(client, world, body):
    response = client.post(HOOKS, json=body, headers=bearer(make_token(scopes=MANAGE)))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in {"invalid_body", "invalid_url"}


@pytest.mark.parametrize("raw", ["[" * 50_000, "{not json", "[" * 40 + "]" * 40])
def test_unreadable_or_deep_bodies_are_400_not_500(client, world, raw):
    """Issue 9 §3: a body the parser cannot take (or nested past any real one) is a clear 400."""
    headers = {**bearer(make_token(scopes=MANAGE)), "Content-Type": "application/json"}
    response = client.post(HOOKS, data=raw, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"


# --- managing endpoints ---------------------------------------------------------------------------


def test_create_list_read_the_log_and_delete(client, world):
    """The secret is shown at creation only; a deleted endpoint is gone from the list."""
    secret = make_token(scopes=MANAGE)
    created = create_endpoint(client, secret, "https://8.8.8.8/hook")
    listed = client.get(HOOKS, headers=bearer(secret)).get_json()["data"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    log = client.get(f"{HOOKS}/{created['id']}/deliveries", headers=bearer(secret))
    assert log.get_json()["data"] == []
    assert client.delete(f"{HOOKS}/{created['id']}", headers=bearer(secret)).status_code == 204
    assert client.get(HOOKS, headers=bearer(secret)).get_json()["data"] == []
    assert client.delete(f"{HOOKS}/{created['id']}", headers=bearer(secret)).status_code == 404


def test_another_units_endpoint_is_404(client, world):
    """B's token cannot see, read or delete the endpoint A's token made."""
    a_token = make_token(scopes=MANAGE, unit=world["units"]["unit_a"])
    b_token = make_token(scopes=MANAGE, unit=world["units"]["unit_b"])
    created = create_endpoint(client, a_token, "https://8.8.8.8/hook")
    assert client.get(HOOKS, headers=bearer(b_token)).get_json()["data"] == []
    for method, url in (
        ("delete", f"{HOOKS}/{created['id']}"),
        ("get", f"{HOOKS}/{created['id']}/deliveries"),
    ):
        assert getattr(client, method)(url, headers=bearer(b_token)).status_code == 404
    whole = make_token(scopes=MANAGE)
    assert [
        item["unit"] for item in client.get(HOOKS, headers=bearer(whole)).get_json()["data"]
    ] == ["SO-A"]


def test_creating_needs_both_scopes(client, world):
    """webhooks:manage alone may list but not create: the payloads carry certificates."""
    secret = make_token(scopes=("webhooks:manage",))
    assert client.get(HOOKS, headers=bearer(secret)).status_code == 200
    response = client.post(HOOKS, json={"url": "https://8.8.8.8/"}, headers=bearer(secret))
    assert response.status_code == 403


# --- deliveries -----------------------------------------------------------------------------------


def test_an_issued_certificate_reaches_the_endpoints_of_its_units_signed(
    app, client, world, receiver
):
    """A's endpoint gets A's learner's certificate, signed; B's learner's does not go there."""
    secret = make_token(scopes=MANAGE, unit=world["units"]["unit_a"])
    created = create_endpoint(client, secret, receiver.url)
    certificate = issue(app, world, "a")
    issue(app, world, "b")
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert readme_verifier()(created["secret"], headers, body)
    event = json.loads(body)
    assert event["type"] == "certificate.issued" == headers["X-LMS-Event"]
    assert event["id"] == headers["X-LMS-Event-Id"]
    assert event["data"]["certificate"]["serial"] == certificate.serial
    assert event["data"]["certificate"]["official"]["official_code"] == "CC-a"
    [sent] = deliveries()
    assert (sent.status, sent.attempts, sent.last_status_code) == ("delivered", 1, 200)


def test_a_revocation_is_sent_with_its_reason(app, client, world, receiver):
    secret = make_token(scopes=MANAGE)
    create_endpoint(client, secret, receiver.url)
    certificate = issue(app, world, "a")
    with app.test_request_context():
        certificates.revoke(db.session.get(type(certificate), certificate.id), "Cấp nhầm")
        db.session.commit()
    event = json.loads(receiver.requests[-1][1])
    assert event["type"] == "certificate.revoked"
    assert event["data"]["certificate"]["status"] == "revoked"
    assert event["data"]["certificate"]["revoked"]["reason"] == "Cấp nhầm"


def test_nothing_is_sent_for_a_change_rolled_back(app, client, world, receiver):
    """The outbox row lives in the change's transaction: no commit, no event."""
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    with app.test_request_context(base_url=BASE_URL):
        certificates.issue(
            world["classes"]["a"].id, str(world["learners"]["a"].id), base_url=BASE_URL
        )
        db.session.rollback()
    assert deliveries() == []
    assert receiver.requests == []


def test_failures_are_retried_with_growing_waits(app, client, world, receiver):
    """500, then 503, then 200: three attempts, 1 then 2 minutes apart, one body."""
    receiver.statuses = [500, 503]
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    issue(app, world, "a")
    [first] = deliveries()
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    started = first.last_attempt_at
    assert first.next_attempt_at == started + timedelta(minutes=1)
    assert delivery.deliver_due(now=started + timedelta(seconds=30)).retrying == 0
    report = delivery.deliver_due(now=started + timedelta(seconds=61))
    assert report.retrying == 1
    [second] = deliveries()
    assert second.last_error == "HTTP 503"
    assert second.next_attempt_at == started + timedelta(seconds=61) + timedelta(minutes=2)
    assert delivery.deliver_due(now=second.next_attempt_at).delivered == 1
    [done] = deliveries()
    assert (done.status, done.attempts, done.last_status_code) == ("delivered", 3, 200)
    bodies = {body for _, body in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1


def test_after_the_last_attempt_it_fails_and_can_be_sent_again(
    app, client, world, receiver, make_person
):
    """Past LMS_WEBHOOK_MAX_ATTEMPTS it is failed; an admin's "send again" delivers it."""
    app.config["LMS_WEBHOOK_MAX_ATTEMPTS"] = 2
    receiver.statuses = [500, 500]
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    issue(app, world, "a")
    delivery.deliver_due(now=utcnow() + timedelta(minutes=2))
    [failed] = deliveries()
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert delivery.deliver_due(now=utcnow() + timedelta(days=1)).failed == 0
    endpoints.send_again(failed)
    db.session.commit()
    [again] = deliveries()
    assert (again.status, again.attempts) == ("delivered", 3)


def test_an_unreachable_receiver_is_logged_and_retried(app, client, world, receiver):
    """A refused connection is an attempt like a 500: its error is in the log."""
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    receiver.close()
    issue(app, world, "a")
    [waiting] = deliveries()
    assert waiting.status == "pending" and waiting.attempts == 1
    assert "Connection" in waiting.last_error and waiting.last_status_code is None


def test_a_target_refused_at_delivery_time_gets_nothing(app, client, world, receiver):
    """The address is checked again before sending: once loopback is no longer allowed (or a
    name now points inside), nothing is sent there."""
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    app.config["LMS_WEBHOOK_ALLOWED_NETWORKS"] = []
    issue(app, world, "a")
    [waiting] = deliveries()
    assert receiver.requests == []
    assert "127.0.0.1" in waiting.last_error and waiting.status == "pending"


def test_the_readme_verification_rejects_tampering_and_replays(app, client, world, receiver):
    """A real delivery verifies; the same with a changed body, an old timestamp (even properly
    signed: a replay of a captured delivery) or another secret does not."""
    created = create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    issue(app, world, "a")
    verify = readme_verifier()
    headers, body = receiver.requests[0]
    assert verify(created["secret"], headers, body)
    assert not verify(created["secret"], headers, body.replace(b"valid", b"VALID"))
    assert not verify("whsec_another", headers, body)
    old = str(int(headers["X-LMS-Timestamp"]) - 600)
    replayed = headers | {
        "X-LMS-Timestamp": old,
        "X-LMS-Signature": signing.signature(created["secret"], old, body),
    }
    assert not verify(created["secret"], replayed, body)
    assert not verify(created["secret"], headers | {"X-LMS-Timestamp": "soon"}, body)


def test_deleting_an_endpoint_cancels_what_waits(app, client, world, receiver):
    receiver.statuses = [500]
    secret = make_token(scopes=MANAGE)
    created = create_endpoint(client, secret, receiver.url)
    issue(app, world, "a")
    assert client.delete(f"{HOOKS}/{created['id']}", headers=bearer(secret)).status_code == 204
    [cancelled] = deliveries()
    assert cancelled.status == "cancelled"
    assert delivery.deliver_due(now=utcnow() + timedelta(hours=1)).delivered == 0


def test_revoking_the_token_stops_its_endpoints(app, client, world, receiver):
    """An integration shut out by revoking its token receives nothing more either."""
    secret = make_token(scopes=MANAGE)
    create_endpoint(client, secret, receiver.url)
    tokens.revoke(tokens.find_active(secret))
    db.session.commit()
    issue(app, world, "a")
    assert receiver.requests == [] and deliveries() == []


def test_the_command_line_sends_what_is_due(app, client, world, receiver):
    """`lms webhooks deliver` is the cron twin of the worker's sweep."""
    receiver.statuses = [500]
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    issue(app, world, "a")
    [waiting] = deliveries()
    waiting.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert deliveries()[0].status == "delivered"


def test_a_claimed_delivery_is_not_sent_twice(app, client, world, receiver):
    """Two senders finding the same due row: only the one whose claim lands sends it."""
    receiver.statuses = [500]
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)
    issue(app, world, "a")
    [waiting] = deliveries()
    now = waiting.next_attempt_at
    assert delivery.claim(waiting.id, now) is True
    assert delivery.claim(waiting.id, now) is False
    assert delivery.deliver_due(now=now).delivered == 0


def test_a_queue_that_is_down_fails_nothing(app, client, world, receiver, monkeypatch, caplog):
    """The certificate and its outbox row commit even when the queue cannot be asked; the
    sweep sends the delivery later."""
    create_endpoint(client, make_token(scopes=MANAGE), receiver.url)

    def down(app):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(delivery, "enqueue", down)
    certificate = issue(app, world, "a")
    assert certificate.id is not None
    [waiting] = deliveries()
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert "could not queue" in caplog.text
    assert delivery.deliver_due().delivered == 1
    assert receiver.requests
