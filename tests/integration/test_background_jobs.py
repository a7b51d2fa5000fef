"""Background jobs without a broker (issue 17 item 3): each runs at once in the request that queues it.

SMS go out through ``sms_job`` rows (a dead letter when the gateway refuses them), carrying the request id and
the account; the clean-up removes only what has expired; beat has the clean-up and the expiry reminders' slot.
The same jobs on a real Celery worker: tests/integration/test_celery_worker.py.
"""

import datetime

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import Application, InboxMessage, SharedStoreEntry, SmsJob, SmsOutboxMessage
from app.services.cases.workflow import Status
from app.services.platform import housekeeping, jobs, sms
from tests.factories import AccountFactory, PersonRegistrationFactory, constructor_initial

PHONE = "13912345678"


class BrokenGateway(sms.SmsGateway):
    def send(self, phone, purpose, text):
        raise ConnectionError("gateway down")


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


def test_without_a_broker_jobs_run_in_the_request(app, ctx):
    assert jobs.eager()
    assert sms.send_code(PHONE, "register").sent
    assert app.extensions["celery"].conf.task_always_eager
    job = sms.db.session.scalars(select(SmsJob)).one()
    assert (job.state, job.attempts, job.phone, job.purpose) == ("sent", 1, PHONE, "register")
    assert job.content == "", "a verification code is never kept in the job table"
    assert sms.latest_outbox_code(PHONE, "register") is not None


def test_a_notification_is_sent_after_the_commit_and_kept_in_its_job(app, ctx, db):
    sms.notify_after_commit(PHONE, "notice", "您的申请已受理")
    assert db.session.scalar(select(func.count(SmsJob.id))) == 0, "nothing before the commit"
    db.session.commit()
    job = db.session.scalars(select(SmsJob)).one()
    assert (job.state, job.content) == ("sent", "您的申请已受理")
    assert db.session.scalars(select(SmsOutboxMessage.content)).one() == "您的申请已受理"


def test_a_refused_notification_becomes_a_dead_letter_with_its_error(app, ctx, db, monkeypatch):
    monkeypatch.setattr(sms, "gateway", BrokenGateway)
    sms.notify_after_commit(PHONE, "notice", "您的申请已受理")
    db.session.commit()  # the change itself stays committed
    job = db.session.scalars(select(SmsJob)).one()
    assert (job.state, job.attempts, job.last_error) == ("dead", 1, "ConnectionError: gateway down")
    assert job.finished_at is not None
    assert db.session.scalar(select(func.count(SmsOutboxMessage.id))) == 0


def test_a_code_the_gateway_refuses_is_reported_at_once_and_left_dead(app, ctx, db, monkeypatch):
    monkeypatch.setattr(sms, "gateway", BrokenGateway)
    result = sms.send_code(PHONE, "register")
    assert not result.sent and result.error == "unavailable"
    assert db.session.scalars(select(SmsJob.state)).one() == "dead"


def test_a_job_already_sent_is_not_sent_again(app, ctx, db):
    job_id = sms.dispatch(PHONE, "notice", "一次")
    assert sms.deliver.apply(args=(job_id,)).get() == "sent", "its row says so: the job does nothing more"
    assert db.session.scalar(select(func.count(SmsOutboxMessage.id))) == 1


