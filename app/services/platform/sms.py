"""SMS verification codes per (phone, purpose), sent through a pluggable gateway.

Six digits, valid ``SMS_CODE_TTL`` seconds, single use, burnt after
``SMS_MAX_ATTEMPTS`` wrong tries; one send per ``SMS_RESEND_SECONDS`` and
``SMS_DAILY_LIMIT`` sends a day per phone; one client (address, IPv6 /64) may
ask ``SMS_PER_CLIENT_PER_HOUR`` codes an hour and ``SMS_PER_CLIENT_PER_DAY`` a day. Codes are kept only as HMACs, in
the shared store so that every server process agrees.

Texts go out through a background job (``deliver``, app/services/platform/jobs.py): each is an ``sms_job``
row, sent by the worker with up to ``SMS_JOB_RETRIES`` retries ``SMS_JOB_RETRY_SECONDS`` × 2ⁿ apart, and left
"dead" with its last error (the dead letters in the back office, 短信发送失败记录) when the gateway refused them
all. Without a broker the job runs in the request, once: a code the gateway refused is then reported to the
visitor at once (and the limits it took are given back).
"""

import datetime
import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

from app import clock, log_context, metrics
from app.extensions import db
from app.models import SmsJob, SmsOutboxMessage
from app.services.platform import jobs
from app.services.platform.shared_store import get_store
from app.services.platform.store_fallback import StoreUnavailable
from app.services.unit_of_work import committed_for_good

log = logging.getLogger(__name__)

DEFAULTS = {
    "SMS_CODE_TTL": 300,
    "SMS_MAX_ATTEMPTS": 5,
    "SMS_RESEND_SECONDS": 60,
    "SMS_DAILY_LIMIT": 10,
    "SMS_PER_CLIENT_PER_HOUR": 5,
    "SMS_PER_CLIENT_PER_DAY": 20,
    "SMS_JOB_RETRIES": 5,
    "SMS_JOB_RETRY_SECONDS": 2,
}


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _now() -> datetime.datetime:
    return clock.now()


@dataclass
class SendResult:
    sent: bool
    retry_after: int = 0
    error: str | None = None
    message: object = None


@dataclass
class VerifyResult:
    ok: bool
    error: str | None = None
    message: object = None


class SmsGateway:
    """Delivers a text to a phone. Real gateways subclass this and are named by SMS_GATEWAY."""

    def send(self, phone: str, purpose: str, text: str) -> None:
        raise NotImplementedError


class OutboxGateway(SmsGateway):
    """The built-in gateway: the "phone" is the sms_outbox table, read by staff and tests."""

    def send(self, phone, purpose, text):
        with db.engine.begin() as conn:
            conn.execute(
                insert(SmsOutboxMessage.__table__).values(phone=phone, purpose=purpose, content=text, created_at=_now())
            )
        if current_app.config.get("ENV_NAME") == "development":
            log.info("SMS to %s (%s): %s", phone, purpose, text)


def gateway() -> SmsGateway:
    return import_string(current_app.config.get("SMS_GATEWAY", "app.services.platform.sms.OutboxGateway"))()


def notify_after_commit(phone: str, purpose: str, text: str) -> None:
    """Send a notification once the change it announces is committed (never if it rolls back)."""
    db.session.info.setdefault(_PENDING, []).append((phone, purpose, text, log_context.current()))


_PENDING = "portal_pending_sms"


@event.listens_for(Session, "after_commit")
def _send_pending(session):
    if not committed_for_good(session):
        return
    pending = session.info.pop(_PENDING, [])
    for phone, purpose, text, context in pending:
        with log_context.bound(context):
            try:
                dispatch(phone, purpose, text)
            except Exception:  # the change is committed: the dead letter tells operators
                log.exception("SMS notification to %s not sent (%s)", _masked(phone), log_context.label())


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop(_PENDING, None)


class Undelivered(RuntimeError):
    """The gateway refused a text every time it was tried (its job is now a dead letter)."""


def _masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def dispatch(phone: str, purpose: str, text: str, *, secret: bool = False) -> int:
    """Queue ``text`` for ``phone``; returns the job's id.

    ``secret`` (a verification code): the text travels only in the job's message, never in the table.
    Without a broker the job runs now and raises ``Undelivered`` when the gateway refuses it.
    """
    context = log_context.current()
    with db.engine.begin() as conn:
        job_id = conn.execute(
            insert(SmsJob.__table__).values(
                phone=phone,
                purpose=purpose,
                content="" if secret else text,
                state="queued",
                attempts=0,
                last_error="",
                created_at=_now(),
                request_id=(context["request_id"] or "")[:64],
                account_id=context["account_id"],
            )
        ).inserted_primary_key[0]
    jobs.enqueue(deliver, job_id, text if secret else None)
    return job_id


