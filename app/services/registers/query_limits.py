"""Anti-scraping counts of the public queries, per client, in the shared store (every process agrees).

* Every counted request counts against ``QUERY_RATE_LIMIT_PER_MINUTE`` (default 60);
  over it the client gets the 429 page.
* A query (a search, a further page, a detail page) also counts within
  ``QUERY_CAPTCHA_WINDOW_SECONDS`` (default 600): once the client has made
  ``QUERY_CAPTCHA_AFTER`` (default 5), every further query needs a picture code.

One round trip counts both. Nothing here reads the request: the views and the
fast path in front of Flask (app/platform/query_fast_path.py) pass the client's
address and the application's config.
"""

import ipaddress
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class QueryCounts:
    """What one counted request brought the client's counters to."""

    this_minute: int
    in_window: int | None  # None when the request was not a query (only the minute counted)


def _now() -> float:
    return time.time()


def setting(config, name: str, default: int) -> int:
    try:
        return max(int(config.get(name, default)), 0)
    except (TypeError, ValueError):
        return default


def client_key(remote_addr: str | None) -> str:
    """The client's address; an IPv6 client counts as its /64 network (one subscriber's range)."""
    raw = remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _window(config, client: str, now: float) -> tuple[str, int]:
    seconds = max(setting(config, "QUERY_CAPTCHA_WINDOW_SECONDS", 600), 1)
    return f"query:count:{client}:{int(now // seconds)}", seconds


def count(store, config, client: str, is_query: bool, now: float | None = None) -> QueryCounts:
    """Count one request of ``client`` (one round trip to ``store``)."""
    now = _now() if now is None else now
    counters = [(f"query:rate:{client}:{int(now // 60)}", 120)]
    if is_query:
        counters.append(_window(config, client, now))
    counts = store.incr_many(counters)
    return QueryCounts(counts[0], counts[1] if is_query else None)


def queries_in_window(store, config, client: str, now: float | None = None) -> int:
    """How many queries ``client`` has made in the current picture-code window (not counting)."""
    key, _seconds = _window(config, client, _now() if now is None else now)
    value = store.get(key)
    return int(value) if value and str(value).isdigit() else 0


def over_rate_limit(config, counts: QueryCounts) -> bool:
    return counts.this_minute > setting(config, "QUERY_RATE_LIMIT_PER_MINUTE", 60)


def picture_due(config, queries: int) -> bool:
    """Whether, after ``queries`` queries, the next one needs a picture code (the page then shows one)."""
    return queries >= setting(config, "QUERY_CAPTCHA_AFTER", 5)


def picture_required(config, queries: int) -> bool:
    """Whether the query that brought the count to ``queries`` may only be answered with a picture code."""
    return queries > setting(config, "QUERY_CAPTCHA_AFTER", 5)
