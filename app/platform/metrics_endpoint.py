"""What ``/metrics`` answers (app/platform/request_observer.py serves it): the counters of every live and past
worker of this instance, the database pool's use, and figures read from the database at scrape time.

With ``PROMETHEUS_MULTIPROC_DIR`` set (deploy/gunicorn.conf.py sets it; scripts/cluster.py gives each instance
its own) every worker writes its values to files there and any worker's scrape adds up all of them; without it
(``make run``, one process) the process's own values are answered.

The figures (cases by status, certificates issued and revoked, SMS jobs by state) are three grouped counts over
indexed columns, kept ``METRICS_FIGURES_SECONDS`` (15) per process so that frequent scrapes do not repeat them.
"""

import logging
import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event

from app import metrics
from app.extensions import db
from app.services.platform import figures

log = logging.getLogger(__name__)


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class FiguresCollector:
    """Gauges read from the database when scraped (kept a few seconds)."""

    def __init__(self, app):
        self.app = app
        self.seconds = float(app.config.get("METRICS_FIGURES_SECONDS", 15))
        self._kept: tuple[float, figures.Figures] | None = None

    def _figures(self) -> figures.Figures:
        now = time.monotonic()
        if self._kept is None or now - self._kept[0] >= self.seconds:
            with self.app.app_context():
                try:
                    self._kept = (now, figures.current())
                finally:
                    db.session.remove()
        return self._kept[1]

    def collect(self):
        available = GaugeMetricFamily(
            "portal_figures_available", "1 when the database answered the scrape's figures, else 0"
        )
        try:
            found = self._figures()
        except Exception:
            log.warning("metrics: the database figures could not be read", exc_info=True)
            available.add_metric([], 0)
            yield available
            return
        available.add_metric([], 1)
        yield available
        cases = GaugeMetricFamily("portal_cases", "Cases (办件) by status", labels=["status"])
        for status, count in sorted(found.cases_by_status.items()):
            cases.add_metric([status], count)
        yield cases
        issued = GaugeMetricFamily("portal_certificates_issued", "Electronic certificates issued (revoked included)")
        issued.add_metric([], found.certificates_issued)
        yield issued
        revoked = GaugeMetricFamily("portal_certificates_revoked", "Electronic certificates revoked")
        revoked.add_metric([], found.certificates_revoked)
        yield revoked
        sms = GaugeMetricFamily(
            "portal_sms_jobs", "SMS jobs by state (queued, sent, dead: every retry failed)", labels=["state"]
        )
        for state, count in sorted(found.sms_jobs_by_state.items()):
            sms.add_metric([state], count)
        yield sms


class Scrape:
    def __init__(self, app):
        self.collector = FiguresCollector(app)
        self.figures = CollectorRegistry(auto_describe=False)
        self.figures.register(self.collector)
        self.counted: CollectorRegistry | None = None
        if multiprocess_mode():
            self.counted = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.counted)

    def text(self) -> bytes:
        counted = generate_latest(self.counted if self.counted is not None else REGISTRY)
        return counted + generate_latest(self.figures)

    def answer(self, environ, start_response):
        body = self.text()
        start_response(
            "200 OK",
            [
                ("Content-Type", CONTENT_TYPE_LATEST),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]


def instrument_pool(engine) -> None:
    """Database connections in use and open, as the pool hands them out and takes them back."""
    event.listen(engine, "checkout", lambda *_: metrics.DB_POOL_CHECKED_OUT.inc())
    event.listen(engine, "checkin", lambda *_: metrics.DB_POOL_CHECKED_OUT.dec())
    event.listen(engine, "connect", lambda *_: metrics.DB_POOL_CONNECTIONS.inc())
    event.listen(engine, "close", lambda *_: metrics.DB_POOL_CONNECTIONS.dec())
    event.listen(engine, "close_detached", lambda *_: metrics.DB_POOL_CONNECTIONS.dec())


def serve_worker_metrics(config):
    """The Celery worker's own metrics on ``WORKER_METRICS_PORT`` (unset: none) at ``WORKER_METRICS_ADDRESS``
    (default 127.0.0.1), its pool processes added up when ``PROMETHEUS_MULTIPROC_DIR`` is set. Returns the server
    (or None)."""
    port = int(config.get("WORKER_METRICS_PORT") or 0)
    if not port:
        return None
    registry = REGISTRY
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    server, _thread = start_http_server(
        port, addr=config.get("WORKER_METRICS_ADDRESS") or "127.0.0.1", registry=registry
    )
    return server
