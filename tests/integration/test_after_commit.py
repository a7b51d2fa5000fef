"""Work that waits for a commit (SMS notices, queued jobs, the generations that retire cached pages and
reports) waits for the whole transaction, not for a savepoint inside it.

SQLAlchemy calls ``after_commit`` when a savepoint is released too. Acting then sent texts about changes the
outer transaction could still roll back, and on SQLite each generation bump waited for the outer write lock
until SQLite's busy timeout (five seconds per submission)."""

import pytest
from sqlalchemy import func, select

from app.models import ApplicationEvent, SmsOutboxMessage
from app.services.cases import report_cache
from app.services.platform import sms
from tests.factories import ApplicationFactory

PHONE = "13912340000"


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


def outbox() -> int:
    return sms.db.session.scalar(select(func.count()).select_from(SmsOutboxMessage).filter_by(phone=PHONE))


def test_a_released_savepoint_sends_nothing_and_bumps_nothing_until_the_commit(ctx, db):
    application = ApplicationFactory()
    db.session.commit()
    before = report_cache.generation()
    with db.session.begin_nested():
        db.session.add(ApplicationEvent(application=application, action="accept", from_status="a", to_status="b"))
        sms.notify_after_commit(PHONE, "case_notice", "您的申请已受理")
    assert report_cache.generation() == before  # the savepoint's release is not the commit
    assert outbox() == 0
    db.session.commit()
    assert report_cache.generation() == before + 1
    assert outbox() == 1


def test_a_rolled_back_transaction_after_a_released_savepoint_sends_nothing(ctx, db):
    application = ApplicationFactory()
    db.session.commit()
    before = report_cache.generation()
    with db.session.begin_nested():
        db.session.add(ApplicationEvent(application=application, action="accept", from_status="a", to_status="b"))
        sms.notify_after_commit(PHONE, "case_notice", "您的申请已受理")
    db.session.rollback()
    assert report_cache.generation() == before
    assert outbox() == 0
