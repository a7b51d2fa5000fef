"""到期提醒 (``flask portal send-reminders``): on a fixed clock, across the thresholds, exactly once.

Each test moves the portal's one clock (time-machine) to a morning in Beijing and runs the job as cron
would; what the holder gets is read where they read it: 我的消息 rows and the SMS gateway's outbox.
"""

import datetime

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import clock
from app.models import (
    Application,
    ApplicationEvent,
    CertificateEndorsement,
    ElectronicCertificate,
    InboxMessage,
    ReminderDelivery,
    SmsOutboxMessage,
)
from app.services.reminders import job
from tests.factories import AccountFactory, ApplicationFactory, PersonRegistrationFactory

START = datetime.date(2027, 1, 4)
PASSWORD = "Secure2026pass"


def morning(day: datetime.date) -> datetime.datetime:
    """09:00 in Beijing on ``day``, as an aware instant."""
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=clock.CHINA)


def run_on(day: datetime.date) -> job.Report:
    with time_machine.travel(morning(day), tick=False):
        return job.send_reminders()


def reminders_of(db, account) -> list[InboxMessage]:
    return list(
        db.session.scalars(select(InboxMessage).filter_by(account_id=account.id, category="reminder").order_by("id"))
    )


def sms_to(db, account) -> list[str]:
    return list(
        db.session.scalars(
            select(SmsOutboxMessage.content).filter_by(phone=account.phone, purpose="reminder").order_by("id")
        )
    )


@pytest.fixture
def holder(db):
    with time_machine.travel(morning(START), tick=False):
        account = AccountFactory(real_name="王建平", password=generate_password_hash(PASSWORD))
        registration = PersonRegistrationFactory(
            holder_name="王建平",
            holder_document_number=account.document_number,
            valid_from=START - datetime.timedelta(days=1000),
            valid_to=START + datetime.timedelta(days=120),
            registration_number="京1112027000001",
        )
    db.session.commit()
    return account, registration


def test_registration_expiry_is_reminded_at_90_30_and_7_days_once_each(db, holder):
    account, registration = holder
    ends = registration.valid_to
    delivered = {}
    for days_before in (100, 91, 90, 90, 89, 60, 31, 30, 30, 29, 8, 7, 7, 3, 1, 0, -1):
        report = run_on(ends - datetime.timedelta(days=days_before))
        delivered[days_before] = delivered.get(days_before, 0) + report.delivered
    assert {d: n for d, n in delivered.items() if n} == {90: 1, 30: 1, 7: 1}
    messages = reminders_of(db, account)
    assert [m.title for m in messages] == [
        "注册证书京1112027000001将于90天后到期",
        "注册证书京1112027000001将于30天后到期",
        "注册证书京1112027000001将于7天后到期",
    ]
    assert ends.isoformat() in messages[0].body and "延续注册" in messages[0].body
    assert all(m.read_at is None for m in messages)
    texts = sms_to(db, account)
    assert len(texts) == 3 and "90天后到期" in texts[0] and "我的消息" in texts[0]
    keys = db.session.scalars(select(ReminderDelivery.threshold_days).order_by(ReminderDelivery.id)).all()
    assert keys == [90, 30, 7]


def test_a_job_that_did_not_run_for_weeks_sends_only_the_threshold_of_the_day(db, holder):
    account, registration = holder
    report = run_on(registration.valid_to - datetime.timedelta(days=25))
    assert report.delivered == 1
    assert [m.title for m in reminders_of(db, account)] == ["注册证书京1112027000001将于25天后到期"]
    assert db.session.scalar(select(ReminderDelivery.threshold_days)) == 30


def test_a_renewed_registration_is_reminded_again_before_its_new_end(db, holder):
    account, registration = holder
    run_on(registration.valid_to - datetime.timedelta(days=30))
    registration.valid_to = registration.valid_to + datetime.timedelta(days=3 * 365)  # 延续注册
    db.session.commit()
    assert run_on(registration.valid_to - datetime.timedelta(days=90)).delivered == 1
    assert len(reminders_of(db, account)) == 2


