"""Rate limits every worker and machine share: "hit this key under this limit: allowed?" as one
atomic step, so parallel requests can never all pass a check before any of them is counted.

Counts live in the database (`lms_rate_limits`, one UPSERT … RETURNING in its own short
transaction, on SQLite and PostgreSQL) unless LMS_REDIS_URL names a Redis, where one Lua script
does the same (keys prefixed with LMS_REDIS_PREFIX, so deployments can share a Redis). Windows are
fixed and start at a key's first hit: `10 per 15 minutes` lets ten hits through, then refuses
until fifteen minutes after the first one. Keys are stored hashed (usernames and addresses are
not kept in the clear).

Use: `rate_limiter().hit("login:ip:203.0.113.9", Limit.parse("10 per 15 minutes"))`.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import redis
from flask import Flask, current_app
from sqlalchemy import String, case, delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, upsert_insert, utcnow

_LIMIT_RE = re.compile(
    r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE
)
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Limit:
    """At most `amount` hits in a window of `seconds`."""

    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """Read "10 per 15 minutes", "5 per minute" or "100/day"."""
        match = _LIMIT_RE.match(text or "")
        if match is None or int(match[1]) < 1 or (match[2] is not None and int(match[2]) < 1):
            raise ValueError(f"Not a rate limit: {text!r} (write e.g. '10 per 15 minutes').")
        window = int(match[2] or 1) * _UNIT_SECONDS[match[3].lower()]
        return cls(int(match[1]), window)


class RateCounter(Base):
    """Hits of one key in its current window (the database store)."""

    __tablename__ = "lms_rate_limits"

    #: SHA-256 of the key, so usernames and addresses are not stored in the clear.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column()
    window_ends_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<RateCounter {self.key[:8]}… {self.count} until {self.window_ends_at}>"


class CounterStore(Protocol):
    def hit(self, key: str, seconds: int) -> int:
        """Count one hit of `key` and return its hits in the current window, this one included."""

    def undo(self, key: str) -> None:
        """Take one hit of `key` back (never below zero)."""


class DatabaseStore:
    """Counts in `lms_rate_limits`, each hit one statement in its own transaction (so a request
    that rolls back still counted, and no lock outlives the statement)."""

    def __init__(self, engine: Engine) -> None:
        insert = upsert_insert(
            engine.dialect.name,
            "Rate limits in the database",
            "; set LMS_REDIS_URL to count them in Redis",
        )
        self.engine = engine
        self._insert = insert

    def hit(self, key: str, seconds: int) -> int:
        now = utcnow()
        table = RateCounter.__table__
        statement = self._insert(table).values(
            key=key, count=1, window_ends_at=now + timedelta(seconds=seconds)
        )
        # Both assignments read the row as it was before this hit, on either database.
        over = table.c.window_ends_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((over, 1), else_=table.c.count + 1),
                "window_ends_at": case(
                    (over, statement.excluded.window_ends_at), else_=table.c.window_ends_at
                ),
            },
        ).returning(table.c.count)
        with self.engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if count == 1:
                # A new window: the moment to sweep the counters whose windows have ended.
                connection.execute(delete(table).where(table.c.window_ends_at <= now))
        return count

    def undo(self, key: str) -> None:
        table = RateCounter.__table__
        with self.engine.begin() as connection:
            connection.execute(
                table.update()
                .where(table.c.key == key, table.c.count > 0)
                .values(count=table.c.count - 1)
            )


#: INCR, and on the first hit set the window's expiry: both at once, inside Redis. A counter
#: found without an expiry gets one too, so no key can lock anyone out for good.
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
"""
#: DECR only a live counter above zero (a DECR of an expired key would leave -1 without expiry).
_REDIS_UNDO = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisStore:
    """Counts in Redis under `<prefix>:ratelimit:<hashed key>`, each hit one Lua script."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self._hit = self.client.register_script(_REDIS_HIT)
        self._undo = self.client.register_script(_REDIS_UNDO)

    def hit(self, key: str, seconds: int) -> int:
        return int(self._hit(keys=[f"{self.prefix}:ratelimit:{key}"], args=[seconds * 1000]))

    def undo(self, key: str) -> None:
        self._undo(keys=[f"{self.prefix}:ratelimit:{key}"])


class RateLimiter:
    """Hit a key under a limit: True while the key is within it. Keys name what is counted
    ("login:account:hoa"); a limit's window length is part of the key, so changing the setting
    starts fresh counts."""

    def __init__(self, store: CounterStore) -> None:
        self.store = store

    @staticmethod
    def _key(key: str, limit: Limit) -> str:
        return hashlib.sha256(f"{limit.seconds}:{key}".encode()).hexdigest()

    def hit(self, key: str, limit: Limit) -> bool:
        return self.store.hit(self._key(key, limit), limit.seconds) <= limit.amount

    def undo(self, key: str, limit: Limit) -> None:
        """Give back one hit (a log-in that turned out right, say)."""
        self.store.undo(self._key(key, limit))


def create_limiter(app: Flask) -> RateLimiter:
    """Redis when LMS_REDIS_URL is set, else the app's database (whose engine Flask-SQLAlchemy,
    set up before the LMS, has already made)."""
    url = app.config.get("LMS_REDIS_URL")
    if url:
        return RateLimiter(RedisStore(url, app.config["LMS_REDIS_PREFIX"]))
    with app.app_context():
        return RateLimiter(DatabaseStore(app.extensions["sqlalchemy"].engine))


def rate_limiter() -> RateLimiter:
    """The current app's limiter."""
    return current_app.extensions["lms"].rate_limiter
