"""The audit trail: one row per login attempt and per state change."""

from typing import Any

from flask_babel import lazy_gettext as _l

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
    REGISTER_CORRECTED = "register.corrected"
    CATALOGUE_CHANGED = "catalogue.changed"
    REMINDER_PREFERENCE_CHANGED = "account.reminder_preference"
    ERROR_REPORTED = "content.error_reported"


EVENT_LABELS = {
    AuditEvent.LOGIN_SUCCESS: _l("Signed in"),
    AuditEvent.LOGIN_FAILURE: _l("Sign-in failed"),
    AuditEvent.LOGIN_LOCKED: _l("Account locked after failed sign-ins"),
    AuditEvent.ACCOUNT_REGISTERED: _l("Account registered"),
    AuditEvent.ACCOUNT_UNLOCKED: _l("Account unlocked"),
    AuditEvent.ACCOUNT_CANCELLED: _l("Account cancelled"),
    AuditEvent.PASSWORD_RESET: _l("Password reset"),
    AuditEvent.PASSWORD_CHANGED: _l("Password changed"),
    AuditEvent.PHONE_CHANGED: _l("Mobile phone number changed"),
    AuditEvent.EMAIL_CHANGED: _l("E-mail address changed"),
    AuditEvent.LEGAL_REP_CHANGED: _l("Legal representative changed"),
    AuditEvent.LEGAL_REP_CHECK_FAILED: _l("Legal representative check failed"),
    AuditEvent.LEGAL_REP_CHECK_PASSED: _l("Legal representative check passed"),
    AuditEvent.LEGAL_REP_FACE_PASSED: _l("New legal representative passed the face check"),
    AuditEvent.LEGAL_REP_SMS_SENT: _l("Legal representative change: SMS code sent"),
    AuditEvent.REGISTER_CORRECTED: _l("Register entry corrected"),
    AuditEvent.CATALOGUE_CHANGED: _l("Service catalogue changed"),
    "application.submitted": _l("Application submitted"),
    "application.resubmitted": _l("Corrected and resubmitted"),
    "application.information_change": _l("Information change requested"),
    "certificate.endorsed": _l("Certificate endorsed"),
    "certificate.signing_key_rotated": _l("Certificate signing key rotated"),
    "evaluation.given": _l("Service rated"),
    "evaluation.changed": _l("Service rating changed"),
    "rectification.opened": _l("Rectification opened after a bad rating"),
    "rectification.replied": _l("Rectification replied to"),
    "rectification.confirmed": _l("Applicant confirmed the rectification reply"),
    "real_estate.step_saved": _l("Grade 1 real estate qualification: step saved"),
    AuditEvent.REMINDER_PREFERENCE_CHANGED: _l("Reminder preference changed"),
    "application.draft_discarded": _l("Untouched draft discarded"),
    AuditEvent.ERROR_REPORTED: _l("Error on the site reported"),
    "audit.exported": _l("Audit trail exported"),
    "audit.archived": _l("Audit trail archived to the file store"),
}


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
