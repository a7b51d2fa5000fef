"""While Redis is down: counters and picture codes in memory, SMS codes refused."""

import pytest
import redis

from app.services.platform import store_fallback
from app.services.platform.store_fallback import FallbackStore, MemoryStore, StoreUnavailable


class DownRedis:
    """A RedisStore whose server is gone."""

    def __getattr__(self, name):
        def fail(*args):
            raise redis.exceptions.ConnectionError("Connection refused")

        return fail


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the fallback logs (the app's logging set-up may not pass them to caplog)."""
    said = []
    monkeypatch.setattr(store_fallback.log, "warning", lambda message, *args: said.append(message % args))
    return said


def test_counters_and_codes_fall_back_to_memory(warnings):
    store = FallbackStore(DownRedis())
    assert store.incr("c", 60) == 1 and store.incr("c", 60) == 2
    store.set("captcha:x", "digest", 60)
    assert store.pop("captcha:x") == "digest" and store.pop("captcha:x") is None
    assert store.incr_many([("a", 60), ("c", 60)]) == [1, 3]
    assert len(warnings) == 1 and "Redis is unreachable" in warnings[0]


def test_the_warning_comes_at_most_once_a_minute(warnings, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(store_fallback.time, "monotonic", lambda: now[0])
    store = FallbackStore(DownRedis())
    for step in range(13):  # every 10 seconds for two minutes: Redis tried each time
        now[0] = 1000.0 + 10 * step
        store.get("k")
    assert len(warnings) == 3


def test_redis_is_tried_again_and_used_when_back():
    primary = MemoryStore()
    store = FallbackStore(DownRedis())
    store.set("k", "memory", 60)
    store.primary = primary
    store._down_until = 0.0
    store.set("k", "redis", 60)
    assert primary.get("k") == "redis"


def test_the_strict_view_fails_closed():
    store = FallbackStore(DownRedis())
    with pytest.raises(StoreUnavailable):
        store.strict().incr("sms:daily:x", 60)
    with pytest.raises(StoreUnavailable):
        store.strict().get("sms:code:x")


def test_memory_store_expires_and_refunds(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(store_fallback.time, "time", lambda: now[0])
    store = MemoryStore()
    assert store.add("a", "1", 10) and not store.add("a", "1", 10)
    assert store.incr("n", 10) == 1 and store.incr("n", 10) == 2
    store.decr("n")
    assert store.get("n") == "1" and store.ttl("n") == 10
    now[0] = 110.0
    assert store.get("a") is None and store.get("n") is None and store.add("a", "1", 10)
    store.decr("gone")
    assert store.get("gone") is None
