"""Keeping the portal up while Redis is down.

``FallbackStore`` answers from Redis and, while Redis cannot be reached, from
this process's own memory: right for counters and picture codes, which at
worst count apart per process for a while. What must not be kept apart (SMS
codes and their limits) asks ``strict()``, which raises ``StoreUnavailable``
instead, so that the caller fails closed.
"""

import logging
import threading
import time

from app.services.platform.shared_store import SharedStore

log = logging.getLogger(__name__)

RETRY_SECONDS = 5  # after a failure, Redis is tried again this long after
WARN_EVERY_SECONDS = 60


class StoreUnavailable(Exception):
    """The shared store cannot be reached and the caller must not make do without it."""


class MemoryStore(SharedStore):
    """This process's own store, thread-safe; expiry by wall clock, as Redis does."""

    def __init__(self):
        self._entries: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key):
        entry = self._entries.get(key)
        if entry is not None and entry[1] <= time.time():
            del self._entries[key]
            return None
        return entry

    def get(self, key):
        with self._lock:
            entry = self._live(key)
        return entry[0] if entry else None

    def set(self, key, value, ttl_seconds):
        with self._lock:
            self._entries[key] = (value, time.time() + max(int(ttl_seconds), 1))

    def add(self, key, value, ttl_seconds):
        with self._lock:
            if self._live(key) is not None:
                return False
            self._entries[key] = (value, time.time() + max(int(ttl_seconds), 1))
        return True

    def delete(self, key):
        with self._lock:
            self._entries.pop(key, None)

    def pop(self, key):
        with self._lock:
            entry = self._live(key)
            self._entries.pop(key, None)
        return entry[0] if entry else None

    def incr(self, key, ttl_seconds):
        with self._lock:
            entry = self._live(key)
            if entry is None:
                self._entries[key] = ("1", time.time() + max(int(ttl_seconds), 1))
                return 1
            count = int(entry[0]) + 1
            self._entries[key] = (str(count), entry[1])
        return count

    def decr(self, key):
        with self._lock:
            entry = self._live(key)
            if entry is not None:
                self._entries[key] = (str(int(entry[0]) - 1), entry[1])

    def ttl(self, key):
        with self._lock:
            entry = self._live(key)
        return max(int(entry[1] - time.time()), 0) if entry else None


def _connection_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class _Strict(SharedStore):
    """The primary store, its connection errors turned into ``StoreUnavailable``."""

    def __init__(self, primary: SharedStore):
        self.primary = primary
        self.errors = _connection_errors()

    def _call(self, name, *args):
        try:
            return getattr(self.primary, name)(*args)
        except self.errors as error:
            raise StoreUnavailable(str(error)) from error

    def get(self, key):
        return self._call("get", key)

    def set(self, key, value, ttl_seconds):
        self._call("set", key, value, ttl_seconds)

    def add(self, key, value, ttl_seconds):
        return self._call("add", key, value, ttl_seconds)

    def delete(self, key):
        self._call("delete", key)

    def pop(self, key):
        return self._call("pop", key)

    def incr(self, key, ttl_seconds):
        return self._call("incr", key, ttl_seconds)

    def decr(self, key):
        self._call("decr", key)

    def incr_many(self, counters):
        return self._call("incr_many", counters)

    def ttl(self, key):
        return self._call("ttl", key)


class FallbackStore(_Strict):
    def __init__(self, primary: SharedStore):
        super().__init__(primary)
        self.memory = MemoryStore()
        self._strict = _Strict(primary)
        self._down_until = 0.0
        self._warned_at = float("-inf")

    def strict(self) -> SharedStore:
        return self._strict

    def _call(self, name, *args):
        now = time.monotonic()
        if now >= self._down_until:
            try:
                return getattr(self.primary, name)(*args)
            except self.errors as error:
                self._down_until = now + RETRY_SECONDS
                if now - self._warned_at >= WARN_EVERY_SECONDS:
                    self._warned_at = now
                    log.warning("Redis is unreachable (%s): counters and picture codes kept in this process", error)
        return getattr(self.memory, name)(*args)
