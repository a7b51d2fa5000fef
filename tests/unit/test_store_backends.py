"""The shared store behaves the same on the database and on Redis."""

import datetime
import uuid

import pytest
from sqlalchemy import update

from app.models import FaqEntry, SharedStoreEntry
from app.services.platform.shared_store import DatabaseStore, RedisStore


def _redis_client():
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15", decode_responses=True, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        return None
    return client


@pytest.fixture(params=["database", "redis"])
def store(request, app, db):
    if request.param == "database":
        return DatabaseStore(db.engine)
    client = _redis_client()
    if client is None:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return RedisStore(client, prefix=f"test-{uuid.uuid4().hex}:")


def test_set_get_delete(store):
    assert store.get("a") is None
    store.set("a", "1", 60)
    assert store.get("a") == "1"
    assert 55 <= store.ttl("a") <= 60
    store.set("a", "2", 60)
    assert store.get("a") == "2"
    store.delete("a")
    assert store.get("a") is None and store.ttl("a") is None


def test_pop_gives_the_value_once(store):
    store.set("p", "v", 60)
    assert store.pop("p") == "v"
    assert store.pop("p") is None and store.get("p") is None


def test_add_only_when_absent(store):
    assert store.add("lock", "x", 60) is True
    assert store.add("lock", "y", 60) is False
    assert store.get("lock") == "x"


def test_incr_counts_and_keeps_its_first_expiry(store):
    assert [store.incr("n", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("n") == "3"
    assert store.ttl("n") <= 60


def test_incr_many_counts_each_key_with_its_own_expiry(store):
    assert store.incr_many([("minute", 120), ("window", 600)]) == [1, 1]
    assert store.incr_many([("minute", 120), ("window", 600)]) == [2, 2]
    assert store.incr_many([("window", 600)]) == [3]
    assert 100 <= store.ttl("minute") <= 120 and 580 <= store.ttl("window") <= 600
    store.set("minute", "x", 1)  # a new counter's expiry is set once, not moved by later counts
    store.delete("minute")
    assert store.incr_many([("minute", 30)]) == [1] and store.ttl("minute") <= 30


def test_expired_entries_are_absent(app, db):
    store = DatabaseStore(db.engine)
    store.set("old", "v", 60)
    store.incr("count", 60)
    with db.engine.begin() as conn:
        conn.execute(update(SharedStoreEntry.__table__).values(expires_at=datetime.datetime(2000, 1, 1)))
    assert store.get("old") is None
    assert store.add("old", "new", 60) is True
    assert store.incr("count", 60) == 1, "an expired counter starts again"


def test_database_store_never_commits_the_callers_session(app, db):
    store = DatabaseStore(db.engine)
    db.session.add(FaqEntry(position=99, question="未提交的问题", location="", answer=""))
    db.session.flush()
    before = db.session.query(FaqEntry).count()
    db.session.rollback()
    store.set("k", "v", 60)
    store.incr("c", 60)
    assert db.session.query(FaqEntry).filter_by(question="未提交的问题").count() == 0
    assert db.session.query(FaqEntry).count() == before - 1


def test_decr_gives_one_back_and_never_creates(store):
    assert store.incr("n", 60) == 1
    assert store.incr("n", 60) == 2
    store.decr("n")
    assert store.get("n") == "1" and store.incr("n", 60) == 2
    store.decr("absent")
    assert store.get("absent") is None and store.ttl("absent") is None