def _job_update(job_id: int, **values) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(SmsJob.__table__).where(SmsJob.id == job_id).values(**values))


@jobs.task("portal.sms.deliver", acks_late=True)
def deliver(self, job_id: int, text: str | None = None) -> str:
    """Hand job ``job_id`` to the gateway; retried with exponential back-off, then left dead. Idempotent."""
    with db.engine.connect() as conn:
        job = conn.execute(select(SmsJob.__table__).where(SmsJob.id == job_id)).first()
    if job is None or job.state != "queued":
        log.info("SMS job %s: nothing to do (%s) (%s)", job_id, job.state if job else "absent", log_context.label())
        return job.state if job else "absent"
    attempt = self.request.retries + 1
    try:
        gateway().send(job.phone, job.purpose, text if text is not None else job.content)
    except Exception as error:
        retries = 0 if self.request.is_eager else _setting("SMS_JOB_RETRIES")
        message = f"{type(error).__name__}: {error}"[:500]
        if self.request.retries >= retries:
            _job_update(job_id, state="dead", attempts=attempt, last_error=message, finished_at=_now())
            metrics.SMS.labels("failed").inc()
            log.error(
                "SMS job %s to %s failed %s times, left as a dead letter: %s (%s)",
                job_id,
                _masked(job.phone),
                attempt,
                message,
                log_context.label(),
            )
            if self.request.is_eager:
                raise Undelivered(message) from error
            return "dead"
        _job_update(job_id, attempts=attempt, last_error=message)
        metrics.SMS.labels("retried").inc()
        countdown = float(current_app.config.get("SMS_JOB_RETRY_SECONDS", 2)) * 2**self.request.retries
        log.warning(
            "SMS job %s to %s failed (attempt %s), retried in %s s: %s (%s)",
            job_id,
            _masked(job.phone),
            attempt,
            countdown,
            message,
            log_context.label(),
        )
        raise self.retry(countdown=countdown, max_retries=retries, exc=error) from error
    _job_update(job_id, state="sent", attempts=attempt, last_error="", finished_at=_now())
    metrics.SMS.labels("sent").inc()
    log.info("SMS job %s to %s sent (attempt %s) (%s)", job_id, _masked(job.phone), attempt, log_context.label())
    return "sent"


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _code_key(phone, purpose):
    return f"sms:code:{purpose}:{phone}"


def _tries_key(phone, purpose):
    return f"sms:tries:{purpose}:{phone}"


def _refused(error: str, message, retry_after: int = 0) -> SendResult:
    return SendResult(False, retry_after=retry_after, error=error, message=message)


UNAVAILABLE = _l("The SMS service is temporarily unavailable; please try again later")


def send_code(phone: str, purpose: str, client: str | None = None) -> SendResult:
    """Send a code to ``phone``; ``client`` (the requester's address or IPv6 /64) has its own limits.

    Without the shared store (Redis down) or the gateway, no code is sent: the
    limits and the code cannot be kept apart per process. A request that is
    refused or fails uses up nothing: the phone's wait and the counters it
    took are given back.
    """
    try:
        return _send_code(phone, purpose, client)
    except StoreUnavailable as error:
        log.warning("SMS code not sent, the shared store is unavailable: %s", error)
    except Exception:
        log.exception("SMS code not sent: the gateway failed")
    return _refused("unavailable", UNAVAILABLE)


