"""The site settings (footer, names) as this process shows them, and a version that changes with them.

Read from the database again when their generation in the shared store moved on (a change saved by any
process, services/content/site_settings.py: seen here within about a second), and at least every
``SITE_SETTINGS_MAX_AGE`` seconds (a change made outside the portal, with psql). The process where staff saved
a change calls ``forget()`` and sees it at once. The version keys what is rendered from the settings (the page chrome,
the pages of the query fast path): it changes whenever the settings do, and a
number is never reused in a process, not even after ``forget()``.
"""

import itertools
import time

from flask import current_app, g

from app.platform.cache import local_cache
from app.services.content.site_settings import current_settings, generation

SITE_SETTINGS_MAX_AGE = 60.0  # seconds
_KEY = "site-settings"
_KEEP_SECONDS = 10 * 365 * 86400  # never expires by itself (and is pruned after the pages)
_versions = itertools.count(1)


def _generation() -> int | None:
    try:
        return generation()
    except Exception:  # the shared store is down: the settings are read again by their age only
        current_app.logger.warning("site settings generation unavailable", exc_info=True)
        return None


def _state() -> tuple[dict, int]:
    """(settings, version), read again when their generation moved on or older than SITE_SETTINGS_MAX_AGE."""
    entry = local_cache.get(_KEY)
    now = time.monotonic()
    shared = _generation()
    if entry is None or now - entry[1] >= SITE_SETTINGS_MAX_AGE or (shared is not None and shared != entry[3]):
        settings = current_settings(current_app.config["PORTAL_SITE"])
        version = entry[2] if entry is not None and entry[0] == settings else next(_versions)
        entry = (settings, now, version, shared)
        local_cache.set(_KEY, entry, timeout=_KEEP_SECONDS)
    return entry[0], entry[2]


def current() -> dict:
    """The settings this request shows (the same all through the request)."""
    if "site" not in g:
        g.site, g.site_version = _state()
    return g.site


def version() -> int:
    current()
    return g.site_version


def forget() -> None:
    """Read the settings again on the next request (after staff changed one)."""
    local_cache.delete(_KEY)
