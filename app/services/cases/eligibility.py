"""Who may apply online for which personal registration, and what the form asks (manual chapter 三).

The rules come from the registration regulations (注册建造师管理规定,
注册建筑师条例): the applicant's age, the certificates and registration on
record (the prefill), the fields each kind of registration asks for and
what a valid answer is.
"""

import datetime
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db
from app.models import (
    Application,
    EnterpriseQualification,
    PersonRegistration,
    QualificationCertificate,
    ServiceItem,
)
from app.services.accounts import identity_documents as docs
from app.services.cases import enterprise_items
from app.services.cases.enterprise_fields import ENTERPRISE_FIELD_LABELS
from app.services.cases.workflow import OPEN_STATUSES, Status

MAX_AGE = 65
RENEWAL_DEADLINE_DAYS = 30  # a renewal must be filed at least 30 days before expiry

QUALIFICATION_NAMES = {"constructor_1": _l("Grade 1 constructor"), "architect_1": _l("Grade 1 registered architect")}

# Which fields each kind of registration asks for, beyond the basic information.
FORM_FIELDS = {
    "initial": ("employer_uscc", "employer_name", "specialty"),
    "renewal": (),
    "add_specialty": ("specialty",),
    "change_employer": ("employer_uscc", "employer_name"),
    "cancel": ("reason",),
    "reregister": ("employer_uscc", "employer_name", "specialty"),
    "lost_replacement": ("reason",),
}
BASIC_FIELDS = ("nation", "school", "major", "education", "graduation_date")
# How each filled-in field is named to the applicant (the application form's labels).
FIELD_LABELS = {
    "nation": _l("Ethnic group"),
    "school": _l("School graduated from"),
    "major": _l("Field of study"),
    "education": _l("Education"),
    "graduation_date": _l("Graduation date"),
    "employer_name": _l("Employer (enterprise name)"),
    "employer_uscc": _l("Employer's unified social credit code"),
    "specialty": _l("Specialty"),
    "reason": _l("Reason"),
    **ENTERPRISE_FIELD_LABELS,  # the enterprise items' fields (enterprise_items)
}


@dataclass
class Prefill:
    """What the portal already knows about the applicant for this item."""

    qualification: str
    action: str
    certificates: list = field(default_factory=list)
    registration: PersonRegistration | None = None

    @property
    def certificate_specialties(self):
        return sorted({c.specialty for c in self.certificates})

    @property
    def registered_specialties(self):
        return [s.specialty for s in self.registration.specialties] if self.registration else []


def kind_parts(item: ServiceItem) -> tuple[str, str]:
    """("constructor_1", "initial") for the item's online kind."""
    assert item.online_kind is not None, "only items open online have a kind"
    profession, action = item.online_kind.split("_", 1)
    return f"{profession}_1", action


_PREFILL = "eligibility.prefill"


