"""The audit trail: one row per login attempt and per state change."""

from typing import Any

from app.extensions import db
from app.models import AuditRecord


class AuditEvent:
    LOGIN_SUCCESS = "login.success"
    LOGIN_FAILURE = "login.failure"
    LOGIN_LOCKED = "login.locked"
    ACCOUNT_REGISTERED = "account.registered"
    ACCOUNT_UNLOCKED = "account.unlocked"
    ACCOUNT_CANCELLED = "account.cancelled"
    PASSWORD_RESET = "account.password_reset"
    PASSWORD_CHANGED = "account.password_changed"
    PHONE_CHANGED = "account.phone_changed"
    EMAIL_CHANGED = "account.email_changed"
    LEGAL_REP_CHANGED = "account.legal_rep_changed"
    LEGAL_REP_CHECK_FAILED = "account.legal_rep_check_failed"
    LEGAL_REP_CHECK_PASSED = "account.legal_rep_check_passed"
    LEGAL_REP_FACE_PASSED = "account.legal_rep_face_passed"
    LEGAL_REP_SMS_SENT = "account.legal_rep_sms_sent"


def _plain(value: Any) -> Any:
    """A value the JSON column can hold; anything else (a date, a lazy string) as its text."""
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def record(event: str, *, account=None, actor=None, subject: str | None = "", ip: str = "", **detail) -> AuditRecord:
    """Add an audit row to the current session; it commits with the change it records."""
    if account is not None and account.id is None:
        db.session.flush()  # a new account needs its id on the record
    entry = AuditRecord(
        event=event,
        account_id=getattr(account, "id", None),
        actor_id=getattr(actor, "id", None),
        subject=(subject or "")[:100],
        ip_address=(ip or "")[:64],
        detail={key: _plain(value) for key, value in detail.items()},
    )
    db.session.add(entry)
    return entry
