"""The portal's caches, through Flask-Caching.

* ``cache``: shared by every server process when Redis is configured
  (``CACHE_REDIS_URL``, else ``REDIS_URL``), else kept by each process. It holds
  the middles of the public query pages (query_cache.py).
* ``local_cache``: always this process's own. It holds what is cheap to redo
  but not worth a round trip (the site settings and the page chrome rendered
  from them) and what only this process can use (whole responses of the query
  fast path).

``clear()`` forgets both (tests; operators retire query pages by the registers'
generation, services/registers/generation.py).
"""

from flask_caching import Cache

cache = Cache()
local_cache = Cache()

SHARED_ENTRIES = 5000  # without Redis: query-page middles each process keeps
LOCAL_EXTRA_ENTRIES = 600  # besides QUERY_PAGE_CACHE_ENTRIES: the settings, the chrome and the kept fragments


def init_app(app) -> None:
    config = app.config
    redis_url = config.get("CACHE_REDIS_URL") or config.get("REDIS_URL")
    if config.get("CACHE_TYPE"):
        shared = {}  # the operator chose a backend (Flask-Caching's own settings)
    elif redis_url:
        # A key prefix of our own: clear() then deletes only our keys, never the store's other data.
        shared = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "portal:cache:"}
    else:
        shared = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": SHARED_ENTRIES}
    cache.init_app(app, config=shared)
    local_entries = int(config.get("QUERY_PAGE_CACHE_ENTRIES", 1000)) + LOCAL_EXTRA_ENTRIES
    local_cache.init_app(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": local_entries})


def clear() -> None:
    """Forget every entry this process can reach."""
    cache.clear()
    local_cache.clear()
