"""Background jobs on a real Celery worker (issue 17 item 3): ``celery -A app.worker worker --beat`` on a private
Redis broker and the test database, as ``make worker`` starts it.

One test, one worker (starting it is most of the time): a queued SMS is sent by the worker, with the request id
in the worker's log; an SMS the gateway refuses is tried again after growing waits and ends as a dead letter;
beat runs the clean-up, which removes an expired shared-store row.
"""

import datetime

import pytest
from sqlalchemy import select

from app import clock, log_context
from app.models import SharedStoreEntry, SmsJob, SmsOutboxMessage
from app.services.platform import jobs, sms
from tests.celery_worker import CeleryWorker
from tests.private_redis import PrivateRedis
from tests.sms_gateways import REFUSED_PREFIX

RETRY_SECONDS = 0.5
RETRIES = 2


@pytest.fixture
def broker(tmp_path):
    server = PrivateRedis(tmp_path)
    try:
        yield server.url
    finally:
        server.stop()


def _job(db, job_id) -> SmsJob | None:
    db.session.expire_all()
    return db.session.get(SmsJob, job_id)


def test_a_real_worker_sends_retries_with_back_off_dead_letters_and_runs_beats_cleanup(
    app, db, broker, tmp_path, monkeypatch
):
    attempts_file = tmp_path / "attempts"
    attempts_file.write_text("")
    # The worker runs on the machine's clock, the test on the suite's (CI moves it up to two days ahead):
    # expired on both.
    expired = SharedStoreEntry(key="face:token:gone", value="{}", expires_at=clock.now() - datetime.timedelta(days=3))
    db.session.add(expired)
    db.session.commit()
    worker = CeleryWorker(
        tmp_path,
        {
            "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "CELERY_BROKER_URL": broker,
            "SMS_GATEWAY": "tests.sms_gateways.RefusingGateway",
            "TEST_SMS_ATTEMPTS_FILE": str(attempts_file),
            "SMS_JOB_RETRIES": str(RETRIES),
            "SMS_JOB_RETRY_SECONDS": str(RETRY_SECONDS),
            "CLEANUP_INTERVAL_SECONDS": "1",
        },
    )
    try:
        # This process queues on the broker, as a portal with CELERY_BROKER_URL does.
        monkeypatch.setitem(app.config, "CELERY_BROKER_URL", broker)
        monkeypatch.setitem(app.extensions, "portal_jobs", jobs._settings(app.config))
        with app.test_request_context(), log_context.bound({"request_id": "req-worker-1", "account_id": 42}):
            assert not jobs.eager()
            sent_id = sms.dispatch("13912345678", "notice", "您的申请已受理")
            refused_id = sms.dispatch(REFUSED_PREFIX + "0001", "notice", "您的申请已受理")
            assert _job(db, sent_id).state == "queued", "queued: the request does not wait for the gateway"

        job = worker.wait_for(lambda: (j := _job(db, sent_id)) and j.state == "sent" and j, "SMS sent by the worker")
        assert (job.attempts, job.request_id, job.account_id) == (1, "req-worker-1", 42)
        assert db.session.scalars(select(SmsOutboxMessage.phone)).all() == ["13912345678"]
        assert f"SMS job {sent_id} to 139****5678 sent (attempt 1) (request=req-worker-1 account=42)" in worker.log()

        dead = worker.wait_for(lambda: (j := _job(db, refused_id)) and j.state == "dead" and j, "a dead letter")
        assert dead.attempts == RETRIES + 1 and dead.last_error == "ConnectionError: gateway refused the text"
        moments = [float(line) for line in attempts_file.read_text().split()]
        assert len(moments) == RETRIES + 1, "tried once, then retried SMS_JOB_RETRIES times, no more"
        waits = [later - earlier for earlier, later in zip(moments, moments[1:])]
        assert waits[0] >= RETRY_SECONDS and waits[1] >= 2 * RETRY_SECONDS, f"exponential back-off: {waits}"
        assert "left as a dead letter" in worker.log() and "request=req-worker-1" in worker.log()

        def cleaned_up():
            db.session.expire_all()
            return db.session.get(SharedStoreEntry, "face:token:gone") is None

        worker.wait_for(cleaned_up, "beat's clean-up of the expired row")
        assert "portal.housekeeping.cleanup" in worker.log()
    finally:
        worker.stop()
    assert worker.process.returncode is not None
