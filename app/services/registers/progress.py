"""申请事项办理进度查询（受理发证信息查询）: a case's progress for whoever knows its number and applicant."""

import datetime
import re
from dataclasses import dataclass

from app.extensions import db
from app.masking import mask_name
from app.models import Application, EnterpriseQualification, PersonRegistration
from app.services.cases.eligibility import kind_parts
from app.services.cases.enterprise_items import ONLINE_KINDS as ENTERPRISE_REGISTER_KINDS
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS, Status


@dataclass(frozen=True)
class ProgressStep:
    time: datetime.datetime  # naive UTC, shown in China time by the page
    step: object  # translated label
    result: object
    office: str


@dataclass(frozen=True)
class ProgressResult:
    number: str
    item_name: str
    applicant: str  # masked
    status: str
    status_label: object
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    decision: object | None  # 准予许可 / 不予许可 (or 不予受理)
    decided_at: datetime.datetime | None
    certificate_number: str | None
    steps: tuple = ()


def _issued_registration_number(application: Application) -> str | None:
    """Best effort: the register entry of the holder for the item's qualification."""
    account = application.account
    if application.item is not None and application.item.category == "enterprise":
        qualification = (
            db.session.query(EnterpriseQualification)
            .filter_by(uscc=(application.data or {}).get("uscc", ""))
            .filter(
                EnterpriseQualification.kind == ENTERPRISE_REGISTER_KINDS.get(application.item.online_kind or "", "")
            )
            .order_by(EnterpriseQualification.id)
            .first()
        )
        return qualification.certificate_number if qualification else None
    if account is None or not account.document_number or application.item is None:
        return None
    try:
        qualification, _action = kind_parts(application.item)
    except (AttributeError, ValueError):
        return None
    registration = (
        db.session.query(PersonRegistration)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(PersonRegistration.valid_to.desc(), PersonRegistration.id.desc())
        .first()
    )
    return registration.registration_number if registration else None


def progress_lookup(number: str, name_or_certificate: str) -> ProgressResult | None:
    """The progress of a case for whoever knows its number and its applicant's name.

    None when the number is unknown or the name (or certificate number) does not
    match: the page must not tell which, or numbers could be probed.
    """
    number = re.sub(r"\s+", "", number or "").upper()
    given = (name_or_certificate or "").strip()
    if not number or not given:
        return None
    application = (
        db.session.query(Application)
        .filter(Application.number == number, Application.status != Status.DRAFT)
        .one_or_none()
    )
    if application is None or application.account is None:
        return None
    account = application.account
    certificate_number = _issued_registration_number(application) if application.status == Status.ISSUED else None
    # a company is also known by the name it filed under (a name change renames the account)
    filed_name = (application.data or {}).get("enterprise_name") if account.kind == "legal" else None
    names = {value for value in (account.real_name, account.display_name, filed_name) if value}
    matches = given in names or (
        certificate_number is not None and re.sub(r"\s+", "", given).upper() == certificate_number.upper()
    )
    if not matches:
        return None
    events = sorted(application.events, key=lambda event: event.id)
    accepted = next((event for event in events if event.action == "accept"), None)
    decision = next((event for event in reversed(events) if event.action in ("approve", "reject", "refuse")), None)
    steps = tuple(
        ProgressStep(
            time=event.created_at,
            step=TRANSITIONS[event.action].label if event.action in TRANSITIONS else event.action,
            result=STATUS_LABELS.get(event.to_status, event.to_status),
            office=event.office or "",
        )
        for event in events
    )
    return ProgressResult(
        number=application.number,
        item_name=application.item.name if application.item else "",
        applicant=mask_name(account.display_name or ""),
        status=application.status,
        status_label=STATUS_LABELS.get(application.status, application.status),
        submitted_at=application.submitted_at,
        accepted_at=accepted.created_at if accepted else None,
        decision=TRANSITIONS[decision.action].label if decision else None,
        decided_at=decision.created_at if decision else None,
        certificate_number=certificate_number,
        steps=steps,
    )
