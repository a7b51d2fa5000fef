"""忘记密码 and what hangs off it: password reset, cancellation, 法人变更 (二.3–二.5)."""

import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.masking import mask_document, mask_phone, mask_uscc
from app.models import Account, AccountKind, AccountStatus, LegalRepChange
from app.services.accounts import identity_documents as docs
from app.services.accounts.login import end_all_sessions
from app.services.accounts.registration import (
    PersonDetails,
    check_person,
    find_live_legal_account,
    find_live_personal_account,
    login_identifier,
    now,
    password_problem,
    phone_is_taken,
    set_password,
)
from app.services.accounts.verification import enterprise_verifier
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.platform.audit import AuditEvent


def find_owner(kind: str, identifier: str, phone: str):
    """The live account with this document number (or USCC) bound to this phone.

    The error does not say which of the two is wrong, so that nobody learns
    whether a number has an account.
    """
    identifier = (identifier or "").strip().upper()
    phone = (phone or "").strip()
    errors = {}
    if not identifier:
        errors["identifier"] = _l("Please enter the number")
    if not phone:
        errors["phone"] = _l("Please enter the phone number bound to the account")
    if errors:
        raise ServiceError(errors)
    account = (
        find_live_legal_account(identifier) if kind == AccountKind.LEGAL else find_live_personal_account(identifier)
    )
    if account is None or account.phone != phone:
        raise ServiceError(
            {"identifier": _l("No account matches this number and phone number. Check both and try again.")}
        )
    return account


def reset_password(account, new_password: str, *, ip: str = "") -> None:
    """Set a new password and end every session of the account."""
    problem = password_problem(new_password, document_number=login_identifier(account), phone=account.phone or "")
    if problem is not None:
        raise ServiceError({"password": problem})
    set_password(account, new_password)
    end_all_sessions(account)
    account.locked_until = None
    account.fail_login_count = 0
    audit.record(AuditEvent.PASSWORD_RESET, account=account, ip=ip)


def cancel_account(account, *, ip: str = "", reason: str = "") -> None:
    """账号注销: the login stops working; cases and certificates stay for the record."""
    account.status = AccountStatus.CANCELLED
    account.cancelled_at = now()
    account.active = False
    end_all_sessions(account)
    audit.record(AuditEvent.ACCOUNT_CANCELLED, account=account, ip=ip, reason=reason)


# --- 法人变更 -------------------------------------------------------------------


def verify_new_legal_rep(enterprise_name: str, uscc: str, rep: PersonDetails, *, ip: str = ""):
    """实名认证 of the enterprise with its new legal representative.

    Returns the account and the parsed document of the new representative, or None when the register
    does not confirm them: that failed check is recorded on the audit trail, so it is an outcome to
    commit, not a refusal to roll back. Incomplete or malformed input raises ServiceError.
    """
    errors, parsed = check_person(rep, prefix="rep_")
    try:
        uscc = docs.validate_uscc(uscc)
    except docs.DocumentError as error:
        errors["uscc"] = error.message
    if not enterprise_name.strip():
        errors["enterprise_name"] = _l("Please enter the name of the organisation")
    if errors:
        raise ServiceError(errors)
    assert parsed is not None  # no errors: the document was read
    account = find_live_legal_account(uscc)
    if account is None:
        raise ServiceError({"uscc": _l("No legal-entity account is registered with this code")})
    result = enterprise_verifier().verify(uscc, enterprise_name, rep.name, parsed.type.value, parsed.number)
    if not result.ok:
        audit.record(
            AuditEvent.LEGAL_REP_CHECK_FAILED,
            account=account,
            ip=ip,
            subject=mask_uscc(uscc),
            reason=result.reason,
        )
        return None
    return account, parsed


def check_memo(account) -> dict:
    """What the browser's session keeps of a passed security check (or 实名认证): the account, and its
    session version, which every use of the check bumps (reset, change, cancellation)."""
    return {"account_id": account.id, "version": account.session_version or 0}