def test_the_job_carries_the_request_id_and_the_account(app, client, db, known_captcha, new_captcha_id):
    response = client.post(
        "/verify/sms",
        data={"phone": PHONE, "purpose": "register", "captcha": known_captcha, "captcha_id": new_captcha_id(client)},
        headers={"X-Request-Id": "req-7f3a"},
    )
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "req-7f3a"
    assert db.session.scalars(select(SmsJob.request_id)).one() == "req-7f3a"
    other = client.get("/", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert len(other) == 32 and " " not in other, "an implausible id is replaced by a new one"


def test_the_back_office_lists_dead_letters(app, client, db, staff_factory, login_staff, monkeypatch):
    with app.test_request_context():
        monkeypatch.setattr(sms, "gateway", BrokenGateway)
        sms.send_code(PHONE, "register")
    monkeypatch.undo()
    staff_factory("AccountOfficer", username="accounts")
    login_staff("accounts")
    page = client.get("/smsjobadminview/list/").get_data(as_text=True)
    assert "发送失败（死信）" in page and "ConnectionError: gateway down" in page
    assert "139****5678" in page and PHONE not in page


def _draft(account, saved: datetime.datetime) -> Application:
    draft = Application(account=account, item=constructor_initial(), status=Status.DRAFT, data={})
    sms.db.session.add(draft)
    sms.db.session.flush()
    draft.updated_at = saved
    return draft


def test_the_cleanup_removes_only_what_has_expired(app, ctx, db):
    now = clock.now()
    account = AccountFactory()
    draft = _draft(account, now - datetime.timedelta(days=400))  # drafts are the reminders' to discard, not this
    db.session.add_all(
        [
            SharedStoreEntry(key="face:token:old", value="{}", expires_at=now - datetime.timedelta(seconds=1)),
            SharedStoreEntry(key="sms:code:register:1", value="{}", expires_at=now + datetime.timedelta(minutes=5)),
            SmsJob(phone=PHONE, purpose="notice", state="sent", created_at=now - datetime.timedelta(days=31)),
            SmsJob(phone=PHONE, purpose="notice", state="dead", created_at=now - datetime.timedelta(days=31)),
            SmsJob(phone=PHONE, purpose="lost", state="queued", created_at=now - datetime.timedelta(hours=2)),
        ]
    )
    db.session.commit()
    draft_id = draft.id
    removed = housekeeping.cleanup()
    assert removed["shared_store_entries"] == 1 and removed["sms_jobs"] == 1
    assert db.session.scalars(select(SharedStoreEntry.key)).all() == ["sms:code:register:1"]
    assert db.session.scalars(select(Application.id)).all() == [draft_id]
    assert sorted(db.session.scalars(select(SmsJob.state))) == ["dead", "dead"], "dead letters stay for operators"
    lost = db.session.scalars(select(SmsJob).where(SmsJob.purpose == "lost")).one()
    assert lost.last_error == housekeeping.STALE_JOB
    assert housekeeping.cleanup() == {"shared_store_entries": 0, "sms_jobs": 0, "certificate_files": 0}


def test_beat_runs_the_cleanup_the_expiry_reminders_and_the_webhooks(app, ctx, db):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["housekeeping-cleanup"]["task"] == "portal.housekeeping.cleanup"
    assert schedule["expiry-reminders"]["task"] == "portal.housekeeping.expiry_reminders"
    assert schedule["webhooks"]["task"] == "portal.housekeeping.webhooks"
    account = AccountFactory(real_name="王建平")
    PersonRegistrationFactory(
        holder_name="王建平",
        holder_document_number=account.document_number,
        valid_to=clock.today() + datetime.timedelta(days=30),
        registration_number="京1112027000009",
    )
    db.session.commit()

    def reminders() -> list[str]:
        rows = select(InboxMessage.title).filter_by(account_id=account.id, category="reminder")
        return list(db.session.scalars(rows))

    assert "delivered: 1" in housekeeping.expiry_reminders_job.apply().get()
    assert reminders() == ["注册证书京1112027000009将于30天后到期"]
    assert "delivered: 0" in housekeeping.expiry_reminders_job.apply().get()  # beat running twice sends nothing
    assert reminders() == ["注册证书京1112027000009将于30天后到期"]
    assert housekeeping.webhooks_job.apply().get() == "webhooks delivered: 0; to retry: 0; given up: 0"


def test_the_cleanup_command_runs_what_beat_runs(app, db):
    db.session.add(SharedStoreEntry(key="captcha:old", value="x", expires_at=clock.now() - datetime.timedelta(1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "cleanup"])
    assert result.exit_code == 0 and "shared_store_entries=1" in result.output
    assert db.session.scalar(select(func.count()).select_from(SharedStoreEntry)) == 0
