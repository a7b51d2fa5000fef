"""Accounts of citizens (个人) and legal entities (法人): manual chapter 二.

Every function validates everything first and writes only when all is valid;
callers commit. Errors are ``ServiceError`` keyed by form field, so that the
page can show each message beside its field.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from werkzeug.security import generate_password_hash
from zxcvbn import zxcvbn

from app.clock import now  # noqa: F401  (re-exported for the account services)
from app.extensions import db
from app.masking import mask_document, mask_phone, mask_uscc
from app.models import Account, AccountKind, AccountStatus, Enterprise
from app.roles import CITIZEN as CITIZEN_ROLE
from app.roles import LEGAL_ENTITY as LEGAL_ENTITY_ROLE
from app.services.accounts import identity_documents as docs
from app.services.accounts.verification import identity_verifier
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.platform.audit import AuditEvent

PASSWORD_MIN_LENGTH = 8
# zxcvbn's score (0-4): below 2, the password is in the common-password lists or a pattern
# (repeats, sequences, keyboard rows, dates) that a guessing attack tries first.
PASSWORD_MIN_STRENGTH = 2


@dataclass
class PersonDetails:
    """What a person's identity document says (个人, or a legal representative)."""

    document_type: str
    document_number: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None  # None: 长期有效
    gender: str | None = None
    birth_date: datetime.date | None = None
    passport_country: str | None = None


VALIDITY_PERIODS = ("5", "10", "20")  # years, as the document's validity choice names them
LONG_TERM = "long"


def validity_end(valid_from: datetime.date | None, choice: str | None, valid_to: datetime.date | None):
    """The end of a document's validity from what the form gives: 长期 (None), a period of 5, 10 or 20
    years from ``valid_from``, or the end date typed in."""
    if choice == LONG_TERM:
        return None
    if choice in VALIDITY_PERIODS and valid_from:
        return docs.period_end_for(valid_from, int(choice))
    return valid_to


@dataclass
class PersonalRegistration:
    person: PersonDetails
    phone: str
    email: str
    password: str


@dataclass
class LegalRegistration:
    entity_type: str
    enterprise_name: str
    uscc: str
    legal_rep: PersonDetails
    phone: str
    email: str
    password: str


@dataclass
class LoginResult:
    account: Account | None = None
    error: object = None  # lazy message
    captcha_required: bool = False
    locked_until: datetime.datetime | None = None
    errors: dict = field(default_factory=dict)


# --- passwords ---------------------------------------------------------------


def password_problem(password: str, *, document_number: str = "", phone: str = ""):
    """The reason a password is refused, or None."""
    if (document_number and password.upper() == document_number.upper()) or (phone and password == phone):
        return _l("The password must not be your document number or phone number")
    if len(password) < PASSWORD_MIN_LENGTH:
        return _l("The password must have at least %(n)s characters", n=PASSWORD_MIN_LENGTH)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return _l("The password must contain both letters and digits")
    if zxcvbn(password, user_inputs=[document_number, phone])["score"] < PASSWORD_MIN_STRENGTH:
        return _l("This password is too common or too regular (like password1 or a1a1a1a1); please choose another")
    return None


def set_password(account: Account, password: str) -> None:
    account.password = generate_password_hash(password)


# --- identity checks -----------------------------------------------------------


def check_person(person: PersonDetails, prefix: str = "") -> tuple[dict, docs.ParsedDocument | None]:
    """Validate a person's document; return (field errors, parsed document)."""
    errors = {}
    parsed = None
    if not (person.name or "").strip():
        errors[prefix + "name"] = _l("Please enter the name")
    try:
        parsed = docs.validate_document(
            person.document_type, person.document_number or "", passport_country=person.passport_country
        )
    except docs.DocumentError as error:
        errors[prefix + "document_number"] = error.message
    if parsed is not None:
        try:
            docs.check_consistency(
                parsed, birth_date=person.birth_date, gender=person.gender if person.gender in ("M", "F") else None
            )
        except docs.DocumentError as error:
            key = "birth_date" if error.code == "birth_date_mismatch" else "gender"
            errors[prefix + key] = error.message
    try:
        if person.valid_from is not None:
            docs.check_validity_period(person.valid_from, person.valid_to)
    except docs.DocumentError as error:
        key = "valid_from" if error.code == "start_future" else "valid_to"
        errors[prefix + key] = error.message
    return errors, parsed


