"""A small key/value store shared by every server process.

Redis when ``REDIS_URL`` is set (see store_fallback.py for when it is down);
otherwise the ``shared_store_entry`` table.
Used for SMS codes and their limits, picture codes and login-failure counts.
"""

import datetime

from flask import current_app
from sqlalchemy import String, delete, insert, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.exc import IntegrityError

from app import clock
from app.models import SharedStoreEntry

_TABLE = SharedStoreEntry.__table__


class SharedStore:
    def get(self, key: str) -> str | None:
        raise NotImplementedError

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        raise NotImplementedError

    def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Set only if absent (or expired); True when this call set it."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def pop(self, key: str) -> str | None:
        """Get and delete atomically: of parallel callers, one only gets the value."""
        raise NotImplementedError

    def incr(self, key: str, ttl_seconds: int) -> int:
        """Atomic counter; the expiry is fixed when the counter is created."""
        raise NotImplementedError

    def decr(self, key: str) -> None:
        """Take one back from a live counter (a refund); an absent or expired counter stays absent."""
        raise NotImplementedError

    def incr_many(self, counters: list[tuple[str, int]]) -> list[int]:
        """Several ``incr`` (key, ttl) at once: one round trip where the store allows it."""
        return [self.incr(key, ttl_seconds) for key, ttl_seconds in counters]

    def ttl(self, key: str) -> int | None:
        raise NotImplementedError


class RedisStore(SharedStore):
    def __init__(self, client, prefix: str = "portal:"):
        self.client = client
        self.prefix = prefix

    def _k(self, key):
        return self.prefix + key

    def get(self, key):
        return self.client.get(self._k(key))

    def set(self, key, value, ttl_seconds):
        self.client.set(self._k(key), value, ex=max(int(ttl_seconds), 1))

    def add(self, key, value, ttl_seconds):
        return bool(self.client.set(self._k(key), value, ex=max(int(ttl_seconds), 1), nx=True))

    def delete(self, key):
        self.client.delete(self._k(key))

    def pop(self, key):
        return self.client.getdel(self._k(key))

    def incr(self, key, ttl_seconds):
        pipe = self.client.pipeline()
        pipe.incr(self._k(key))
        pipe.expire(self._k(key), max(int(ttl_seconds), 1), nx=True)
        count, _ = pipe.execute()
        return int(count)

    _DECR = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0"

    def decr(self, key):
        if not hasattr(self, "_decr_script"):
            self._decr_script = self.client.register_script(self._DECR)
        self._decr_script(keys=[self._k(key)])

    # INCR each key, giving a new counter its expiry: one command and one reply for them all.
    _INCR_MANY = """
        local counts = {}
        for i, key in ipairs(KEYS) do
            counts[i] = redis.call('INCR', key)
            if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
        end
        return counts
    """

    def incr_many(self, counters):
        if not hasattr(self, "_incr_many_script"):
            self._incr_many_script = self.client.register_script(self._INCR_MANY)
        counts = self._incr_many_script(
            keys=[self._k(key) for key, _ttl in counters], args=[max(int(ttl), 1) for _key, ttl in counters]
        )
        return [int(count) for count in counts]

    def ttl(self, key):
        remaining = self.client.ttl(self._k(key))
        return remaining if remaining is not None and remaining >= 0 else None


def _now() -> datetime.datetime:
    return clock.now()


