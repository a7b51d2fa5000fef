"""Rendered public query results, shared by the server processes until the registers change.

The same 企业资质查询 / 人员资格查询 are asked again and again across the country
(a well-known enterprise, a surname in a province), and a results page costs
about ten times what the request around it does. The middle of a query page
(its form with the conditions echoed and its results) is kept here, keyed by:

* the registers' generation (services/registers/generation.py): any change to a
  register retires every entry at once;
* the interface language, the address prefix the portal is mounted at, the
  page, and the conditions as the visitor typed them.

Entries also expire after ``QUERY_CACHE_SECONDS`` (default 300; 0 turns the cache
off), which bounds how long a change made outside the portal takes to show.
They live in the shared cache (platform/cache.py: Redis for every process when
configured, else each process's own). Keys are hashes: no condition (a name) is
stored in clear.

Only pages that are the same for every visitor are cached: never one with a
picture code, an error, or an identity-number search.

Two tiers: the middles above, shared; and, in each process, whole responses as
a visitor who has not signed in gets them (``get_page`` / ``put_page``, at most
``QUERY_PAGE_CACHE_ENTRIES`` per process), which the fast path in front of Flask
(query_fast_path.py) answers from. Both are keyed by the generation, so both
retire together.
"""

import hashlib
import json

from flask import current_app, request
from flask_babel import get_locale

from app import metrics
from app.platform.cache import cache, local_cache
from app.services.registers import generation as register_generation


def _seconds() -> int:
    try:
        return max(int(current_app.config.get("QUERY_CACHE_SECONDS", 300)), 0)
    except (TypeError, ValueError):
        return 0


def enabled() -> bool:
    return _seconds() > 0


def key(page: str, conditions) -> str | None:
    """The entry of ``page`` asked with ``conditions`` (name, value pairs) now; None when caching is off."""
    if not enabled():
        return None
    material = json.dumps(
        [register_generation.current(), str(get_locale()), request.script_root, page, sorted(conditions)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "query-page:" + hashlib.sha256(material.encode("utf-8")).hexdigest()


def get(entry_key: str | None) -> dict | None:
    if entry_key is None:
        return None
    try:
        entry = cache.get(entry_key)
    except Exception:  # a cache that is down only makes pages slower
        current_app.logger.warning("query page cache unavailable", exc_info=True)
        return None
    metrics.cache_lookup("query_results", entry is not None)
    return entry


def put(entry_key: str | None, entry: dict) -> None:
    if entry_key is None:
        return
    try:
        cache.set(entry_key, entry, timeout=_seconds())
    except Exception:
        current_app.logger.warning("query page cache unavailable", exc_info=True)


def get_page(page_key: str):
    page = local_cache.get("query-response:" + page_key)
    metrics.cache_lookup("query_pages", page is not None)
    return page


def put_page(page_key: str, response) -> None:
    local_cache.set("query-response:" + page_key, response, timeout=_seconds())