def _verify_real_name(parsed: docs.ParsedDocument, name: str, prefix: str = "") -> dict:
    result = identity_verifier().verify(parsed.type.value, parsed.number, name.strip())
    if result.ok:
        return {}
    return {
        prefix + "document_number": _l(
            "Identity information verification failed: check that the name and number match your "
            "document. If they do, see FAQ 5 (update your face data with the CTID app, then try "
            "again 1-2 days later)."
        )
    }


def live_accounts():
    return db.session.query(Account).filter(Account.status == AccountStatus.ACTIVE)


def phone_is_taken(phone: str, kind: str, except_account: Account | None = None) -> bool:
    """Another live account of this kind is bound to the phone (a personal account and a company's account may
    share one: the same person, as himself and as the legal representative)."""
    query = live_accounts().filter(Account.phone == phone, Account.kind == kind)
    if except_account is not None:
        query = query.filter(Account.id != except_account.id)
    return db.session.query(query.exists()).scalar()


def email_problem(email: str):
    if not email:
        return _l("Please enter the email address")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 254:
        return _l("Please enter a valid email address")
    return None


def _check_phone(phone: str) -> tuple[dict, str]:
    try:
        return {}, docs.validate_mobile(phone)
    except docs.DocumentError as error:
        return {"phone": error.message}, phone


def _verified_then_taken(errors: dict, phone: str, kind: str, sms_check, taken) -> None:
    """The SMS code last (a refusal for another reason does not burn it); whether the phone, document or
    USCC is already registered only after it, so that nobody learns that without holding the phone."""
    if not errors:
        errors.update(sms_check(phone))
    if not errors:
        if phone_is_taken(phone, kind):
            errors["phone"] = _l("This phone number is already bound to another account")
        errors.update(taken())


# --- registration --------------------------------------------------------------


def register_personal(form: PersonalRegistration, *, sms_check, ip: str = "") -> Account:
    """Create a personal account, or raise ServiceError with every problem found.

    ``sms_check(phone)`` verifies the SMS code; it is called last so that a
    refusal for another reason does not burn the user's code.
    """
    errors, parsed = check_person(form.person)
    phone_errors, phone = _check_phone(form.phone)
    errors.update(phone_errors)
    email = form.email.strip()
    if (problem := email_problem(email)) is not None:
        errors["email"] = problem
    if (
        problem := password_problem(form.password, document_number=form.person.document_number, phone=phone)
    ) is not None:
        errors["password"] = problem
    if not errors and parsed is not None:
        errors.update(_verify_real_name(parsed, form.person.name))

    def document_taken() -> dict:
        assert parsed is not None
        taken = live_accounts().filter(
            Account.kind == AccountKind.PERSONAL,
            Account.document_type == parsed.type.value,
            Account.document_number == parsed.number,
        )
        if db.session.query(taken.exists()).scalar():
            return {"document_number": _l("An account is already registered with this document")}
        return {}

    _verified_then_taken(errors, phone, AccountKind.PERSONAL, sms_check, document_taken)
    if errors:
        raise ServiceError(errors)
    assert parsed is not None  # no errors: the document was read

    person = form.person
    account = _new_account(
        kind=AccountKind.PERSONAL,
        real_name=person.name.strip(),
        email=email,
        phone=phone,
        role_name=CITIZEN_ROLE,
        password=form.password,
    )
    account.gender = parsed.gender or person.gender
    account.birth_date = parsed.birth_date or person.birth_date
    account.document_type = parsed.type.value
    account.document_number = parsed.number
    account.passport_country = parsed.country or person.passport_country
    account.document_valid_from = person.valid_from
    account.document_valid_to = person.valid_to
    account.needs_manual_check = parsed.needs_manual_check
    audit.record(
        AuditEvent.ACCOUNT_REGISTERED,
        account=account,
        ip=ip,
        subject=mask_document(parsed.type, parsed.number),
        kind=AccountKind.PERSONAL,
    )
    return account


