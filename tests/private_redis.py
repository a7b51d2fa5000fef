"""A private ``redis-server`` for tests: its own free port, no persistence, data in tmp_path.

Started per test and stopped by its own PID — never the machine's Redis.
Import the fixtures ``redis_server`` and ``on_redis`` into a test module to use them.
"""

import socket
import subprocess
import time

import pytest

from app.platform import cache as portal_cache


class PrivateRedis:
    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_redis(app, db, redis_server, monkeypatch):
    """The application with REDIS_URL set to the private server (store and shared cache)."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    saved_store = app.extensions.pop("portal_shared_store", None)
    saved_caches = dict(app.extensions["cache"])
    portal_cache.cache.init_app(
        app,
        config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_server.url, "CACHE_KEY_PREFIX": "portal:cache:"},
    )
    try:
        yield redis_server
    finally:
        app.extensions.pop("portal_shared_store", None)
        if saved_store is not None:
            app.extensions["portal_shared_store"] = saved_store
        app.extensions["cache"].clear()
        app.extensions["cache"].update(saved_caches)
