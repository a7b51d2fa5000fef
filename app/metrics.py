"""The portal's Prometheus metrics, counted where things happen and read at ``/metrics`` (app/platform/metrics_endpoint.py).

With several gunicorn workers each process writes its values to files in ``PROMETHEUS_MULTIPROC_DIR``
(prometheus-client's multiprocess mode, chosen when the variable is set before the process starts: deploy/
gunicorn.conf.py sets it) and a scrape adds them up; gunicorn's ``child_exit`` hook forgets a dead worker's live
gauges. Counting is a few memory writes: no database query, no Redis round trip.

It lives below ``app.models`` and ``app.services`` (like app/log_context.py) so that both can count.
"""

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "portal_http_requests",
    "Requests answered, by endpoint group (the portal's blueprint; admin, static, unmatched), method and status",
    ["group", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request's arrival at the portal to its answer's headers, by endpoint group",
    ["group"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RATE_LIMITED = Counter(
    "portal_rate_limit_refusals",
    "Requests refused with 429 (query, SMS, sign-in and anonymous POST limits), by endpoint group",
    ["group"],
)
DB_POOL_CHECKED_OUT = Gauge(
    "portal_db_pool_checked_out",
    "Database connections in use by the live processes",
    multiprocess_mode="livesum",
)
DB_POOL_CONNECTIONS = Gauge(
    "portal_db_pool_connections",
    "Database connections open in the pools of the live processes",
    multiprocess_mode="livesum",
)
CACHE_LOOKUPS = Counter(
    "portal_cache_lookups",
    "Lookups of the portal's caches (query pages, statistics reports), by cache and result (hit or miss)",
    ["cache", "result"],
)
SMS = Counter(
    "portal_sms_deliveries",
    "SMS delivery attempts by outcome: sent, retried (refused, tried again later), failed (refused, given up)",
    ["outcome"],
)
JOBS_QUEUED = Counter(
    "portal_jobs_queued", "Background jobs queued (or run at once, without a broker), by job", ["job"]
)
JOBS_FAILED = Counter("portal_jobs_failed", "Background jobs that ended with an error, by job", ["job"])


def cache_lookup(cache: str, hit: bool) -> None:
    CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()
