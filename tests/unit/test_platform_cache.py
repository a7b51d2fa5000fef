"""The caches the factory configures: in-process by default, Redis when configured, clear() forgets only ours."""

import pytest
from flask import Flask
from flask_caching.backends import RedisCache, SimpleCache

from app.platform import cache as portal_cache


def _app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    portal_cache.init_app(app)
    return app


def _redis(url):
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return client


def test_without_redis_both_caches_are_the_process_own():
    app = _app(QUERY_PAGE_CACHE_ENTRIES=10)
    with app.app_context():
        assert isinstance(portal_cache.cache.cache, SimpleCache)
        assert isinstance(portal_cache.local_cache.cache, SimpleCache)
        assert portal_cache.local_cache.cache._threshold == 10 + portal_cache.LOCAL_EXTRA_ENTRIES
        portal_cache.cache.set("a", {"x": 1}, timeout=60)
        portal_cache.local_cache.set("b", b"page", timeout=60)
        portal_cache.clear()
        assert portal_cache.cache.get("a") is None and portal_cache.local_cache.get("b") is None


@pytest.mark.parametrize("setting", ["REDIS_URL", "CACHE_REDIS_URL"])
def test_with_redis_the_shared_cache_is_redis_and_clear_keeps_other_keys(setting):
    url = "redis://127.0.0.1:6379/14"
    client = _redis(url)
    client.set("someone-else", "1")
    try:
        app = _app(**{setting: url})
        with app.app_context():
            assert isinstance(portal_cache.cache.cache, RedisCache)
            assert isinstance(portal_cache.local_cache.cache, SimpleCache)  # whole pages stay in the process
            portal_cache.cache.set("a", {"x": 1}, timeout=60)
            assert client.exists("portal:cache:a")
            assert portal_cache.cache.get("a") == {"x": 1}
            portal_cache.clear()
            assert portal_cache.cache.get("a") is None
            assert client.get("someone-else") == b"1"
    finally:
        client.delete("someone-else")
