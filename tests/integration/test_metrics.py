"""/metrics (issue 21 item 2): Prometheus text to the monitoring's addresses only, counters that move with the
requests, the database figures read at scrape time, and several processes added up (multiprocess mode)."""

import os
import socket
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.platform import metrics_endpoint
from app.platform.request_observer import RequestObserver
from app.services.platform import sms

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_ADDRESS = "203.0.113.9"


def scrape(client) -> dict:
    """{(name, frozenset(labels.items())): value} of one scrape from loopback."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def parse(text: str) -> dict:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def observer(app) -> RequestObserver:
    layer = app.wsgi_app
    while not isinstance(layer, RequestObserver):
        layer = layer.wsgi_app
    return layer


def test_metrics_answer_prometheus_text_to_loopback_without_session_or_cache(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=" in response.headers["Content-Type"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
    text = response.get_data(as_text=True)
    for line in (
        "# TYPE portal_http_requests_total counter",
        "# TYPE portal_http_request_duration_seconds histogram",
        "# TYPE portal_db_pool_checked_out gauge",
        "# TYPE portal_cases gauge",
        "# TYPE portal_certificates_issued gauge",
    ):
        assert line in text
    assert value(parse(text), "portal_http_requests_total", group="health", method="GET", status="200") >= 1


def test_metrics_are_the_ordinary_404_page_for_any_other_address(client):
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": PUBLIC_ADDRESS})
    unknown = client.get("/no-such-page", environ_base={"REMOTE_ADDR": PUBLIC_ADDRESS})
    assert refused.status_code == 404
    assert "portal_http_requests" not in refused.get_data(as_text=True)
    assert refused.mimetype == unknown.mimetype == "text/html"
    assert "请将此编号告知技术支持" in refused.get_data(as_text=True)


def test_a_configured_network_may_scrape_and_a_forwarded_public_client_may_not(app):
    configured = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "METRICS_ALLOWED_NETWORKS": "127.0.0.1/32, 10.20.0.0/16",
            "TRUSTED_PROXIES": 1,
        }
    )
    client = configured.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.3.4"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.21.3.4"}).status_code == 404
    # Through a proxy on loopback (nginx), the visitor's address decides: a public visitor gets 404 ...
    forwarded = {"X-Forwarded-For": PUBLIC_ADDRESS}
    assert client.get("/metrics", headers=forwarded).status_code == 404
    # ... and a client that claims an allowed address from outside is judged by its connection too.
    spoofed = client.get(
        "/metrics", headers={"X-Forwarded-For": "10.20.3.4"}, environ_base={"REMOTE_ADDR": PUBLIC_ADDRESS}
    )
    assert spoofed.status_code == 404
    with configured.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_requests_move_the_counter_of_their_group_and_status_and_the_latency_histogram(client, db):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/no-such-page").status_code == 404
    assert client.get("/notices/987654").status_code == 404  # a route of the articles blueprint, no such article
    assert client.get("/").status_code == 200
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("portal_http_requests_total", group="unmatched", method="GET", status="404") == 3
    assert moved("portal_http_requests_total", group="articles", method="GET", status="404") == 1
    assert moved("portal_http_requests_total", group="home", method="GET", status="200") == 1
    assert moved("portal_http_request_duration_seconds_count", group="unmatched") == 3
    assert moved("portal_http_request_duration_seconds_bucket", group="unmatched", le="+Inf") == 3
    assert moved("portal_http_request_duration_seconds_sum", group="unmatched") > 0


def test_rate_limit_refusals_and_query_cache_hits_are_counted(app, client, registers, monkeypatch):
    before = scrape(client)
    assert client.get("/query/people", query_string={"name": "陈"}).status_code == 200
    assert client.get("/query/people", query_string={"name": "陈"}).status_code == 200  # the same query again
    monkeypatch.setitem(app.config, "QUERY_RATE_LIMIT_PER_MINUTE", 2)
    refused = client.get("/query/people", query_string={"name": "陈"})
    assert refused.status_code == 429
    after = scrape(client)
    assert (
        value(after, "portal_rate_limit_refusals_total", group="queries")
        - value(before, "portal_rate_limit_refusals_total", group="queries")
        == 1
    )
    assert (
        value(after, "portal_http_requests_total", group="queries", method="GET", status="429")
        - value(before, "portal_http_requests_total", group="queries", method="GET", status="429")
        == 1
    )
    # The same query again is answered from the kept page (the query fast path), counted in the fast path's group.
    hits = value(after, "portal_cache_lookups_total", cache="query_pages", result="hit") - value(
        before, "portal_cache_lookups_total", cache="query_pages", result="hit"
    )
    assert hits >= 1
    assert (
        value(after, "portal_http_requests_total", group="queries", method="GET", status="200")
        - value(before, "portal_http_requests_total", group="queries", method="GET", status="200")
        == 2
    )


def test_database_pool_use_is_shown(client):
    client.get("/")
    samples = scrape(client)
    assert value(samples, "portal_db_pool_connections") >= 1
    assert value(samples, "portal_db_pool_checked_out") >= 0


def test_cases_by_status_and_certificates_are_read_from_the_database_at_scrape_time(app, client, db, monkeypatch):
    import datetime

    from app.models import ElectronicCertificate
    from tests.factories import AccountFactory, ApplicationFactory, PersonRegistrationFactory

    account = AccountFactory()
    for status in ("submitted", "submitted", "under_review", "issued"):
        ApplicationFactory(account=account, status=status)
    for number, revoked in (("ZS-1", None), ("ZS-2", datetime.datetime(2026, 6, 1))):
        db.session.add(
            ElectronicCertificate(
                registration=PersonRegistrationFactory(),
                number=number,
                issued_on=datetime.date(2026, 5, 1),
                revoked_at=revoked,
            )
        )
    db.session.commit()
    monkeypatch.setattr(observer(app).scrape.collector, "_kept", None)  # what an earlier test's scrape kept
    samples = scrape(client)
    assert value(samples, "portal_cases", status="submitted") == 2
    assert value(samples, "portal_cases", status="under_review") == 1
    assert value(samples, "portal_cases", status="issued") == 1
    assert value(samples, "portal_certificates_issued") == 2
    assert value(samples, "portal_certificates_revoked") == 1
    assert value(samples, "portal_figures_available") == 1
    ApplicationFactory(account=account, status="submitted")
    db.session.commit()
    assert value(scrape(client), "portal_cases", status="submitted") == 2  # kept METRICS_FIGURES_SECONDS
    monkeypatch.setattr(observer(app).scrape.collector, "seconds", 0)
    assert value(scrape(client), "portal_cases", status="submitted") == 3


def test_sms_sent_and_failed_and_jobs_queued_and_failed_are_counted(app, client, db, monkeypatch):
    before = scrape(client)
    with app.test_request_context():
        sms.dispatch("13712345678", "notice", "您的办件已受理")

        class Refusing(sms.OutboxGateway):
            def send(self, phone, purpose, text):
                raise ConnectionError("gateway refused the text")

        monkeypatch.setattr(sms, "gateway", Refusing)
        with pytest.raises(sms.Undelivered):
            sms.dispatch("13712345678", "notice", "您的办件已受理")
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("portal_sms_deliveries_total", outcome="sent") == 1
    assert moved("portal_sms_deliveries_total", outcome="failed") == 1
    assert moved("portal_jobs_queued_total", job="portal.sms.deliver") == 2
    assert moved("portal_jobs_failed_total", job="portal.sms.deliver") == 1


_PROCESS = textwrap.dedent(
    """
    import sys
    from app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/no-such-page").status_code == 404
    if len(sys.argv) > 3:
        sys.stdout.write(client.get("/metrics").get_data(as_text=True))
    """
)


def test_several_processes_are_added_up_in_multiprocess_mode(app, tmp_path):
    """Two processes (as two gunicorn workers) write to one PROMETHEUS_MULTIPROC_DIR; a third one's scrape adds them up."""
    environment = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path), PORTAL_ENV="test", PYTHONPATH=str(ROOT))
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    def run(*args) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _PROCESS, url, *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run("2")
    run("3")
    samples = parse(run("1", "scrape"))
    assert value(samples, "portal_http_requests_total", group="unmatched", method="GET", status="404") == 6
    assert value(samples, "portal_http_request_duration_seconds_count", group="unmatched") == 6
    assert len(list(tmp_path.glob("counter_*.db"))) == 3  # one file per process


