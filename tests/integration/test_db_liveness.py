"""A pooled connection idle a while is pinged before use and replaced when it died; one just handed back is not.

(app/platform/db_liveness.py: SQLAlchemy's ``pool_pre_ping`` pinged at every checkout, a round trip for every page.)
Each test starts from an empty pool, so that the connections it uses are the ones it opened.
"""

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.platform import db_liveness


@pytest.fixture
def engine(app, db):
    with app.app_context():
        engine = db.engine
    engine.dispose()
    return engine


@pytest.fixture
def pings(engine, monkeypatch):
    """How many times the dialect's ping ran."""
    counted = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: counted.append(1) or original(connection))
    return counted


@pytest.fixture
def idle(monkeypatch):
    """Moves the clock the pool's connections are timed by an hour on."""

    def later():
        clock = db_liveness._now
        monkeypatch.setattr(db_liveness, "_now", lambda: clock() + 3600)

    return later


def _read(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT 1")).scalar_one()


def test_a_connection_new_or_handed_back_a_moment_ago_is_used_without_a_ping(app, engine, pings):
    for _ in range(5):
        assert _read(app) == 1
    assert pings == []


def test_an_idle_connection_is_pinged_once_before_use(app, engine, pings, idle):
    _read(app)
    idle()
    assert _read(app) == 1
    assert len(pings) == 1
    assert _read(app) == 1 and len(pings) == 1  # handed back just now: not again


def test_a_connection_that_died_while_idle_is_replaced_and_the_page_still_answers(app, engine, client, pings, idle):
    returned = []

    def keep(dbapi_connection, record):
        returned.append(dbapi_connection)

    event.listen(engine, "checkin", keep)
    try:
        _read(app)
    finally:
        event.remove(engine, "checkin", keep)
    assert len(returned) == 1
    if engine.dialect.name == "postgresql":  # the server ends the pooled session, from outside the pool
        import psycopg

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pid = returned[0].info.backend_pid
        with psycopg.connect(url, autocommit=True) as killer:
            assert killer.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0] is True
    else:  # SQLite has no server: the pooled connection is closed under the pool
        returned[0].close()
    idle()
    assert _read(app) == 1  # the dead connection was pinged, found dead and replaced
    assert len(pings) == 1
    assert client.get("/services/").status_code == 200
