"""The queue's partial index (PostgreSQL) holds exactly the statuses some staff step starts from."""

from app.models.case import QUEUE_STATUSES
from app.services.cases import queue
from app.services.cases.handling import STAFF_ACTIONS


def test_the_queue_index_holds_every_status_a_queue_can_show():
    # A status added to the workflow and not to the index would make PostgreSQL sort or skip the index.
    assert list(QUEUE_STATUSES) == queue.statuses_for(STAFF_ACTIONS)


def test_a_page_key_round_trips_and_refuses_what_is_not_one():
    import datetime

    from app.models import Application

    case = Application(id=42, due_on=datetime.date(2026, 12, 10), submitted_at=datetime.datetime(2026, 12, 1, 8, 30))
    key = queue.key_of(case)
    assert queue.parse_key(key) == (datetime.date(2026, 12, 10), datetime.datetime(2026, 12, 1, 8, 30), 42)
    case.due_on = None
    assert queue.parse_key(queue.key_of(case))[0] is None
    for bad in ("", "x", "2026-13-01.20261201083000000000.1", "2026-12-10.2026.1", "a.b.c.d", "-.-.1"):
        assert queue.parse_key(bad) is None
