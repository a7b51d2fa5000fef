"""Signing in to the portal (二.2) and to the back office: passwords, captcha after failures, lock-out.

A captcha is required once an identifier has failed ``LOGIN_CAPTCHA_AFTER_FAILURES``
times (counted in the shared store, so unknown identifiers count too); the
account itself is locked for ``LOGIN_LOCK_MINUTES`` after
``LOGIN_LOCK_AFTER_FAILURES`` failures in a row.
"""

import datetime
import functools
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.formatting import beijing_time
from app.models import AccountKind
from app.services.accounts.registration import find_account_for_login, mask_identifier, now
from app.services.platform import audit
from app.services.platform.audit import AuditEvent
from app.services.platform.shared_store import get_store

FAILURE_WINDOW_SECONDS = 30 * 60


@dataclass
class LoginOutcome:
    account: object = None
    error: object = None
    field: str = "password"
    captcha_required: bool = False


def _subject_key(identifier: str) -> str:
    """The identifier as the counters' keys hold it: a typed 10,000 characters would not fit the shared
    store's key (200 characters; PostgreSQL refuses it), and no account's identifier is longer than 64."""
    subject = identifier.strip().upper()
    return subject if len(subject) <= 64 else "sha256-" + hashlib.sha256(subject.encode()).hexdigest()


def _failure_key(kind: str, identifier: str) -> str:
    return f"login:fail:{kind}:{_subject_key(identifier)}"


def _address_key(ip: str) -> str:
    return f"login:fail-address:{ip}"


def _address_blocked(ip: str) -> bool:
    """Staff sign-in: an address with too many recent failures waits (successful sign-ins never count, so
    an office behind one address is not locked out by its own work)."""
    if not ip:
        return False
    failures = int(get_store().get(_address_key(ip)) or 0)
    return failures >= current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]


def captcha_required(kind: str, identifier: str) -> bool:
    if not identifier:
        return False
    count = get_store().get(_failure_key(kind, identifier))
    return int(count or 0) >= current_app.config["LOGIN_CAPTCHA_AFTER_FAILURES"]


def authenticate(
    kind: str, identifier: str, password: str, *, captcha_passed: bool | None, ip: str = ""
) -> LoginOutcome:
    """Check the credentials; ``captcha_passed`` None means no captcha was shown."""
    config = current_app.config
    subject = mask_identifier(identifier)
    if kind == AccountKind.STAFF and _address_blocked(ip):
        audit.record(AuditEvent.LOGIN_FAILURE, subject=subject, ip=ip, reason="address_blocked")
        return LoginOutcome(
            error=_l(
                "Too many failed sign-ins from this address; please try again in %(minutes)s minutes",
                minutes=config["LOGIN_ADDRESS_FAILURE_MINUTES"],
            ),
            captcha_required=captcha_required(kind, identifier),
        )
    if captcha_required(kind, identifier) and not captcha_passed:
        return LoginOutcome(
            error=_l("Please enter the characters shown in the picture"), field="captcha", captcha_required=True
        )

    account = find_account_for_login(kind, identifier)
    current = now()
    locked_until = account.locked_until if account is not None else _unknown_locked_until(kind, identifier)
    if locked_until and locked_until > current:
        audit.record(AuditEvent.LOGIN_LOCKED, account=account, subject=subject, ip=ip)
        return LoginOutcome(error=_locked_message(locked_until), captcha_required=captcha_required(kind, identifier))

    # An unknown account costs the same hash as a known one: the answer's time tells nothing either.
    stored_hash = account.password if account is not None and account.password else _dummy_hash()
    if not check_password_hash(stored_hash, password) or account is None or not account.password:
        failures = get_store().incr(_failure_key(kind, identifier), FAILURE_WINDOW_SECONDS)
        if kind == AccountKind.STAFF and ip:
            get_store().incr(_address_key(ip), config["LOGIN_ADDRESS_FAILURE_MINUTES"] * 60)
        audit.record(
            AuditEvent.LOGIN_FAILURE,
            account=account,
            subject=subject,
            ip=ip,
            reason="unknown_account" if account is None else "wrong_password",
        )
        if account is not None:
            account.fail_login_count = (account.fail_login_count or 0) + 1
            failed_in_a_row = account.fail_login_count
        else:
            failed_in_a_row = get_store().incr(_unknown_key(kind, identifier), FAILURE_WINDOW_SECONDS)
        if failed_in_a_row >= config["LOGIN_LOCK_AFTER_FAILURES"]:
            locked_until = current + datetime.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            _lock(kind, identifier, account, locked_until)
            audit.record(
                AuditEvent.LOGIN_LOCKED,
                account=account,
                subject=subject,
                ip=ip,
                until=clock.in_china(locked_until).isoformat(timespec="minutes"),
            )
            message = _locked_message(locked_until)
        else:
            message = _l(
                "The account or password is wrong. After %(left)s more failures the "
                "account will be locked for %(minutes)s minutes.",
                left=config["LOGIN_LOCK_AFTER_FAILURES"] - failed_in_a_row,
                minutes=config["LOGIN_LOCK_MINUTES"],
            )
        return LoginOutcome(
            error=message,
            captcha_required=failures >= config["LOGIN_CAPTCHA_AFTER_FAILURES"],
        )

    account.fail_login_count = 0
    account.locked_until = None
    account.last_login = current
    account.login_count = (account.login_count or 0) + 1
    get_store().delete(_failure_key(kind, identifier))
    audit.record(AuditEvent.LOGIN_SUCCESS, account=account, subject=subject, ip=ip)
    return LoginOutcome(account=account)


# Unknown identifiers are answered as if they were accounts: counted and "locked" the same way, so that
# neither the message nor the moment of the lock tells whether an account exists.
def _unknown_key(kind: str, identifier: str) -> str:
    return f"login:unknown:{kind}:{_subject_key(identifier)}"


def _unknown_lock_key(kind: str, identifier: str) -> str:
    return f"login:unknown-lock:{kind}:{_subject_key(identifier)}"


def _unknown_locked_until(kind: str, identifier: str) -> datetime.datetime | None:
    value = get_store().get(_unknown_lock_key(kind, identifier))
    return datetime.datetime.fromisoformat(value) if value else None


def _lock(kind: str, identifier: str, account, until: datetime.datetime) -> None:
    if account is not None:
        account.locked_until = until
        account.fail_login_count = 0
        return
    store = get_store()
    store.set(_unknown_lock_key(kind, identifier), until.isoformat(), current_app.config["LOGIN_LOCK_MINUTES"] * 60)
    store.delete(_unknown_key(kind, identifier))


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _locked_message(until: datetime.datetime):
    return _l("Too many failed attempts: the account is locked until %(time)s.", time=beijing_time(until))


def unlock(account, *, actor=None, ip: str = "") -> None:
    account.locked_until = None
    account.fail_login_count = 0
    audit.record(AuditEvent.ACCOUNT_UNLOCKED, account=account, actor=actor, ip=ip)


def unlock_accounts(accounts, *, actor=None, ip: str = "") -> int:
    """Staff unlock one or more accounts (each one audited); the caller's unit of work commits."""
    accounts = accounts if isinstance(accounts, list) else [accounts]
    for account in accounts:
        unlock(account, actor=actor, ip=ip)
    return len(accounts)


def end_all_sessions(account) -> None:
    """Every session of the account, copied cookies included, is signed out at its next request:
    sessions carry the version they were signed in at (app/security.py ``load_user``)."""
    account.session_version = (account.session_version or 0) + 1


def sign_out(account) -> None:
    """Signing out ends the account's sessions in every browser, not only this one's cookie."""
    end_all_sessions(account)
