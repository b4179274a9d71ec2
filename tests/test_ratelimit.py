"""Shared, atomic rate limits (lms.ratelimit) and the log-in throttle built on them: counts in
the database by default and in Redis when configured, checked and counted in one step, so that
under real concurrency (several processes, several threads) exactly `limit` hits get through.

Redis tests use LMS_TEST_REDIS_URL (default: database 3 of a local Redis), each under its own key
prefix; they are skipped when nothing answers there.
"""

import multiprocessing
import os
import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from lms import create_app, db
from lms.accounts import services
from lms.config import ConfigError
from lms.db import utcnow
from lms.ratelimit import Limit, RateCounter, RateLimiter, RedisStore
from tests.conftest import TEST_PASSWORD, csrf_token

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
WORKERS = 4
HITS_PER_WORKER = 10
LIMIT = Limit(10, 3600)


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in a reachable Redis; its keys are removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis answers at {REDIS_URL} (set LMS_TEST_REDIS_URL)")
    prefix = f"lms-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def limiter_of(app) -> RateLimiter:
    return app.extensions["lms"].rate_limiter


# --- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 per 15 minutes", Limit(10, 900)),
        ("5 per minute", Limit(5, 60)),
        ("100/day", Limit(100, 86400)),
        ("3 PER 2 HOURS", Limit(3, 7200)),
    ],
)
def test_limits_are_read_from_settings(text, expected):
    """The setting's wording ("10 per 15 minutes") becomes an amount and a window."""
    assert Limit.parse(text) == expected


@pytest.mark.parametrize("text", ["", "ten per minute", "0 per minute", "5 per 0 minutes", "5"])
def test_a_bad_limit_is_refused(text):
    """A limit that cannot be read is an error naming it, not a silent default."""
    with pytest.raises(ValueError, match="rate limit"):
        Limit.parse(text)


def test_a_bad_log_in_limit_refuses_to_start(monkeypatch):
    """An unreadable LMS_LOGIN_LIMIT stops the app with a message naming the setting."""
    monkeypatch.setenv("LMS_LOGIN_LIMIT", "ten a minute")
    with pytest.raises(ConfigError, match="LMS_LOGIN_LIMIT"):
        create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# --- the stores, one request at a time --------------------------------------------------------


@pytest.fixture(params=["database", "redis"])
def limiter(request, app):
    """The app's database limiter, or one counting in Redis under a prefix of its own."""
    if request.param == "database":
        return limiter_of(app)
    prefix = request.getfixturevalue("redis_prefix")
    return RateLimiter(RedisStore(REDIS_URL, prefix))