def prefill(account, item: ServiceItem) -> Prefill:
    """What the registers say about the applicant, read once per unit of work: a submission asks it four times
    (the form, the eligibility rules twice, the field rules); any flush, commit or rollback forgets it."""
    session = db.session
    if session.new or session.deleted or session.dirty:  # unflushed changes: a query would flush and see them
        session.info.pop(_PREFILL, None)
    known = session.info.setdefault(_PREFILL, {})
    key = (account.id, account.document_number, item.online_kind)
    if key not in known:
        known[key] = _read_prefill(account, item)
    return known[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_prefill(session, *args) -> None:
    session.info.pop(_PREFILL, None)


def _read_prefill(account, item: ServiceItem) -> Prefill:
    qualification, action = kind_parts(item)
    certificates = (
        db.session.query(QualificationCertificate)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(QualificationCertificate.issued_on)
        .all()
    )
    registration = (
        db.session.query(PersonRegistration)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(PersonRegistration.valid_to.desc())
        .first()
    )
    return Prefill(qualification, action, certificates, registration)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def open_case(account, item: ServiceItem) -> Application | None:
    return (
        db.session.query(Application)
        .filter(
            Application.account_id == account.id, Application.item_id == item.id, Application.status.in_(OPEN_STATUSES)
        )
        .order_by(Application.id.desc())
        .first()
    )


def open_case_of_qualification(account, qualification: str) -> Application | None:
    """An open case of any item of this qualification (an 初始注册 in progress, for a 重新注册)."""
    profession = qualification.removesuffix("_1")
    return (
        db.session.query(Application)
        .join(ServiceItem, Application.item_id == ServiceItem.id)
        .filter(
            Application.account_id == account.id,
            Application.status.in_(OPEN_STATUSES),
            ServiceItem.online_kind.like(f"{profession}\\_%", escape="\\"),
        )
        .order_by(Application.id.desc())
        .first()
    )


def latest_case(account, item: ServiceItem) -> Application | None:
    return (
        db.session.query(Application)
        .filter(
            Application.account_id == account.id, Application.item_id == item.id, Application.status != Status.DRAFT
        )
        .order_by(Application.id.desc())
        .first()
    )


def draft_of(account, item: ServiceItem) -> Application | None:
    return (
        db.session.query(Application)
        .filter_by(account_id=account.id, item_id=item.id, status=Status.DRAFT)
        .order_by(Application.id.desc())
        .first()
    )


def eligibility_problems(account, item: ServiceItem, today: datetime.date | None = None) -> list:
    """Why this person may not apply for this item today (empty: they may)."""
    today = today or clock.today()
    problems = []
    if item.online_kind is None:
        return [_l("Online processing of this item is not open yet")]
    if enterprise_items.is_enterprise_item(item):
        return enterprise_items.eligibility_problems(account, item, today)
    if account.kind != "personal":
        return [_l("Personal items are applied for with a personal account")]
    if account.birth_date and age_on(account.birth_date, today) >= MAX_AGE:
        problems.append(_l("Registration is not possible at %(age)s or older", age=MAX_AGE))
    if open_case(account, item) is not None:
        problems.append(_l("You already have a case of this item in progress; follow it in My cases"))
    known = prefill(account, item)
    registration = known.registration
    live = registration is not None and registration.status == "valid" and registration.valid_to >= today
    action = known.action
    if action in ("initial", "reregister") and not known.certificates:
        problems.append(_l("No qualification certificate is on record for your identity document"))
    if action == "initial" and live:
        problems.append(_l("You are already registered; apply for a change or a renewal instead"))
    if action == "reregister" and live:
        problems.append(_l("Your registration is still valid; re-registration is for expired or cancelled ones"))
    if action == "reregister" and registration is None:
        problems.append(
            _l("Re-registration is for an earlier registration that expired or was cancelled; you have none")
        )
    if (
        action == "reregister"
        and open_case(account, item) is None
        and open_case_of_qualification(account, known.qualification) is not None
    ):
        problems.append(_l("You have another case of this qualification in progress; follow it in My cases"))
    if action in ("renewal", "add_specialty", "change_employer", "cancel", "lost_replacement") and not live:
        problems.append(_l("You have no valid registration for this qualification"))
    if (
        action == "renewal"
        and live
        and registration
        and today > registration.valid_to - datetime.timedelta(days=RENEWAL_DEADLINE_DAYS)
    ):
        problems.append(
            _l(
                "A renewal must be applied for at least %(days)s days before the registration expires (%(date)s)",
                days=RENEWAL_DEADLINE_DAYS,
                date=registration.valid_to.isoformat(),
            )
        )
    if (
        action == "add_specialty"
        and live
        and not (set(known.certificate_specialties) - set(known.registered_specialties))
    ):
        problems.append(_l("No qualification certificate for a specialty you are not yet registered in"))
    return problems


def employer_problem(uscc: str, current: PersonRegistration | None, today: datetime.date):
    try:
        uscc = docs.validate_uscc(uscc)
    except docs.DocumentError as error:
        return error.message
    valid = (
        db.session.query(EnterpriseQualification)
        .filter(EnterpriseQualification.uscc == uscc, EnterpriseQualification.valid_to >= today)
        .first()
    )
    if valid is None:
        return _l("This enterprise holds no valid qualification certificate")
    if current is not None and current.employer_uscc == uscc:
        return _l("This is already your registered employer")
    return None


def form_problems(account, item: ServiceItem, data: dict, today: datetime.date | None = None) -> dict:
    if enterprise_items.is_enterprise_item(item):
        return enterprise_items.form_problems(account, item, data, today)
    today = today or clock.today()
    known = prefill(account, item)
    errors = {}
    for name in BASIC_FIELDS:
        if not (data.get(name) or "").strip():
            errors[name] = _l("This field is required")
    wanted = FORM_FIELDS[known.action]
    if "employer_uscc" in wanted:
        current = known.registration if known.action == "change_employer" else None
        problem = employer_problem(data.get("employer_uscc", ""), current, today)
        if problem is not None:
            errors["employer_uscc"] = problem
        if not (data.get("employer_name") or "").strip():
            errors["employer_name"] = _l("This field is required")
    if "specialty" in wanted:
        choices = specialty_choices(known)
        if data.get("specialty") not in choices:
            errors["specialty"] = _l("Choose a specialty of your qualification certificate")
    if "reason" in wanted and not (data.get("reason") or "").strip():
        errors["reason"] = _l("Please explain the reason")
    return errors


def specialty_choices(known: Prefill) -> list[str]:
    if known.action == "add_specialty":
        return [s for s in known.certificate_specialties if s not in known.registered_specialties]
    return known.certificate_specialties


def required_materials(item: ServiceItem, data: dict) -> list:
    """The materials a submission must include (an enterprise change asks according to what changed)."""
    if enterprise_items.is_enterprise_item(item):
        return enterprise_items.required_materials(item, data)
    return [material for material in item.materials if material.required]


def clean_data(item: ServiceItem, data: dict, account=None) -> dict:
    if enterprise_items.is_enterprise_item(item):
        return enterprise_items.clean_data(account, item, data)
    _, action = kind_parts(item)
    allowed = BASIC_FIELDS + FORM_FIELDS[action]
    return {name: (data.get(name) or "").strip()[:500] for name in allowed}
