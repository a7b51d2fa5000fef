"""忘记密码 and what hangs off it: password reset, cancellation, 法人变更 (二.3–二.5)."""

import datetime
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.formatting import beijing_time
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
from app.services.errors import FORM, ServiceError
from app.services.platform import audit, sms
from app.services.platform.audit import AuditEvent
from app.services.platform.shared_store import get_store
from app.services.platform.store_fallback import StoreUnavailable
from app.services.registers import query_limits


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
#
# 实名认证 (enterprise name, USCC and the NEW representative as the register lists them, with a picture
# code and failure limits per USCC and per address) → 人脸识别 of that new representative, in this
# browser → either 更换法人信息 (the new phone proven by an SMS code; the old phone is told) or 注销账号
# (a code sent to the account's CURRENT bound phone). One 实名认证 allows one change.

FAILURE_LIMIT_DEFAULTS = {
    "LEGAL_REP_CHECK_FAILURES_PER_USCC": 5,
    "LEGAL_REP_CHECK_FAILURES_PER_ADDRESS": 10,
    "LEGAL_REP_CHECK_LOCK_MINUTES": 60,
}
CHECK_USED_SECONDS = 24 * 60 * 60

PASSED, FAILED, LOCKED = "passed", "failed", "locked"


def _limit(name: str) -> int:
    return int(current_app.config.get(name, FAILURE_LIMIT_DEFAULTS[name]))


@dataclass
class RepCheck:
    """The outcome of a 实名认证: ``status`` passed (with account, parsed document and the check's id),
    failed (the same answer whether the company has no account or the details do not match) or locked
    (too many failures for this USCC or from this address; ``minutes`` to wait)."""

    status: str
    account: Account | None = None
    parsed: docs.ParsedDocument | None = None
    check_id: str = ""
    minutes: int = 0


def _failure_keys(uscc: str, ip: str) -> list[tuple[str, str]]:
    """The failure counters of an attempt; an IPv6 client counts as its /64 network."""
    keys = [(f"legal-rep:fail:uscc:{uscc}", "LEGAL_REP_CHECK_FAILURES_PER_USCC")]
    if ip:
        keys.append((f"legal-rep:fail:ip:{query_limits.client_key(ip)}", "LEGAL_REP_CHECK_FAILURES_PER_ADDRESS"))
    return keys


