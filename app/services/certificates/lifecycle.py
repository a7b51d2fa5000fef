"""电子证照 (manual chapter 六): the holder's certificates, 证照加注, signing and public verification.

A certificate (ElectronicCertificate) belongs to one registration in the public
register; its holder is the account with the registration's identity document.
Downloading needs a live endorsement (加注): a purpose and a usage window of 180
days from the endorsement, never past the registration's expiry or the day
before the holder turns 65. At the endorsement the certificate's canonical data
is signed with the installation's SM2 key; the QR code on the document leads to
the public 证照核验 page, which checks that signature and compares the signed
data with the register as it is now.
"""

import datetime
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.masking import mask_document
from app.models import (
    Account,
    CertificateEndorsement,
    ElectronicCertificate,
    EnterpriseQualification,
    PersonRegistration,
)
from app.services.accounts.identity_documents import DocumentError, validate_document
from app.services.certificates import prerender, signing
from app.services.errors import ServiceError
from app.services.platform import audit

ENDORSEMENT_DAYS = 180
RETIREMENT_AGE = 65
KINDS = ("constructor_1", "architect_1")
# An enterprise's qualification certificate, by the register's kind (建筑业企业 → construction_enterprise).
ENTERPRISE_KINDS = {"建筑业企业": "construction_enterprise", "房地产开发企业": "real_estate_enterprise"}
KIND_TITLES = {
    "constructor_1": _l("Registration certificate of Grade 1 constructor of the People's Republic of China"),
    "architect_1": _l("Registration certificate of Grade 1 registered architect of the People's Republic of China"),
    "construction_enterprise": _l("Construction enterprise qualification certificate"),
    "real_estate_enterprise": _l("Real estate development enterprise qualification certificate"),
}
KIND_CODES = {
    "constructor_1": "JZS",
    "architect_1": "JZ",
    "construction_enterprise": "JQ",
    "real_estate_enterprise": "FQ",
}
PURPOSES = {"bidding": _l("For bidding"), "own_record": _l("Kept by the holder"), "other": _l("Other")}
PURPOSE_DETAIL_MAX = 30
# As printed in the watermark: the certificate is a Chinese document whatever the interface language.
PURPOSE_PRINTED = {"bidding": "投标使用", "own_record": "本人留存", "other": "其他"}

# Certificate status (有效 / 已过期 / 已注销) and endorsement state.
VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"
STATUS_LABELS = {VALID: _l("Valid"), EXPIRED: _l("Expired"), REVOKED: _l("Cancelled")}
NOT_ENDORSED, LIVE, ENDORSEMENT_EXPIRED, DATA_CHANGED = "none", "live", "endorsement_expired", "data_changed"
ENDORSEMENT_LABELS = {
    NOT_ENDORSED: _l("Not endorsed"),
    LIVE: _l("Endorsed"),
    ENDORSEMENT_EXPIRED: _l("Endorsement expired"),
    DATA_CHANGED: _l("Certificate data changed since the endorsement: endorse again"),
}


class EndorsementRefused(ServiceError):
    """ServiceError on "purpose" (or "form") saying why the certificate cannot be endorsed."""


def endorsement_window(
    day: datetime.date, registration_valid_to: datetime.date, birth_date: datetime.date | None
) -> tuple[datetime.date, datetime.date] | None:
    """(first, last day) of an endorsement made on ``day``, or None if nothing is left of it.

    180 days from ``day`` (``day`` included), cut at the registration's last day and at
    the day before the holder's 65th birthday.
    """
    last = day + datetime.timedelta(days=ENDORSEMENT_DAYS - 1)
    last = min(last, registration_valid_to)
    if birth_date is not None:
        last = min(last, _birthday(birth_date, RETIREMENT_AGE) - datetime.timedelta(days=1))
    return (day, last) if last >= day else None


def _birthday(birth: datetime.date, age: int) -> datetime.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        return datetime.date(birth.year + age, 3, 1)


def holder_birth_date(account: Account | None, registration: PersonRegistration | None) -> datetime.date | None:
    if registration is None:  # an enterprise holds the certificate: no retirement age
        return None
    if account is not None and account.birth_date:
        return account.birth_date
    try:
        return validate_document(registration.holder_document_type, registration.holder_document_number).birth_date
    except (DocumentError, ValueError):
        return None


def holder_account(registration: PersonRegistration) -> Account | None:
    return (
        db.session.query(Account)
        .filter_by(
            document_type=registration.holder_document_type,
            document_number=registration.holder_document_number,
            kind="personal",
        )
        .filter(Account.active.is_(True))
        .first()
    )


