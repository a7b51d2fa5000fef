"""/healthz and /readyz: what nginx, systemd and Compose probe (issue 21 item 1).

The failing dependencies are real: a Redis URL on a closed port, a stopped private redis-server,
a database URL nobody listens on, an S3 endpoint that does not answer.
"""

import socket

import pytest
from sqlalchemy.pool import NullPool

from app.extensions import db as sqla
from app.services.platform import health
from tests import private_redis

redis_server = private_redis.redis_server


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens there


@pytest.fixture
def configured(app, monkeypatch):
    """Set configuration values for one test (and drop the cached S3 clients)."""

    def configure(**values):
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)
        monkeypatch.setitem(app.extensions, "portal_s3_stores", {})

    return configure


def test_healthz_answers_without_the_database(app, client, monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("/healthz touched the database")

    monkeypatch.setattr(sqla.session, "execute", no_database)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_when_the_database_and_the_store_answer(app, client, configured):
    configured(REDIS_URL=None, CACHE_REDIS_URL=None, SESSION_BACKEND=None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "storage": "ok"},
        "failed": [],
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_a_configured_redis(app, client, configured, redis_server):
    configured(REDIS_URL=redis_server.url, CACHE_REDIS_URL=None, SESSION_BACKEND=None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}

    redis_server.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["redis"]
    assert response.get_json()["checks"]["database"] == "ok"


def test_readyz_names_redis_on_a_closed_port_and_tells_no_address(app, client, configured):
    url = f"redis://:s3cret-password@127.0.0.1:{closed_port()}/0"
    configured(REDIS_URL=url, CACHE_REDIS_URL=None, SESSION_BACKEND=None)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json() == {
        "status": "not ready",
        "checks": {"database": "ok", "redis": "unavailable", "storage": "ok"},
        "failed": ["redis"],
    }
    for secret in ("s3cret", "127.0.0.1", "redis://", "Error", "version"):
        assert secret not in body


def test_readyz_names_redis_sessions_and_the_broker_separately(app, client, configured, redis_server):
    configured(
        REDIS_URL=None,
        CACHE_REDIS_URL=None,
        SESSION_BACKEND="redis",
        SESSION_REDIS_URL=redis_server.url,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/1",
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "session_redis": "ok",
        "storage": "ok",
        "broker": "unavailable",
    }


def test_readyz_reports_a_database_that_does_not_answer(app, client, configured, monkeypatch):
    from sqlalchemy import create_engine

    dead = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none", poolclass=NullPool)
    monkeypatch.setattr(type(sqla), "engine", property(lambda self: dead))
    configured(REDIS_URL=None, CACHE_REDIS_URL=None, SESSION_BACKEND=None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    assert "postgres" not in response.get_data(as_text=True)


def test_readyz_gives_up_on_a_store_that_hangs_within_its_timeout(app, client, configured):
    """An S3 endpoint that accepts connections and never answers: "timeout", and the probe is not held."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        configured(
            REDIS_URL=None,
            CACHE_REDIS_URL=None,
            SESSION_BACKEND=None,
            READY_TIMEOUT_SECONDS=0.5,
            STORAGE_BACKEND="s3",
            S3_ENDPOINT_URL=f"http://127.0.0.1:{listener.getsockname()[1]}",
            S3_ACCESS_KEY="k",
            S3_SECRET_KEY="secret-key-value",
        )
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"] == {"database": "ok", "storage": "timeout"}
        assert "secret-key-value" not in response.get_data(as_text=True)
    finally:
        listener.close()


def test_health_checks_need_no_session_no_csrf_and_no_rate_limit(app, client, configured, monkeypatch):
    """Probed every few seconds from one address: never limited, never a cookie, never a CSRF refusal."""
    configured(REDIS_URL=None, CACHE_REDIS_URL=None, SESSION_BACKEND=None, WTF_CSRF_ENABLED=True)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    for _ in range(200):
        assert client.get("/healthz", environ_overrides={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert client.get("/readyz", environ_overrides={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert client.head("/healthz").status_code == 200
    assert not [cookie for cookie in client._cookies.values()]


def test_health_checks_do_not_read_redis_sessions(app, configured, redis_server, monkeypatch):
    """With Redis sessions, a probe carrying a session cookie does not make the instance read Redis."""
    from app.sessions import RedisSessionInterface

    interface = RedisSessionInterface(redis_server.url)
    monkeypatch.setattr(app, "session_interface", interface)
    reads = []
    original_get = interface.client.get
    monkeypatch.setattr(interface.client, "get", lambda key: reads.append(key) or original_get(key))
    configured(REDIS_URL=None, CACHE_REDIS_URL=None, SESSION_BACKEND="redis", SESSION_REDIS_URL=redis_server.url)
    probe = app.test_client()
    probe.set_cookie(app.config["SESSION_COOKIE_NAME"], interface._signer(app).sign("a-session-id").decode())
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/readyz").status_code == 200
    assert reads == []
    probe.get("/account/login")  # any other page reads it
    assert len(reads) == 1


def test_the_readiness_answer_lists_only_configured_dependencies(app):
    config = {"REDIS_URL": None, "CACHE_REDIS_URL": None, "SESSION_BACKEND": "cookie"}
    assert list(health._checks(config)) == ["database", "storage"]
    config = {"REDIS_URL": "redis://a/0", "CACHE_REDIS_URL": "redis://a/0", "CELERY_BROKER_URL": "redis://a/0"}
    assert list(health._checks(config)) == ["database", "redis", "storage"]  # one server, checked once