def test_the_job_run_twice_and_a_crash_midway_still_deliver_each_reminder_once(db, holder, monkeypatch):
    account, registration = holder
    others = []
    with time_machine.travel(morning(START), tick=False):
        for n in range(3):
            other = AccountFactory(real_name=f"李{n}")
            PersonRegistrationFactory(
                holder_document_number=other.document_number, valid_to=registration.valid_to, valid_from=START
            )
            others.append(other)
    db.session.commit()
    day = registration.valid_to - datetime.timedelta(days=30)

    real_texts, calls = job._texts, {"n": 0}

    def crashing_texts(due, today):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the machine stops here")
        return real_texts(due, today)

    monkeypatch.setattr(job, "_texts", crashing_texts)
    with pytest.raises(RuntimeError):
        run_on(day)
    assert db.session.scalar(select(ReminderDelivery.id).where(ReminderDelivery.id.is_(None))) is None
    assert db.session.query(ReminderDelivery).count() == 2  # the two before the crash, whole
    assert db.session.query(InboxMessage).filter_by(category="reminder").count() == 2
    monkeypatch.setattr(job, "_texts", real_texts)

    second = run_on(day)
    third = run_on(day)
    assert (second.delivered, second.already) == (2, 2)
    assert (third.delivered, third.already, third.sms_sent) == (0, 4, 0)
    for person in (account, *others):
        assert len(reminders_of(db, person)) == 1
        assert len(sms_to(db, person)) == 1


def test_a_reminder_another_run_claimed_first_is_not_delivered_again(db, holder, monkeypatch):
    """Two runs at once: the key's unique index lets only one of them write the reminder."""
    account, registration = holder
    day = registration.valid_to - datetime.timedelta(days=7)
    due = job.due_reminders(day)[0]
    db.session.add(
        ReminderDelivery(
            key=due.key, account_id=account.id, kind=due.kind, threshold_days=7, subject="", due_on=due.due_on
        )
    )
    db.session.commit()
    monkeypatch.setattr(job, "delivered_before", lambda key: False)  # the other run's row is not seen yet
    report = run_on(day)
    assert (report.delivered, report.already) == (0, 1)
    assert reminders_of(db, account) == []


def test_sms_keep_to_the_daily_number_per_holder_and_a_failed_gateway_is_retried_once(db, holder, app, monkeypatch):
    account, registration = holder
    with time_machine.travel(morning(START), tick=False):
        for n in range(2):
            PersonRegistrationFactory(
                holder_document_number=account.document_number,
                valid_from=START,
                valid_to=registration.valid_to - datetime.timedelta(days=n + 1),
            )
    db.session.commit()
    monkeypatch.setitem(app.config, "REMINDER_SMS_PER_PHONE_PER_DAY", 2)
    day = registration.valid_to - datetime.timedelta(days=7)
    report = run_on(day)
    assert (report.delivered, report.sms_sent, report.sms_waiting) == (3, 2, 1)
    assert len(reminders_of(db, account)) == 3
    assert run_on(day).sms_sent == 0  # the same day: the holder has had today's two

    from app.services.platform import sms

    def broken_gateway():
        raise ConnectionError("gateway down")

    monkeypatch.setattr(sms, "gateway", broken_gateway)
    assert run_on(day + datetime.timedelta(days=1)).sms_sent == 0
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "REMINDER_SMS_PER_PHONE_PER_DAY", 2)
    assert run_on(day + datetime.timedelta(days=1)).sms_sent == 1
    assert run_on(day + datetime.timedelta(days=2)).sms_sent == 0
    assert len(sms_to(db, account)) == 3