class DatabaseStore(SharedStore):
    """Each operation is its own short transaction: it never touches the caller's session."""

    def __init__(self, engine):
        self.engine = engine

    @staticmethod
    def _expiry(ttl_seconds):
        return _now() + datetime.timedelta(seconds=max(int(ttl_seconds), 1))

    def _live_row(self, conn, key):
        return conn.execute(
            select(_TABLE.c.value, _TABLE.c.counter, _TABLE.c.expires_at).where(
                _TABLE.c.key == key, _TABLE.c.expires_at > _now()
            )
        ).first()

    def get(self, key):
        with self.engine.begin() as conn:
            row = self._live_row(conn, key)
        return row.value if row else None

    def set(self, key, value, ttl_seconds):
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(_TABLE)
                .where(_TABLE.c.key == key)
                .values(value=value, counter=0, expires_at=self._expiry(ttl_seconds))
            ).rowcount
            if not updated:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(_TABLE).values(key=key, value=value, counter=0, expires_at=self._expiry(ttl_seconds))
                        )
                except IntegrityError:
                    conn.execute(
                        update(_TABLE)
                        .where(_TABLE.c.key == key)
                        .values(value=value, counter=0, expires_at=self._expiry(ttl_seconds))
                    )

    def add(self, key, value, ttl_seconds):
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key, _TABLE.c.expires_at <= _now()))
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(_TABLE).values(key=key, value=value, counter=0, expires_at=self._expiry(ttl_seconds))
                    )
            except IntegrityError:
                return False
        return True

    def delete(self, key):
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key))

    def pop(self, key):
        with self.engine.begin() as conn:
            row = conn.execute(
                delete(_TABLE).where(_TABLE.c.key == key, _TABLE.c.expires_at > _now()).returning(_TABLE.c.value)
            ).first()
        return row.value if row else None

    def incr(self, key, ttl_seconds):
        return self.incr_many([(key, ttl_seconds)])[0]

    def incr_many(self, counters):
        """Every counter in one transaction: one commit for a query page's counts, not one per counter.

        Taken in key order (and answered in the order asked), so that two requests counting the same
        keys never wait for each other's rows crosswise.
        """
        counts = [0] * len(counters)
        with self.engine.begin() as conn:
            for index in sorted(range(len(counters)), key=lambda i: counters[i][0]):
                key, ttl_seconds = counters[index]
                counts[index] = self._incr(conn, key, ttl_seconds)
        return counts

    def _incr(self, conn, key, ttl_seconds) -> int:
        for _ in range(3):
            # ``get`` reads counters as text, as Redis does: the text moves with the number.
            updated = conn.execute(
                update(_TABLE)
                .where(_TABLE.c.key == key, _TABLE.c.expires_at > _now())
                .values(counter=_TABLE.c.counter + 1, value=sa_cast(_TABLE.c.counter + 1, String))
                .returning(_TABLE.c.counter)
            ).first()
            if updated is not None:
                return int(updated.counter)
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key, _TABLE.c.expires_at <= _now()))
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(_TABLE).values(key=key, value="1", counter=1, expires_at=self._expiry(ttl_seconds))
                    )
                return 1
            except IntegrityError:
                continue  # another process created it first: count on it
        raise RuntimeError(f"could not increment {key}")

    def decr(self, key):
        with self.engine.begin() as conn:
            conn.execute(
                update(_TABLE)
                .where(_TABLE.c.key == key, _TABLE.c.expires_at > _now())
                .values(counter=_TABLE.c.counter - 1, value=sa_cast(_TABLE.c.counter - 1, String))
            )

    def ttl(self, key):
        with self.engine.begin() as conn:
            row = self._live_row(conn, key)
        if row is None:
            return None
        return max(int((row.expires_at - _now()).total_seconds()), 0)

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= _now())).rowcount


def get_store(strict: bool = False) -> SharedStore:
    """The store; with Redis, one that makes do in memory while Redis is down.

    ``strict=True`` is for what must not make do (SMS codes): while Redis is
    down it raises ``store_fallback.StoreUnavailable``.
    """
    store = current_app.extensions.get("portal_shared_store")
    if store is None:
        url = current_app.config.get("REDIS_URL")
        if url:
            import redis

            from app.services.platform.store_fallback import FallbackStore

            client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=1, socket_timeout=2)
            store = FallbackStore(RedisStore(client))
        else:
            from app.extensions import db

            store = DatabaseStore(db.engine)
        current_app.extensions["portal_shared_store"] = store
    if strict and hasattr(store, "strict"):
        return store.strict()
    return store
