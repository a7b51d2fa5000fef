"""Readiness of the engines an instance needs: the database, Redis (when configured), the file store, the broker.

Each check runs in a thread of its own and gets ``READY_TIMEOUT_SECONDS`` (all together, not each): a
dependency that hangs answers "timeout" instead of holding the load balancer's probe. The answer names
each dependency and its state only ("ok", "unavailable", "timeout"): never an address, a password, an
exception text or a version.
"""

import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import text

from app.extensions import db

OK, UNAVAILABLE, TIMEOUT = "ok", "unavailable", "timeout"


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(state == OK for state in self.checks.values())

    @property
    def failed(self) -> list[str]:
        return sorted(name for name, state in self.checks.items() if state != OK)

    def as_json(self) -> dict:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks, "failed": self.failed}


def _database(app: Flask, timeout: float) -> None:
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f"SET statement_timeout = {int(timeout * 1000)}"))
                connection.execute(text("SELECT 1"))
        finally:
            db.session.remove()


def _redis(url: str) -> Callable[[Flask, float], None]:
    def check(app: Flask, timeout: float) -> None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            if not client.ping():
                raise ConnectionError("no PONG")
        finally:
            client.close()

    return check


def _broker(url: str) -> Callable[[Flask, float], None]:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return _redis(url)

    def check(app: Flask, timeout: float) -> None:  # AMQP and others: the port answers
        parts = urlsplit(url)
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=timeout).close()

    return check


def _file_store(app: Flask, timeout: float) -> None:
    from app.services.platform import file_store as stores

    with app.app_context():
        store = stores.file_store()
        if isinstance(store, stores.S3Store):
            store.client.head_bucket(Bucket=store.bucket)
            return
        for folder in stores._local_folders().values():
            os.makedirs(folder, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError("not writable")


def broker_url(config) -> str | None:
    """The Celery broker when one is configured (no broker: jobs run in the request, nothing to check)."""
    return config.get("CELERY_BROKER_URL") or None


def _checks(config) -> dict[str, Callable[[Flask, float], None]]:
    checks: dict[str, Callable[[Flask, float], None]] = {"database": _database}
    redis_urls = {
        "redis": config.get("REDIS_URL"),
        "session_redis": config.get("SESSION_REDIS_URL")
        if (config.get("SESSION_BACKEND") or "").lower() == "redis"
        else None,
        "cache_redis": config.get("CACHE_REDIS_URL"),
    }
    seen = set()
    for name, url in redis_urls.items():
        if url and url not in seen:
            seen.add(url)
            checks[name] = _redis(url)
    checks["storage"] = _file_store
    broker = broker_url(config)
    if broker and broker not in seen:
        checks["broker"] = _broker(broker)
    return checks


def readiness() -> Readiness:
    """Check every configured dependency of this instance, within READY_TIMEOUT_SECONDS in all."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    timeout = float(app.config.get("READY_TIMEOUT_SECONDS") or 2)
    checks = _checks(app.config)
    result = Readiness()
    executor = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        futures = {name: executor.submit(check, app, timeout) for name, check in checks.items()}
        wait(futures.values(), timeout=timeout)
        for name, future in futures.items():
            if not future.done():
                result.checks[name] = TIMEOUT
            elif future.exception() is not None:
                result.checks[name] = UNAVAILABLE
            else:
                result.checks[name] = OK
    finally:
        executor.shutdown(wait=False, cancel_futures=True)  # a hung check is left behind, not waited for
    return result