def _send_code(phone: str, purpose: str, client: str | None) -> SendResult:
    store = get_store(strict=True)
    resend = _setting("SMS_RESEND_SECONDS")
    cooldown_key = f"sms:cooldown:{phone}"
    if resend > 0 and not store.add(cooldown_key, "1", resend):
        wait = store.ttl(cooldown_key) or resend
        return _refused(
            "cooldown",
            _l("Please wait %(seconds)s seconds before requesting another code", seconds=wait),
            retry_after=wait,
        )
    moment = _now()
    until_midnight = int((clock.china_midnight_after(moment) - moment).total_seconds()) + 1
    day = clock.china_date(moment).isoformat()
    counters = [(f"sms:daily:{phone}:{day}", until_midnight)]
    if client:
        hour = int(moment.timestamp() // 3600)
        counters += [(f"sms:client:{client}:h{hour}", 3600), (f"sms:client:{client}:d{day}", until_midnight)]
    taken: list[str] = []

    def give_back() -> None:
        try:
            for key in taken:
                store.decr(key)
            if resend > 0:
                store.delete(cooldown_key)
        except StoreUnavailable:
            log.warning("Could not give back the SMS limits of a failed request: the shared store is unavailable")

    try:
        counts = store.incr_many(counters)
        taken = [key for key, _ttl in counters]
        if counts[0] > _setting("SMS_DAILY_LIMIT"):
            give_back()
            return _refused(
                "daily_limit",
                _l("Too many codes were requested for this phone number today; please try again tomorrow"),
            )
        if client and (
            counts[1] > _setting("SMS_PER_CLIENT_PER_HOUR") or counts[2] > _setting("SMS_PER_CLIENT_PER_DAY")
        ):
            give_back()
            return _refused(
                "client_limit",
                _l("Too many verification codes were requested from this network; please try again later"),
            )
        code = f"{secrets.randbelow(10**6):06d}"
        ttl = _setting("SMS_CODE_TTL")
        # The nonce names this code's one possible use; tries are counted apart, atomically.
        store.set(_code_key(phone, purpose), json.dumps({"hash": _digest(code), "nonce": secrets.token_hex(8)}), ttl)
        store.delete(_tries_key(phone, purpose))
        text = _l(
            "[MOHURD portal] Your verification code is %(code)s, valid for %(minutes)s minutes. Do not share it.",
            code=code,
            minutes=ttl // 60,
        )
        dispatch(phone, purpose, str(text), secret=True)
    except Exception:
        give_back()
        raise
    return SendResult(True, message=_l("The verification code has been sent"))


def verify_code(phone: str, purpose: str, code: str | None) -> VerifyResult:
    code = (code or "").strip()
    if not code:
        return VerifyResult(False, "missing", _l("Please enter the SMS verification code"))
    try:
        return _verify_code(phone, purpose, code)
    except StoreUnavailable as error:
        log.warning("SMS code not checked, the shared store is unavailable: %s", error)
        return VerifyResult(False, "unavailable", UNAVAILABLE)


def _verify_code(phone: str, purpose: str, code: str) -> VerifyResult:
    store = get_store(strict=True)
    key = _code_key(phone, purpose)
    raw = store.get(key)
    if raw is None:
        return VerifyResult(
            False,
            "expired_or_absent",
            _l("The verification code has expired or was not requested; please request a new one"),
        )
    entry = json.loads(raw)
    # Every check is counted before comparing, and a right code is claimed with an
    # atomic add: parallel requests can neither reuse a code nor exceed the tries.
    ttl = store.ttl(key) or 1
    tries = store.incr(_tries_key(phone, purpose), ttl)
    max_tries = _setting("SMS_MAX_ATTEMPTS")
    if tries > max_tries:
        store.delete(key)
        return VerifyResult(False, "too_many_attempts", _l("Too many wrong tries; please request a new code"))
    if hmac.compare_digest(entry["hash"], _digest(code)):
        if not store.add(f"sms:used:{entry['nonce']}", "1", ttl):
            return VerifyResult(
                False,
                "expired_or_absent",
                _l("The verification code has expired or was not requested; please request a new one"),
            )
        store.delete(key)
        return VerifyResult(True)
    left = max_tries - tries
    if left <= 0:
        store.delete(key)
        return VerifyResult(False, "too_many_attempts", _l("Too many wrong tries; please request a new code"))
    return VerifyResult(False, "wrong", _l("The verification code is wrong (%(left)s tries left)", left=left))


def latest_outbox_code(phone: str, purpose: str | None = None) -> str | None:
    """The code of the newest outbox message to ``phone`` (tests and demonstrations)."""
    query = select(SmsOutboxMessage.content).where(SmsOutboxMessage.phone == phone)
    if purpose:
        query = query.where(SmsOutboxMessage.purpose == purpose)
    with db.engine.connect() as conn:
        content = conn.execute(query.order_by(SmsOutboxMessage.id.desc()).limit(1)).scalar()
    match = re.search(r"\d{6}", content or "")
    return match.group(0) if match else None