def register_legal(form: LegalRegistration, *, sms_check, ip: str = "") -> Account:
    errors, parsed = check_person(form.legal_rep, prefix="rep_")
    uscc = None
    try:
        uscc = docs.validate_uscc(form.uscc, form.entity_type)
    except docs.DocumentError as error:
        errors["uscc"] = error.message
    if form.entity_type not in {t.value for t in docs.LegalEntityType}:
        errors["entity_type"] = _l("Please choose the legal-entity type")
    if not form.enterprise_name.strip():
        errors["enterprise_name"] = _l("Please enter the name of the organisation")
    phone_errors, phone = _check_phone(form.phone)
    errors.update(phone_errors)
    email = form.email.strip()
    if (problem := email_problem(email)) is not None:
        errors["email"] = problem
    if (problem := password_problem(form.password, document_number=uscc or "", phone=phone)) is not None:
        errors["password"] = problem
    if not errors and parsed is not None:
        errors.update(_verify_real_name(parsed, form.legal_rep.name, prefix="rep_"))

    def uscc_taken() -> dict:
        if uscc and find_live_legal_account(uscc) is not None:
            return {"uscc": _l("An account is already registered with this unified social credit code")}
        return {}

    _verified_then_taken(errors, phone, AccountKind.LEGAL, sms_check, uscc_taken)
    if errors:
        raise ServiceError(errors)
    assert parsed is not None  # no errors: the document was read

    rep = form.legal_rep
    enterprise = Enterprise(
        name=form.enterprise_name.strip(),
        uscc=uscc,
        entity_type=form.entity_type,
        legal_rep_name=rep.name.strip(),
        legal_rep_document_type=parsed.type.value,
        legal_rep_document_number=parsed.number,
        legal_rep_valid_from=rep.valid_from,
        legal_rep_valid_to=rep.valid_to,
    )
    db.session.add(enterprise)
    account = _new_account(
        kind=AccountKind.LEGAL,
        real_name=rep.name.strip(),
        email=email,
        phone=phone,
        role_name=LEGAL_ENTITY_ROLE,
        password=form.password,
    )
    account.enterprise = enterprise
    audit.record(AuditEvent.ACCOUNT_REGISTERED, account=account, ip=ip, subject=mask_uscc(uscc), kind=AccountKind.LEGAL)
    return account


def _new_account(*, kind, real_name, email, phone, role_name, password) -> Account:
    """FAB's unique ``username``/``email`` get opaque values: identity numbers stay
    out of FAB's own screens and a cancelled account never blocks a new one."""
    from flask import current_app

    sm = current_app.appbuilder.sm  # type: ignore[attr-defined]  # FAB sets it on the app; Flask's types do not know it
    role = sm.find_role(role_name) or sm.add_role(role_name)
    username = f"{kind}-{uuid.uuid4().hex}"
    account = Account(
        kind=kind,
        status=AccountStatus.ACTIVE,
        username=username,
        first_name=real_name[:1] or "-",
        last_name=real_name[1:64] or "-",
        real_name=real_name,
        email=f"{username}@accounts.portal.invalid"[:320],
        contact_email=email,
        phone=phone,
        active=True,
        roles=[role],
        login_count=0,
        fail_login_count=0,
    )
    set_password(account, password)
    db.session.add(account)
    return account


# --- finding accounts ------------------------------------------------------------


def find_live_legal_account(uscc: str) -> Account | None:
    return (
        live_accounts()
        .join(Enterprise, Account.enterprise_id == Enterprise.id)
        .filter(Account.kind == AccountKind.LEGAL, Enterprise.uscc == uscc)
        .one_or_none()
    )


def find_live_personal_account(identifier: str) -> Account | None:
    """By document number (any type) or bound phone number."""
    query = live_accounts().filter(Account.kind == AccountKind.PERSONAL)
    if re.fullmatch(r"1[3-9]\d{9}", identifier):
        return query.filter(Account.phone == identifier).one_or_none()
    matches = query.filter(Account.document_number == identifier).all()
    return matches[0] if len(matches) == 1 else None


def find_account_for_login(kind: str, identifier: str) -> Account | None:
    identifier = (identifier or "").strip().upper()
    if kind == AccountKind.STAFF:  # by user name, as FAB does (case-insensitive); a deactivated one is unknown
        query = live_accounts().filter(
            Account.kind == AccountKind.STAFF, func.upper(Account.username) == identifier, Account.active.is_(True)
        )
        return query.first()
    if kind == AccountKind.LEGAL:
        return find_live_legal_account(identifier)
    return find_live_personal_account(identifier)


def login_identifier(account: Account) -> str:
    """The number the account signs in with: its document number, or its USCC."""
    if account.kind == AccountKind.LEGAL and account.enterprise is not None:
        return account.enterprise.uscc
    return account.document_number or ""


def mask_identifier(identifier: str) -> str:
    identifier = (identifier or "").strip()
    if re.fullmatch(r"1[3-9]\d{9}", identifier):
        return mask_phone(identifier)
    if len(identifier) > 8:
        return identifier[:4] + "*" * (len(identifier) - 8) + identifier[-4:]
    return identifier[:2] + "*" * max(len(identifier) - 2, 0)