def test_the_65th_birthday_ending_a_grade_1_constructor_registration(db):
    birthday = START + datetime.timedelta(days=60)
    with time_machine.travel(morning(START), tick=False):
        account = AccountFactory(birth_date=birthday.replace(year=birthday.year - 65))
        PersonRegistrationFactory(
            holder_document_number=account.document_number,
            valid_from=START - datetime.timedelta(days=500),
            valid_to=START + datetime.timedelta(days=600),
            registration_number="京1112027000002",
        )
        architect = AccountFactory(birth_date=birthday.replace(year=birthday.year - 65))
        PersonRegistrationFactory(
            holder_document_number=architect.document_number, qualification="architect_1", valid_from=START
        )
    db.session.commit()
    for days_before in (91, 90, 45, 30, 7, 0):
        run_on(birthday - datetime.timedelta(days=days_before))
    titles = [m.title for m in reminders_of(db, account)]
    assert titles == ["注册证书京1112027000002将于您年满65周岁之日终止"] * 3
    assert [d.threshold_days for d in db.session.query(ReminderDelivery).order_by("id")] == [90, 30, 7]
    assert reminders_of(db, architect) == []


def _returned_case(db, returned_on: datetime.date) -> Application:
    case = ApplicationFactory(status="submitted", number="202701040000001")
    case.status = "returned"
    case.events.append(
        ApplicationEvent(
            action="request_correction",
            from_status="submitted",
            to_status="returned",
            created_at=clock.utc_of(datetime.datetime.combine(returned_on, datetime.time(10))),
        )
    )
    db.session.commit()
    return case


def test_a_returned_case_is_reminded_7_days_and_1_day_before_its_correction_time_ends(db, app):
    case = _returned_case(db, START)
    ends = START + datetime.timedelta(days=app.config["CORRECTION_TIME_LIMIT_DAYS"])
    sent = [run_on(ends - datetime.timedelta(days=d)).delivered for d in (10, 7, 6, 1, 0, -1)]
    assert sent == [0, 1, 0, 1, 0, 0]
    messages = reminders_of(db, case.account)
    assert [m.title for m in messages] == [f"请于{ends.isoformat()}前补正申报{case.number}"] * 2
    assert "视为撤回申请" in messages[1].body and messages[1].application_id == case.id


def test_a_corrected_case_gets_no_reminder(db, app):
    case = _returned_case(db, START)
    case.status = "resubmitted"
    db.session.commit()
    ends = START + datetime.timedelta(days=app.config["CORRECTION_TIME_LIMIT_DAYS"])
    assert run_on(ends - datetime.timedelta(days=7)).delivered == 0


def _endorsed(db, account, valid_to: datetime.date, number: str) -> CertificateEndorsement:
    registration = PersonRegistrationFactory(holder_document_number=account.document_number, valid_from=START)
    certificate = ElectronicCertificate(registration=registration, number=number, issued_on=START)
    endorsement = CertificateEndorsement(
        certificate=certificate,
        account_id=account.id,
        purpose="bidding",
        valid_from=START,
        valid_to=valid_to,
        public_code=number.rjust(32, "0"),
        payload="{}",
        signature="0" * 128,
        key_id="k1",
    )
    db.session.add(endorsement)
    db.session.commit()
    return endorsement


def _old_draft(db, account, days_old: int) -> Application:
    with time_machine.travel(morning(START - datetime.timedelta(days=days_old)), tick=False):
        draft = ApplicationFactory(account=account, status="draft", number=None, submitted_at=None)
    db.session.commit()
    return draft


def test_endorsements_and_drafts_are_reminded_unless_the_holder_opted_out(db, app):
    with time_machine.travel(morning(START), tick=False):
        keen = AccountFactory()
        quiet = AccountFactory(statutory_reminders_only=True)
    db.session.commit()
    retention = app.config["DRAFT_RETENTION_DAYS"]
    for person in (keen, quiet):
        _endorsed(db, person, START + datetime.timedelta(days=7), f"ZS202700000{person.id}")
        _old_draft(db, person, retention - 7)
    report = run_on(START)
    assert (report.delivered, report.opted_out) == (2, 2)
    titles = sorted(m.title for m in reminders_of(db, keen))
    discard_on = (START + datetime.timedelta(days=7)).isoformat()
    assert titles == [
        f"您的草稿（一级建造师执业资格认定（初始注册））将于{discard_on}作废",
        f"证照ZS202700000{keen.id}的加注将于{discard_on}到期",
    ]
    assert reminders_of(db, quiet) == []
    assert run_on(START + datetime.timedelta(days=6)).delivered == 1  # the endorsement's last-day reminder


