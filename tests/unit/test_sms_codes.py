"""SMS verification codes: single use, five tries, five minutes, send limits, hashed."""

import json

import pytest

from app.models import SmsOutboxMessage
from app.services.platform import sms
from app.services.platform.shared_store import get_store

PHONE = "13812345678"


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


def sent_code(phone=PHONE, purpose="register"):
    return sms.latest_outbox_code(phone, purpose)


def test_send_writes_a_six_digit_code_to_the_outbox(ctx, db):
    result = sms.send_code(PHONE, "register")
    assert result.sent
    message = db.session.query(SmsOutboxMessage).one()
    assert message.phone == PHONE and message.purpose == "register"
    assert "住房和城乡建设部政务服务门户" in message.content and "5分钟" in message.content
    assert len(sent_code()) == 6


def test_code_is_single_use(ctx):
    sms.send_code(PHONE, "register")
    code = sent_code()
    assert sms.verify_code(PHONE, "register", code).ok
    again = sms.verify_code(PHONE, "register", code)
    assert not again.ok and again.error == "expired_or_absent"


def test_five_wrong_tries_burn_the_code(ctx):
    sms.send_code(PHONE, "register")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    results = [sms.verify_code(PHONE, "register", wrong) for _ in range(5)]
    assert [r.error for r in results] == ["wrong"] * 4 + ["too_many_attempts"]
    assert "还可尝试1次" in str(results[3].message)
    assert not sms.verify_code(PHONE, "register", code).ok


def test_code_expires(ctx, monkeypatch):
    sms.send_code(PHONE, "register")
    code = sent_code()
    get_store().delete(f"sms:code:register:{PHONE}")  # what the store's expiry does after 5 minutes
    result = sms.verify_code(PHONE, "register", code)
    assert result.error == "expired_or_absent"
    assert "重新获取" in str(result.message)


def test_code_lives_five_minutes(ctx):
    sms.send_code(PHONE, "register")
    assert 295 <= get_store().ttl(f"sms:code:register:{PHONE}") <= 300


def test_resend_within_a_minute_is_refused(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    assert sms.send_code(PHONE, "register").sent
    second = sms.send_code(PHONE, "reset_password")
    assert not second.sent and second.error == "cooldown" and 0 < second.retry_after <= 60


def test_ten_per_day(app, ctx, db):
    results = [sms.send_code(PHONE, "register") for _ in range(11)]
    assert all(r.sent for r in results[:10])
    assert results[10].error == "daily_limit"
    assert db.session.query(SmsOutboxMessage).count() == 10
    assert sms.send_code("13900000000", "register").sent, "the limit is per phone"


def test_codes_are_not_stored_in_clear(ctx):
    sms.send_code(PHONE, "register")
    stored = get_store().get(f"sms:code:register:{PHONE}")
    assert sent_code() not in stored
    assert set(json.loads(stored)) == {"hash", "nonce"}


def test_purposes_are_independent(ctx):
    sms.send_code(PHONE, "register")
    code = sent_code()
    assert not sms.verify_code(PHONE, "reset_password", code).ok
    assert sms.verify_code(PHONE, "register", code).ok


def test_empty_code(ctx):
    assert sms.verify_code(PHONE, "register", "  ").error == "missing"


def _verify_in_parallel(app, code, workers=12):
    from concurrent.futures import ThreadPoolExecutor

    def verify(_):
        with app.app_context():
            return sms.verify_code(PHONE, "register", code)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(verify, range(workers)))


def test_a_code_is_used_once_even_by_parallel_requests(app, ctx):
    sms.send_code(PHONE, "register")
    results = _verify_in_parallel(app, sent_code())
    assert sum(r.ok for r in results) == 1


def test_parallel_guesses_cannot_exceed_five_tries(app, ctx):
    sms.send_code(PHONE, "register")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    results = _verify_in_parallel(app, wrong)
    assert sum(r.error == "wrong" for r in results) <= 4
    assert not sms.verify_code(PHONE, "register", code).ok, "the code is burnt after five tries"


class BrokenGateway(sms.SmsGateway):
    def send(self, phone, purpose, text):
        raise ConnectionError("gateway down")


def test_a_failed_send_uses_up_neither_the_wait_nor_the_allowance(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    monkeypatch.setitem(app.config, "SMS_DAILY_LIMIT", 1)
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_HOUR", 1)
    monkeypatch.setattr(sms, "gateway", BrokenGateway)
    failed = sms.send_code(PHONE, "register", client="198.51.100.1")
    assert not failed.sent and failed.error == "unavailable"
    assert str(failed.message) == "短信服务暂时不可用，请稍后再试"
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    monkeypatch.setitem(app.config, "SMS_DAILY_LIMIT", 1)
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_HOUR", 1)
    assert sms.send_code(PHONE, "register", client="198.51.100.1").sent


def test_a_client_refusal_leaves_the_phone_free(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_HOUR", 1)
    assert sms.send_code("13812345670", "register", client="198.51.100.1").sent
    refused = sms.send_code(PHONE, "register", client="198.51.100.1")
    assert refused.error == "client_limit"
    assert sms.send_code(PHONE, "register", client="198.51.100.2").sent


def test_counters_can_be_given_back(ctx):
    store = get_store()
    assert store.incr("refund:test", 60) == 1
    store.decr("refund:test")
    assert store.incr("refund:test", 60) == 1
    store.decr("refund:absent")
    assert store.get("refund:absent") is None