def test_hits_within_the_limit_pass_and_the_next_is_refused(limiter):
    """Three of "3 per hour" pass, the fourth does not; keys count apart."""
    limit = Limit(3, 3600)
    assert [limiter.hit("k", limit) for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("other", limit)


def test_undo_gives_a_hit_back(limiter):
    """A hit given back (a right password) leaves room for one more."""
    limit = Limit(2, 3600)
    assert limiter.hit("k", limit) and limiter.hit("k", limit)
    limiter.undo("k", limit)
    assert limiter.hit("k", limit)
    assert not limiter.hit("k", limit)


def test_undo_never_counts_below_zero(limiter):
    """Giving back more than was hit does not add room beyond the limit."""
    limit = Limit(1, 3600)
    limiter.undo("k", limit)
    limiter.undo("k", limit)
    assert [limiter.hit("k", limit) for _ in range(2)] == [True, False]


def test_a_database_window_starts_again_when_it_ends(app):
    """Once the window has passed, the count starts again from one."""
    limiter = limiter_of(app)
    limit = Limit(1, 900)
    assert limiter.hit("k", limit) and not limiter.hit("k", limit)
    db.session.execute(update(RateCounter).values(window_ends_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert limiter.hit("k", limit)
    row = db.session.scalar(select(RateCounter))
    assert row.count == 1 and row.window_ends_at > utcnow() + timedelta(minutes=14)


def test_a_redis_window_starts_again_when_it_ends(redis_prefix):
    """In Redis the window is the key's expiry: once it expires, the count starts again."""
    store = RedisStore(REDIS_URL, redis_prefix)
    limiter = RateLimiter(store)
    limit = Limit(1, 900)
    assert limiter.hit("k", limit) and not limiter.hit("k", limit)
    (key,) = store.client.scan_iter(f"{redis_prefix}:*")
    assert 899_000 < store.client.pttl(key) <= 900_000
    store.client.delete(key)
    assert limiter.hit("k", limit)


def test_redis_keys_carry_the_deployment_prefix(redis_prefix):
    """Two deployments sharing a Redis count apart, each under its own prefix."""
    limit = Limit(1, 3600)
    first = RateLimiter(RedisStore(REDIS_URL, redis_prefix))
    second = RateLimiter(RedisStore(REDIS_URL, f"{redis_prefix}:other"))
    assert first.hit("login:ip:10.0.0.1", limit)
    assert second.hit("login:ip:10.0.0.1", limit)
    keys = [key.decode() for key in first.store.client.scan_iter(f"{redis_prefix}:*")]
    assert len(keys) == 2 and all(key.startswith(f"{redis_prefix}:") for key in keys)
    assert not any("10.0.0.1" in key for key in keys)


def test_database_keys_are_not_stored_in_the_clear(app):
    """The table holds hashes, not usernames or addresses."""
    limiter_of(app).hit("login:account:nguyen.van.an", LIMIT)
    assert "nguyen" not in db.session.scalar(select(RateCounter.key))


# --- real concurrency: several processes at once ----------------------------------------------


def _hammer(settings: dict, key: str, barrier, results) -> None:
    """A separate process: its own app, waiting at the barrier, then HITS_PER_WORKER hits."""
    app = create_app(settings)
    limiter = app.extensions["lms"].rate_limiter
    barrier.wait()
    with app.app_context():
        results.put(sum(limiter.hit(key, LIMIT) for _ in range(HITS_PER_WORKER)))


def hammer_from_processes(settings: dict) -> int:
    """How many of WORKERS × HITS_PER_WORKER simultaneous hits the limiter let through."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    key = f"test:{uuid.uuid4().hex}"
    workers = [
        context.Process(target=_hammer, args=(settings, key, barrier, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    passed = sum(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return passed


def test_processes_sharing_the_database_pass_exactly_the_limit(app, database_url):
    """Four processes hitting one key 40 times at once through the database: exactly 10 pass
    (SQLite or PostgreSQL, whichever the suite runs on)."""
    settings = {"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": database_url, "LMS_REDIS_URL": None}
    assert hammer_from_processes(settings) == LIMIT.amount
    assert db.session.scalar(select(RateCounter.count)) == WORKERS * HITS_PER_WORKER


def test_processes_sharing_redis_pass_exactly_the_limit(database_url, redis_prefix):
    """The same through Redis: exactly 10 of 40 pass."""
    settings = {
        "SECRET_KEY": "k",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LMS_REDIS_URL": REDIS_URL,
        "LMS_REDIS_PREFIX": redis_prefix,
    }
    assert hammer_from_processes(settings) == LIMIT.amount


# --- the log-in throttle under parallel requests ----------------------------------------------


@pytest.fixture(params=["database", "redis"])
def login_app(request, app):
    """The test app counting in the database, or in Redis under a prefix of its own."""
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        app.extensions["lms"].throttle.limiter = RateLimiter(RedisStore(REDIS_URL, prefix))
    return app


def parallel_wrong_passwords(app, monkeypatch, requests: list[tuple[str, str]]) -> Counter:
    """Send every (username, address) log-in with a wrong password at once, from threads; returns
    the statuses, and how many passwords were checked under key "checked"."""
    checked = Counter()
    lock = threading.Lock()
    authenticate = services.authenticate

    def counting(username, password):
        with lock:
            checked["checked"] += 1
        return authenticate(username, password)

    monkeypatch.setattr(services, "authenticate", counting)
    clients = []
    for username, address in requests:
        client = app.test_client()
        clients.append((client, csrf_token(client, "/login"), username, address))
    barrier = threading.Barrier(len(clients))
    statuses = Counter()

    def post(client, token, username, address):
        barrier.wait()
        response = client.post(
            "/login",
            data={"csrf_token": token, "username": username, "password": "sai-mat-khau-roi"},
            environ_base={"REMOTE_ADDR": address},
        )
        with lock:
            statuses[response.status_code] += 1

    threads = [threading.Thread(target=post, args=args) for args in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses + checked


def test_parallel_guesses_at_one_account_check_exactly_ten_passwords(
    login_app, make_person, monkeypatch
):
    """The review's attack: 40 wrong passwords for one account at once (from 40 addresses);
    exactly 10 passwords are checked, the other 30 get 429."""
    make_person("hoa")
    requests = [("hoa", f"10.0.0.{n}") for n in range(40)]
    outcome = parallel_wrong_passwords(login_app, monkeypatch, requests)
    assert outcome == Counter({"checked": 10, 422: 10, 429: 30})


def test_parallel_guesses_from_one_address_check_exactly_ten_passwords(
    login_app, make_person, monkeypatch
):
    """40 wrong passwords at once from one address, each for another username: exactly 10."""
    requests = [(f"nguoi{n}", "203.0.113.7") for n in range(40)]
    outcome = parallel_wrong_passwords(login_app, monkeypatch, requests)
    assert outcome == Counter({"checked": 10, 422: 10, 429: 30})


def test_a_right_password_does_not_use_up_the_allowance(login_app, make_person):
    """Twelve good log-ins in a row from one office address are never throttled."""
    make_person("hoa")
    client = login_app.test_client()
    for _ in range(12):
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"csrf_token": token, "username": "hoa", "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})


def test_failed_log_ins_are_counted_even_though_the_request_rolls_back(app, make_person):
    """A failed log-in answers 422 (its request's changes roll back) yet its count stays."""
    make_person("hoa")
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"csrf_token": token, "username": "hoa", "password": "sai"})
    assert sorted(db.session.scalars(select(RateCounter.count))) == [1, 1]
