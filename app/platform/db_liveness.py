"""A pooled database connection is checked before use only when it has been idle a while.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: on PostgreSQL a round trip for every request
that reads anything, about 0.3 ms of a 4 ms public query page (bench/README.md). A connection that the previous
request handed back a moment ago is alive. One idle longer than ``DATABASE_PING_AFTER_IDLE_SECONDS`` (a database
restart, a failover or a firewall forgetting idle flows may have closed it since) is pinged first, with the
dialect's own ping, and replaced when the ping fails: SQLAlchemy's documented disconnect recipe for a ``checkout``
event (raising ``DisconnectionError`` makes the pool discard the connection and take another). A connection that
dies while in steady use is still found out by SQLAlchemy at its first error, which invalidates the whole pool.
"""

import time

from sqlalchemy import event, exc

_RETURNED = "portal_returned_at"
_now = time.monotonic  # tests move it


def install(engine, idle_seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _new(dbapi_connection, record):
        record.info[_RETURNED] = _now()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        record.info[_RETURNED] = _now()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        returned = record.info.get(_RETURNED)
        if returned is not None and _now() - returned < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection was closed while idle") from error