def account_of_check(memo: dict):
    """The live account a passed check was about, or None once the check was used (one verification, one
    reset: a copy of the browser's cookie cannot use it again) or the account cancelled."""
    account = db.session.get(Account, memo.get("account_id"))
    if account is None or account.is_cancelled or (account.session_version or 0) != memo.get("version"):
        return None
    return account


def rep_memo(rep: PersonDetails, parsed) -> dict:
    """A verified new representative, as the session keeps it until the change is applied."""
    return {
        "document_type": parsed.type.value,
        "document_number": parsed.number,
        "name": rep.name.strip(),
        "valid_from": rep.valid_from.isoformat(),
        "valid_to": rep.valid_to.isoformat() if rep.valid_to else None,
        "passport_country": rep.passport_country,
    }


def rep_from_memo(data: dict):
    """(PersonDetails, parsed document) back from ``rep_memo``."""
    rep = PersonDetails(
        document_type=data["document_type"],
        document_number=data["document_number"],
        name=data["name"],
        valid_from=datetime.date.fromisoformat(data["valid_from"]),
        valid_to=datetime.date.fromisoformat(data["valid_to"]) if data["valid_to"] else None,
        passport_country=data.get("passport_country"),
    )
    return rep, docs.validate_document(rep.document_type, rep.document_number, passport_country=rep.passport_country)


def change_legal_rep(
    account, rep: PersonDetails, parsed, *, new_phone: str, new_password: str, sms_check=None, ip: str = ""
) -> LegalRepChange:
    """更换法人信息: new representative, phone and password; before/after recorded.

    ``sms_check(phone)`` (the code sent to the new phone) is checked first.
    """
    errors = sms_check(new_phone) if sms_check is not None else {}
    if errors:
        raise ServiceError(errors)
    if phone_is_taken(new_phone, except_account=account):
        errors["phone"] = _l("This phone number is already bound to another account")
    problem = password_problem(new_password, document_number=account.enterprise.uscc, phone=new_phone)
    if problem is not None:
        errors["password"] = problem
    if errors:
        raise ServiceError(errors)
    enterprise = account.enterprise
    before = _rep_snapshot(enterprise, account)
    enterprise.legal_rep_name = rep.name.strip()
    enterprise.legal_rep_document_type = parsed.type.value
    enterprise.legal_rep_document_number = parsed.number
    enterprise.legal_rep_valid_from = rep.valid_from
    enterprise.legal_rep_valid_to = rep.valid_to
    account.real_name = rep.name.strip()
    account.phone = new_phone
    set_password(account, new_password)
    end_all_sessions(account)
    after = _rep_snapshot(enterprise, account)
    change = LegalRepChange(
        account_id=account.id,
        enterprise_id=enterprise.id,
        before=before,
        after=after,
    )
    db.session.add(change)
    audit.record(
        AuditEvent.LEGAL_REP_CHANGED,
        account=account,
        ip=ip,
        subject=mask_uscc(enterprise.uscc),
        before=_masked(before),
        after=_masked(after),
    )
    return change


def _rep_snapshot(enterprise, account) -> dict:
    return {
        "legal_rep_name": enterprise.legal_rep_name,
        "legal_rep_document_type": enterprise.legal_rep_document_type,
        "legal_rep_document_number": enterprise.legal_rep_document_number,
        "legal_rep_valid_from": str(enterprise.legal_rep_valid_from or ""),
        "legal_rep_valid_to": str(enterprise.legal_rep_valid_to or ""),
        "phone": account.phone,
    }


def _masked(snapshot: dict) -> dict:
    masked = dict(snapshot)
    masked["legal_rep_document_number"] = mask_document(
        snapshot["legal_rep_document_type"], snapshot["legal_rep_document_number"]
    )
    masked["phone"] = mask_phone(snapshot["phone"]) if snapshot["phone"] else ""
    return masked