def test_the_command_is_what_cron_runs_and_is_idempotent(app, db, holder):
    _account, registration = holder
    day = (registration.valid_to - datetime.timedelta(days=90)).isoformat()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["portal", "send-reminders", "--date", day])
    again = runner.invoke(args=["portal", "send-reminders", "--date", day])
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "reminders delivered: 1 (registration_expiry=1)" in first.output
    assert "reminders delivered: 0" in again.output and "already delivered: 1" in again.output


def test_a_draft_is_discarded_on_its_discard_day_after_its_reminder(db, app):
    from app.models import AuditRecord

    with time_machine.travel(morning(START), tick=False):
        account = AccountFactory()
    db.session.commit()
    draft = _old_draft(db, account, app.config["DRAFT_RETENTION_DAYS"] - 7)
    draft_id = draft.id
    assert run_on(START).delivered == 1
    assert run_on(START + datetime.timedelta(days=6)).drafts_discarded == 0
    assert db.session.get(Application, draft_id) is not None
    report = run_on(START + datetime.timedelta(days=7))
    assert report.drafts_discarded == 1
    db.session.expire_all()
    assert db.session.get(Application, draft_id) is None
    assert [m.application_id for m in reminders_of(db, account)] == [None]  # the reminder stays in 我的消息
    assert db.session.query(AuditRecord).filter_by(event="application.draft_discarded").count() == 1


def _sign_in(client, account):
    response = client.post(
        "/account/login", data={"kind": "personal", "identifier": account.phone, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_my_messages_show_reminders_beside_case_messages_and_the_user_centre_counts_the_unread(client, db, holder):
    from app.services.cases.applications import tell

    account, registration = holder
    run_on(registration.valid_to - datetime.timedelta(days=30))
    case = ApplicationFactory(account=account)
    tell(account, case, "申报20260301已受理", "您的申请已受理。")
    db.session.commit()
    _sign_in(client, account)
    index = client.get("/user/").get_data(as_text=True)
    assert 'id="unread-badge"' in index and ">2</span>" in index
    page = client.get("/user/messages").get_data(as_text=True)
    assert "注册证书京1112027000001将于30天后到期" in page and "申报20260301已受理" in page
    assert 'message-kind-reminder">提醒' in page and 'message-kind-case">办件消息' in page
    assert page.count('class="unread"') == 2
    client.post("/user/messages/read", data={})
    assert 'id="unread-badge"' not in client.get("/user/").get_data(as_text=True)
    assert 'class="unread"' not in client.get("/user/messages").get_data(as_text=True)


def test_the_holder_opts_out_of_non_statutory_reminders_in_account_settings(client, db, holder):
    from app.models import Account, AuditRecord

    account, _registration = holder
    _sign_in(client, account)
    page = client.get("/user/settings").get_data(as_text=True)
    assert "只接收法定提醒" in page
    response = client.post("/user/settings", data={"action": "reminders", "reminders-statutory_only": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Account, account.id).statutory_reminders_only is True
    assert db.session.query(AuditRecord).filter_by(event="account.reminder_preference").count() == 1
    assert "checked" in client.get("/user/settings").get_data(as_text=True).split('id="reminders-section"')[1]
    client.post("/user/settings", data={"action": "reminders"})
    db.session.expire_all()
    assert db.session.get(Account, account.id).statutory_reminders_only is False


def test_the_preference_form_needs_its_csrf_token(app, client, db, holder):
    from app.models import Account

    account, _registration = holder
    _sign_in(client, account)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.post("/user/settings", data={"action": "reminders", "reminders-statutory_only": "y"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Account, account.id).statutory_reminders_only is False


def test_staff_see_the_reminders_sent_with_masked_holders(client, db, holder, staff_factory, login_staff):
    account, registration = holder
    run_on(registration.valid_to - datetime.timedelta(days=7))
    staff_factory("AccountOfficer", username="accounts1")
    login_staff("accounts1")
    page = client.get("/reminderdeliveryadminview/list/").get_data(as_text=True)
    assert "京1112027000001" in page and "注册有效期届满" in page and "王建平" in page
    assert account.phone not in page and account.document_number not in page