def certificates_of(account: Account) -> list[ElectronicCertificate]:
    """The account's own certificates: those of registrations held under its identity document, or, for a
    legal-entity account, its enterprise's qualification certificates (replaced copies included, as revoked)."""
    if account.kind == "legal":
        uscc = account.enterprise.uscc if account.enterprise is not None else ""
        if not uscc:
            return []
        return (
            db.session.query(ElectronicCertificate)
            .join(
                EnterpriseQualification, ElectronicCertificate.enterprise_qualification_id == EnterpriseQualification.id
            )
            .filter(EnterpriseQualification.uscc == uscc)
            .order_by(ElectronicCertificate.revoked_at.is_not(None), ElectronicCertificate.id)
            .all()
        )
    if not account.document_number:
        return []
    return (
        db.session.query(ElectronicCertificate)
        .join(PersonRegistration)
        .filter(
            PersonRegistration.holder_document_type == account.document_type,
            PersonRegistration.holder_document_number == account.document_number,
        )
        .order_by(ElectronicCertificate.id)
        .all()
    )


def owned_certificate(account: Account, certificate_id: int) -> ElectronicCertificate | None:
    """The certificate if ``account`` holds it, else None (a stranger's id is simply not found)."""
    return next((c for c in certificates_of(account) if c.id == certificate_id), None)


def kind_of(certificate: ElectronicCertificate) -> str:
    qualification = certificate.enterprise_qualification
    if qualification is not None:
        return ENTERPRISE_KINDS.get(qualification.kind, "construction_enterprise")
    return certificate.registration.qualification


def valid_to_of(certificate: ElectronicCertificate) -> datetime.date:
    """The last day of what the certificate proves: the registration's, or the qualification's."""
    qualification = certificate.enterprise_qualification
    return qualification.valid_to if qualification is not None else certificate.registration.valid_to


def status_of(certificate: ElectronicCertificate, day: datetime.date | None = None) -> str:
    day = day or clock.today()
    qualification = certificate.enterprise_qualification
    if qualification is not None:
        if certificate.revoked_at is not None:
            return REVOKED
        return EXPIRED if qualification.valid_to < day else VALID
    registration = certificate.registration
    if certificate.revoked_at is not None or registration.status == "cancelled":
        return REVOKED
    if registration.valid_to < day:
        return EXPIRED
    return VALID


def latest_endorsement(certificate: ElectronicCertificate) -> CertificateEndorsement | None:
    return certificate.endorsements[-1] if certificate.endorsements else None


def endorsement_state(certificate: ElectronicCertificate, day: datetime.date | None = None) -> str:
    day = day or clock.today()
    endorsement = latest_endorsement(certificate)
    if endorsement is None:
        return NOT_ENDORSED
    if endorsement.valid_to < day:
        return ENDORSEMENT_EXPIRED
    if json.loads(endorsement.payload)["certificate"] != certificate_data(certificate):
        return DATA_CHANGED
    return LIVE


def can_download(certificate: ElectronicCertificate, day: datetime.date | None = None) -> bool:
    return status_of(certificate, day) == VALID and endorsement_state(certificate, day) == LIVE


@dataclass(frozen=True)
class Card:
    """One certificate as 我的证照 shows it; each state is worked out once (the endorsement state is a query)."""

    certificate: ElectronicCertificate
    status: str
    state: str
    endorsement: CertificateEndorsement | None

    @property
    def title(self):
        return KIND_TITLES[kind_of(self.certificate)]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def state_label(self):
        return ENDORSEMENT_LABELS[self.state]

    @property
    def can_download(self) -> bool:
        return self.status == VALID and self.state == LIVE

    @property
    def can_endorse(self) -> bool:
        return self.status == VALID and self.state != LIVE


def cards_of(account: Account, day: datetime.date | None = None) -> list[Card]:
    day = day or clock.today()
    return [
        Card(c, status_of(c, day), endorsement_state(c, day), latest_endorsement(c)) for c in certificates_of(account)
    ]


def certificate_data(certificate: ElectronicCertificate) -> dict:
    """The fields printed on the certificate and signed: what the public register says now."""
    if certificate.enterprise_qualification is not None:
        return enterprise_certificate_data(certificate)
    registration = certificate.registration
    account = holder_account(registration)
    birth = holder_birth_date(account, registration)
    return {
        "number": certificate.number,
        "kind": registration.qualification,
        "holder_name": registration.holder_name,
        "gender": (account.gender if account else "") or _gender_from_number(registration),
        "birth_date": birth.isoformat() if birth else "",
        "document": mask_document(registration.holder_document_type, registration.holder_document_number),
        "registration_number": registration.registration_number,
        "employer": registration.employer_name,
        "specialties": [[s.specialty, s.valid_to.isoformat()] for s in registration.specialties],
        "registration_valid_to": registration.valid_to.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
        "authority": current_app.config["CERTIFICATE_AUTHORITY"],
        "status": registration.status,
    }


