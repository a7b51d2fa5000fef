"""What the public sees of the articles now, as a short key: the home page keeps its 最新 block under it.

The key has two parts. The articles' generation moves on after the commit of any change to an article
(written, published, withdrawn, deleted: ``generations.AfterCommit``), in the shared store, so every process
sees it within ``REFRESH_SECONDS``; an import by other means calls ``bump()``. The second part counts the
scheduled publications (``publish_at`` still to come when the generation was read) whose time has come since:
an article scheduled for 09:00 appears at 09:00 without anybody touching it.
"""

import bisect
import datetime
import itertools
import time

from flask import current_app

from app import clock
from app.extensions import db
from app.models import Article
from app.services.platform import generations
from app.services.platform.shared_store import get_store

KEY = "articles:generation"
REFRESH_SECONDS = 1.0
_KEEP_SECONDS = 10 * 365 * 86400
_EXTENSION = "portal_article_generation"
_local_bumps = itertools.count(1)  # see generations.Generation.current
_PUBLISHED = "published"  # articles.PUBLISHED (that module imports this one's neighbours, not this one)


def _scheduled_after(moment: datetime.datetime) -> list[datetime.datetime]:
    rows = db.session.query(Article.publish_at).filter(Article.status == _PUBLISHED, Article.publish_at > moment)
    return sorted(row[0] for row in rows)


def view_key() -> str:
    """Changes whenever the articles the public may see change (by an edit, or by a scheduled time coming)."""
    state = current_app.extensions.get(_EXTENSION)
    now_monotonic, now = time.monotonic(), clock.now()
    if state is None or now_monotonic - state["read_at"] >= REFRESH_SECONDS:
        raw = get_store().get(KEY)
        value = int(raw) if raw and str(raw).isdigit() else 0
        if state is None or state["value"] != value or state.get("stale"):
            local = state["local"] if state else 0
            state = {"value": value, "scheduled": _scheduled_after(now), "local": local}
        state["read_at"] = now_monotonic
        current_app.extensions[_EXTENSION] = state
    due = bisect.bisect_right(state["scheduled"], now)
    return f"{state['value']}.{state['local']}.{due}"


def bump() -> int:
    value = get_store().incr(KEY, _KEEP_SECONDS)
    # This process sees its own change at once (the scheduled articles are read again).
    current_app.extensions[_EXTENSION] = {"value": value, "read_at": 0.0, "local": next(_local_bumps), "stale": True}
    return value


def touches_articles(session) -> bool:
    return any(isinstance(instance, Article) for instance in generations.pending(session))


_WATCHER = generations.AfterCommit("articles_changed", touches_articles, lambda: bump(), "the articles' generation")
install = _WATCHER.install
