"""用户中心 → 账户设置: the account holder changes phone, email and password."""

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from app.masking import mask_phone
from app.services.accounts import identity_documents as docs
from app.services.accounts.login import end_all_sessions
from app.services.accounts.registration import (
    email_problem,
    login_identifier,
    password_problem,
    phone_is_taken,
    set_password,
)
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.platform.audit import AuditEvent


def validate_new_phone(account, phone: str) -> str:
    try:
        phone = docs.validate_mobile(phone)
    except docs.DocumentError as error:
        raise ServiceError({"phone": error.message}) from None
    if phone == account.phone:
        raise ServiceError({"phone": _l("This is already your phone number")})
    if phone_is_taken(phone, account.kind, except_account=account):
        raise ServiceError({"phone": _l("This phone number is already bound to another account")})
    return phone


def change_phone(account, phone: str, *, sms_check, ip: str = "") -> None:
    phone = validate_new_phone(account, phone)
    errors = sms_check(phone)
    if errors:
        raise ServiceError(errors)
    old = account.phone
    account.phone = phone
    audit.record(
        AuditEvent.PHONE_CHANGED,
        account=account,
        actor=account,
        ip=ip,
        before=mask_phone(old) if old else "",
        after=mask_phone(phone),
    )


def change_email(account, email: str, *, ip: str = "") -> None:
    email = (email or "").strip()
    if (problem := email_problem(email)) is not None:
        raise ServiceError({"email": problem})
    account.contact_email = email
    audit.record(AuditEvent.EMAIL_CHANGED, account=account, actor=account, ip=ip)


def set_reminder_preference(account, statutory_only: bool, *, ip: str = "") -> None:
    """账户设置: opt out of (or back into) the reminders the law does not require."""
    if account.statutory_reminders_only == statutory_only:
        return
    account.statutory_reminders_only = statutory_only
    audit.record(
        AuditEvent.REMINDER_PREFERENCE_CHANGED, account=account, actor=account, ip=ip, statutory_only=statutory_only
    )


def change_password(account, current_password: str, new_password: str, *, ip: str = "") -> None:
    if not account.password or not check_password_hash(account.password, current_password or ""):
        raise ServiceError({"current_password": _l("The current password is wrong")})
    problem = password_problem(new_password, document_number=login_identifier(account), phone=account.phone or "")
    if problem is not None:
        raise ServiceError({"new_password": problem})
    set_password(account, new_password)
    end_all_sessions(account)  # the caller keeps its own session signed in (session.keep_signed_in)
    audit.record(AuditEvent.PASSWORD_CHANGED, account=account, actor=account, ip=ip)