def enterprise_certificate_data(certificate: ElectronicCertificate) -> dict:
    """建筑业企业资质证书: the enterprise and its qualification (the keys a person's certificate has, and more)."""
    qualification = certificate.enterprise_qualification
    assert qualification is not None
    return {
        "number": certificate.number,
        "kind": kind_of(certificate),
        "holder_name": qualification.enterprise_name,
        "uscc": qualification.uscc,
        "address": qualification.address,
        "registered_capital": qualification.registered_capital,
        "legal_rep": qualification.legal_rep_name,
        "registration_number": qualification.certificate_number,  # 证书编号
        "copy": certificate.copy_number,  # 副本号: a replacement (遗失补办) has the next one
        "employer": "",
        "specialties": [[f"{qualification.qualification}{qualification.grade}", qualification.valid_to.isoformat()]],
        "registration_valid_to": qualification.valid_to.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
        "authority": current_app.config["CERTIFICATE_AUTHORITY"],
        "status": "valid",
    }


def _gender_from_number(registration: PersonRegistration) -> str:
    try:
        return validate_document(registration.holder_document_type, registration.holder_document_number).gender or ""
    except (DocumentError, ValueError):
        return ""


def endorse(
    account: Account, certificate: ElectronicCertificate, purpose: str, detail: str = "", ip: str = ""
) -> CertificateEndorsement:
    """证照加注; the caller commits."""
    detail = (detail or "").strip()
    if purpose not in PURPOSES:
        raise EndorsementRefused({"purpose": _l("Please choose what the certificate will be used for")})
    if purpose == "other" and not detail:
        raise EndorsementRefused({"purpose_detail": _l("Please say what the certificate will be used for")})
    if len(detail) > PURPOSE_DETAIL_MAX:
        raise EndorsementRefused({"purpose_detail": _l("At most %(n)d characters", n=PURPOSE_DETAIL_MAX)})
    day = clock.today()
    if status_of(certificate, day) != VALID:
        raise EndorsementRefused({"form": _l("Only a valid certificate can be endorsed")})
    if endorsement_state(certificate, day) == LIVE:
        raise EndorsementRefused({"form": _l("The certificate is already endorsed; endorse again when it expires")})
    window = endorsement_window(day, valid_to_of(certificate), holder_birth_date(account, certificate.registration))
    if window is None:
        raise EndorsementRefused(
            {"form": _l("No usage period is left before the registration ends or the holder reaches 65")}
        )
    key = signing.installation_key()
    code = secrets.token_urlsafe(18)
    payload = {
        "certificate": certificate_data(certificate),
        "endorsement": {
            "code": code,
            "purpose": purpose,
            "detail": detail,
            "valid_from": window[0].isoformat(),
            "valid_to": window[1].isoformat(),
        },
    }
    endorsement = CertificateEndorsement(
        certificate=certificate,
        account_id=account.id,
        purpose=purpose,
        purpose_detail=detail,
        valid_from=window[0],
        valid_to=window[1],
        public_code=code,
        payload=signing.canonical_json(payload).decode("utf-8"),
        signature=signing.sign(signing.canonical_json(payload), key),
        key_id=key.key_id,
    )
    db.session.add(endorsement)
    prerender.certificate_after_commit(endorsement)  # a worker renders its PDF and OFD before the download
    audit.record(
        "certificate.endorsed",
        account=account,
        actor=account,
        ip=ip,
        subject=certificate.number,
        purpose=purpose,
        valid_to=window[1].isoformat(),
    )
    return endorsement


def purpose_text(endorsement: CertificateEndorsement) -> str:
    if endorsement.purpose == "other" and endorsement.purpose_detail:
        return endorsement.purpose_detail
    return PURPOSE_PRINTED.get(endorsement.purpose, endorsement.purpose)


# --- 证照核验 ---------------------------------------------------------------

AUTHENTIC, FORGED, REPLACED = "authentic", "forged", "replaced"
VERDICT_LABELS = {
    VALID: _l("Valid"),
    EXPIRED: _l("Not valid: the registration has expired"),
    REVOKED: _l("Not valid: the registration has been cancelled"),
    ENDORSEMENT_EXPIRED: _l("Not valid: the usage period of this copy has ended"),
    DATA_CHANGED: _l("Not valid: the register has changed since this copy was made"),
    FORGED: _l("Not valid: the signature does not match the data"),
    REPLACED: _l("Not valid: this copy was declared lost and replaced by a new one"),
}