def test_the_worker_serves_its_own_metrics_on_its_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert metrics_endpoint.serve_worker_metrics({}) is None  # no port: no server
    server = metrics_endpoint.serve_worker_metrics({"WORKER_METRICS_PORT": str(port)})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert "# TYPE portal_jobs_failed_total counter" in text
    assert "# TYPE portal_sms_deliveries_total counter" in text


def test_gunicorn_empties_the_directory_at_start_and_forgets_a_dead_workers_live_gauges(tmp_path, monkeypatch):
    import runpy
    from types import SimpleNamespace

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    (tmp_path / "counter_111.db").write_bytes(b"left by the previous run")
    settings["on_starting"](None)
    assert not list(tmp_path.iterdir())
    for name in ("counter_222.db", "gauge_livesum_222.db", "gauge_livesum_333.db"):
        (tmp_path / name).write_bytes(b"")
    settings["child_exit"](None, SimpleNamespace(pid=222))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["counter_222.db", "gauge_livesum_333.db"]
    settings["on_exit"](None)  # a directory the operator chose is left in place
    assert tmp_path.exists()


def test_gunicorn_makes_a_directory_of_its_own_when_none_is_set(monkeypatch):
    import runpy

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])  # inherited by the workers it forks
    try:
        assert directory.is_dir() and directory.name.startswith("portal-metrics-")
        settings["on_exit"](None)
        assert not directory.exists()
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # set by the settings file itself, not by monkeypatch