def _locked_minutes(store, uscc: str, ip: str) -> int:
    """Minutes left of the lock on this USCC or address, 0 when neither is locked."""
    wait = 0
    for key, limit in _failure_keys(uscc, ip):
        if int(store.get(key) or 0) >= _limit(limit):
            seconds = store.ttl(key) or _limit("LEGAL_REP_CHECK_LOCK_MINUTES") * 60
            wait = max(wait, -(-seconds // 60))
    return wait


def locked_message(minutes: int):
    return _l(
        "Too many failed real-name verifications for this enterprise or from this network; "
        "please try again in %(minutes)s minutes",
        minutes=minutes,
    )


def verify_new_legal_rep(
    enterprise_name: str, uscc: str, rep: PersonDetails, *, captcha_passed: bool, ip: str = ""
) -> RepCheck:
    """实名认证 of the enterprise with its new legal representative.

    Incomplete or malformed input, or a wrong picture code, raises ServiceError (nothing is counted).
    Otherwise the attempt is recorded on the audit trail (commit it): a failure counts against the
    USCC and the address, and an unknown company fails exactly like wrong details.
    """
    errors, parsed = check_person(rep, prefix="rep_")
    try:
        uscc = docs.validate_uscc(uscc)
    except docs.DocumentError as error:
        errors["uscc"] = error.message
    if not enterprise_name.strip():
        errors["enterprise_name"] = _l("Please enter the name of the organisation")
    if not captcha_passed:
        errors["captcha"] = _l("The characters in the picture are wrong; a new picture is shown")
    if errors:
        raise ServiceError(errors)
    assert parsed is not None  # no errors: the document was read
    store = get_store()  # like the sign-in counters: while Redis is down, each process counts on its own
    subject = mask_uscc(uscc)
    masked_rep = mask_document(parsed.type.value, parsed.number)
    wait = _locked_minutes(store, uscc, ip)
    if wait:
        audit.record(AuditEvent.LEGAL_REP_CHECK_FAILED, ip=ip, subject=subject, rep=masked_rep, reason="locked")
        return RepCheck(LOCKED, minutes=wait)
    account = find_live_legal_account(uscc)
    reason: str | None
    if account is None:
        reason = "unknown_account"
    else:
        result = enterprise_verifier().verify(uscc, enterprise_name, rep.name, parsed.type.value, parsed.number)
        reason = None if result.ok else (result.reason or "mismatch")
    if reason is not None:
        window = _limit("LEGAL_REP_CHECK_LOCK_MINUTES") * 60
        store.incr_many([(key, window) for key, _limit_name in _failure_keys(uscc, ip)])
        audit.record(
            AuditEvent.LEGAL_REP_CHECK_FAILED, account=account, ip=ip, subject=subject, rep=masked_rep, reason=reason
        )
        return RepCheck(FAILED)
    audit.record(AuditEvent.LEGAL_REP_CHECK_PASSED, account=account, ip=ip, subject=subject, rep=masked_rep)
    return RepCheck(PASSED, account=account, parsed=parsed, check_id=secrets.token_urlsafe(16))


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


def face_subject(rep: PersonDetails, parsed, check_id: str) -> dict:
    """Whose face the 人脸识别 after a 实名认证 checks: the new representative, for that 实名认证 only."""
    return {
        "name": rep.name.strip(),
        "document_type": parsed.type.value,
        "document_number": parsed.number,
        "check": check_id,
    }


def face_check_matches(passed: dict | None, account, parsed, check_id: str) -> bool:
    """Whether a passed face check (``face_verification.passed_for``) was of this new representative,
    for this account and this 实名认证."""
    if not passed or not check_id:
        return False
    subject = passed.get("subject") or {}
    return (
        passed.get("account_id") == account.id
        and subject.get("check") == check_id
        and subject.get("document_number") == parsed.number
        and subject.get("document_type") == parsed.type.value
    )


def record_face_passed(account, parsed, *, ip: str = "") -> None:
    audit.record(
        AuditEvent.LEGAL_REP_FACE_PASSED,
        account=account,
        ip=ip,
        subject=mask_uscc(account.enterprise.uscc),
        rep=mask_document(parsed.type.value, parsed.number),
    )


# SMS codes of the flow: to the new phone (更换法人信息), to the account's bound phone (注销账号).
NEW_PHONE, BOUND_PHONE = "new_phone", "bound_phone"
SMS_PURPOSES = {NEW_PHONE: "legal_rep_change", BOUND_PHONE: "legal_rep_cancel"}


def send_flow_code(account, target: str, typed_phone: str, *, client: str | None, ip: str = "") -> sms.SendResult:
    """Send the flow's SMS code: to ``typed_phone`` for the new phone, or to the account's CURRENT bound
    phone for a cancellation (whatever was typed). A phone number already bound elsewhere is only said
    after its code (as registration does). Sent codes are audited."""
    if target == BOUND_PHONE:
        phone = account.phone or ""
        if not phone:
            raise ServiceError({"sms_code": _l("The account has no bound phone; please call technical support")})
    else:
        try:
            phone = docs.validate_mobile(typed_phone or "")
        except docs.DocumentError as error:
            raise ServiceError({"phone": error.message}) from None
    purpose = SMS_PURPOSES[target]
    result = sms.send_code(phone, purpose, client=client)
    if result.sent:
        audit.record(
            AuditEvent.LEGAL_REP_SMS_SENT,
            account=account,
            ip=ip,
            subject=mask_uscc(account.enterprise.uscc),
            phone=mask_phone(phone),
            purpose=purpose,
        )
    return result


def _use_check(check_id: str) -> None:
    """Claim the 实名认证 ``check_id`` for its one change: a second claim (a copied cookie racing the
    first) is refused."""
    try:
        claimed = bool(check_id) and get_store(strict=True).add(f"legal-rep:used:{check_id}", "1", CHECK_USED_SECONDS)
    except StoreUnavailable:
        raise ServiceError({FORM: sms.UNAVAILABLE}) from None
    if not claimed:
        raise ServiceError(
            {FORM: _l("This real-name verification has already been used; please verify again")}, code="used"
        )


def change_legal_rep(
    account,
    rep: PersonDetails,
    parsed,
    *,
    new_phone: str,
    new_password: str,
    sms_check,
    check_id: str,
    ip: str = "",
) -> LegalRepChange:
    """更换法人信息: new representative, phone and password; before/after recorded.

    ``sms_check(phone)`` (the code sent to the new phone) is checked first. The old bound phone is told
    (after the commit), every session of the account ends, and the 实名认证 ``check_id`` is used up.
    """
    errors = sms_check(new_phone)
    if errors:
        raise ServiceError(errors)
    if phone_is_taken(new_phone, account.kind, except_account=account):
        errors["phone"] = _l("This phone number is already bound to another account")
    problem = password_problem(new_password, document_number=account.enterprise.uscc, phone=new_phone)
    if problem is not None:
        errors["password"] = problem
    if errors:
        raise ServiceError(errors)
    _use_check(check_id)
    enterprise = account.enterprise
    old_phone = account.phone
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
    if old_phone:
        sms.notify_after_commit(
            old_phone,
            "legal_rep_changed",
            str(
                _l(
                    "[MOHURD portal] The legal representative and the bound phone of the legal-entity account "
                    "of %(name)s were changed at %(time)s. If this was not expected, call %(support)s.",
                    name=enterprise.name,
                    time=beijing_time(now()),
                    support=current_app.config["PORTAL_SITE"]["support_phone"],
                )
            ),
        )
    return change


def cancel_by_new_rep(account, *, sms_check, check_id: str, ip: str = "") -> None:
    """注销账号 after 法人变更's 实名认证 and 人脸识别: the code sent to the account's CURRENT bound phone."""
    errors = sms_check(account.phone or "")
    if errors:
        raise ServiceError(errors)
    _use_check(check_id)
    cancel_account(account, ip=ip, reason="legal_rep_change")


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