@dataclass(frozen=True)
class Verification:
    found: bool
    authentic: bool = False
    verdict: str = ""
    data: dict | None = None
    endorsement: dict | None = None

    @property
    def valid(self) -> bool:
        return self.found and self.authentic and self.verdict == VALID

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS.get(self.verdict, ""))


def verify_signed(payload_text: str, signature: str, key_id: str) -> bool:
    """Whether ``signature`` is the signature of ``payload_text`` by the key (current or retired) ``key_id`` names."""
    public_key = signing.public_key_for(key_id)
    return public_key is not None and signing.verify(payload_text.encode("utf-8"), signature, public_key)


def verify_code(code: str, day: datetime.date | None = None) -> Verification:
    """What the QR code's page says of the endorsement ``code``."""
    day = day or clock.today()
    endorsement = (
        db.session.query(CertificateEndorsement).filter_by(public_code=code).first()
        if code and len(code) <= 32
        else None
    )
    if endorsement is None:
        return Verification(found=False)
    if not verify_signed(endorsement.payload, endorsement.signature, endorsement.key_id):
        return Verification(found=True, authentic=False, verdict=FORGED)
    signed = json.loads(endorsement.payload)
    certificate = endorsement.certificate
    status = status_of(certificate, day)
    if status == REVOKED and certificate.enterprise_qualification is not None:
        verdict = REPLACED  # an enterprise copy is revoked only by its replacement (遗失补办)
    elif status != VALID:
        verdict = status
    elif endorsement.valid_to < day or endorsement.valid_from > day:
        verdict = ENDORSEMENT_EXPIRED
    elif signed["certificate"] != certificate_data(certificate):
        verdict = DATA_CHANGED
    else:
        verdict = VALID
    return Verification(
        found=True, authentic=True, verdict=verdict, data=signed["certificate"], endorsement=signed["endorsement"]
    )


def verification_url(endorsement: CertificateEndorsement) -> str:
    base = current_app.config["PORTAL_PUBLIC_URL"].rstrip("/")
    return f"{base}/certificates/verify/{endorsement.public_code}"


def next_number(qualification: str, issued_on: datetime.date) -> str:
    """证照编号: kind code, year of issue, eight-digit serial (unique per kind and year)."""
    prefix = f"{KIND_CODES[qualification]}{issued_on.year}"
    count = db.session.query(ElectronicCertificate).filter(ElectronicCertificate.number.like(prefix + "%")).count()
    return f"{prefix}{count + 1:08d}"


def issue_for(registration: PersonRegistration, day: datetime.date | None = None) -> ElectronicCertificate | None:
    """The registration's electronic certificate, created when first issued; None for other qualifications."""
    if registration.qualification not in KINDS:
        return None
    if registration.id is not None:
        existing = db.session.query(ElectronicCertificate).filter_by(registration_id=registration.id).first()
        if existing is not None:
            existing.issued_on = day or clock.today()  # 签发日期 of the latest change; old endorsements go stale
            return existing
    day = day or clock.today()
    certificate = ElectronicCertificate(
        registration=registration, issued_on=day, number=next_number(registration.qualification, day)
    )
    db.session.add(certificate)
    return certificate


def issue_for_enterprise(
    qualification: EnterpriseQualification, day: datetime.date | None = None, *, replace: bool = False
) -> ElectronicCertificate:
    """The qualification's electronic certificate (建筑业企业资质证书), created when first issued.

    After a change its 签发日期 moves on (old endorsements go stale); ``replace`` (遗失补办) revokes the
    current copy, whose QR code then says 已注销, and issues a new one with the next copy number.
    """
    day = day or clock.today()
    copies = (
        db.session.query(ElectronicCertificate)
        .filter_by(enterprise_qualification_id=qualification.id)
        .order_by(ElectronicCertificate.copy_number)
        .all()
        if qualification.id is not None
        else []
    )
    current = next((c for c in reversed(copies) if c.revoked_at is None), None)
    if current is not None and not replace:
        current.issued_on = day
        return current
    if current is not None:
        current.revoked_at = clock.now()
    kind = ENTERPRISE_KINDS.get(qualification.kind, "construction_enterprise")
    certificate = ElectronicCertificate(
        enterprise_qualification=qualification,
        issued_on=day,
        number=next_number(kind, day),
        copy_number=(copies[-1].copy_number + 1) if copies else 1,
    )
    db.session.add(certificate)
    db.session.flush()  # the next number counts it
    return certificate
