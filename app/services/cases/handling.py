"""What staff do to a case: each transition with its reason, the applicant told, the register written.

The state machine (workflow.py) decides whether a move is allowed; this module
adds what a move means: reasons the law requires, the message and SMS to the
applicant, and, on issuing, the public register (PersonRegistration).
"""

import datetime
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Application, InboxMessage, PersonRegistration, QualificationCertificate, RegisteredSpecialty
from app.regions import PROVINCE_CHARACTERS
from app.services.cases import (
    claims,
    corrections,
    eligibility,
    enterprise_items,
    enterprise_register,
    real_estate,
    workflow,
)
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS
from app.services.certificates import lifecycle as certificates
from app.services.errors import ServiceError
from app.services.platform import audit, sms

REGISTRATION_YEARS = 3

# The staff actions of the back office and the office that performs each.
STAFF_ACTIONS = {
    "accept": _l("Acceptance office"),
    "refuse": _l("Acceptance office"),
    "request_correction": _l("Acceptance office"),
    "start_review": _l("Review office"),
    "review_correction": _l("Review office"),
    "submit_opinion": _l("Review office"),
    "approve": _l("Decision office"),
    "reject": _l("Decision office"),
    "issue": _l("Certificate office"),
}
NEEDS_REASON = {"refuse", "request_correction", "review_correction", "reject", "submit_opinion"}
# The applicant gets an SMS on every decision (a return for correction sends its own, with its warning).
SMS_ACTIONS = {"accept", "refuse", "approve", "reject", "issue"}
# 审查意见: the reviewer's recommendation to the decision office.
RECOMMENDATIONS = {"grant": _l("Recommend granting the licence"), "refuse": _l("Recommend refusing the licence")}
# What the officer's button says (the timeline says what happened: 已受理, 已制证 ...).
ACTION_LABELS = {
    "accept": _l("Accept"),
    "refuse": _l("Do not accept"),
    "request_correction": _l("Return for correction"),
    "start_review": _l("Start review"),
    "review_correction": _l("Return for correction"),
    "submit_opinion": _l("Submit the review opinion"),
    "approve": _l("Grant the licence"),
    "reject": _l("Refuse the licence"),
    "issue": _l("Issue the certificate"),
}

RIGHT_OF_REDRESS = _l(
    "If you disagree with this decision, you may apply for administrative review within 60 days "
    "of receiving it, or bring an administrative lawsuit within 6 months."
)


def make_registration_number(
    province_code: str, level: int, qualification_year: int, first_year: int, serial: int
) -> str:
    """注册编号: province character + level + province code + qualification year + first-registration
    year + serial, e.g. 京1 11 10 26 00001 → 京111102600001."""
    return (
        f"{PROVINCE_CHARACTERS.get(province_code, '京')}{level}{province_code}"
        f"{qualification_year % 100:02d}{first_year % 100:02d}{serial:05d}"
    )


def handle(
    application: Application,
    action: str,
    *,
    actor,
    reason: str = "",
    defects: list | None = None,
    ip: str = "",
    recommendation: str = "",
    recommendation_reasons: str = "",
) -> None:
    """Apply a staff action; the caller commits (or rolls back on any exception)."""
    if action not in STAFF_ACTIONS:
        raise ValueError(f"not a staff action: {action}")
    reason = (reason or "").strip()
    errors: dict = {}
    if action in NEEDS_REASON and not reason:
        errors["reason"] = (
            _l("Please write the review opinion") if action == "submit_opinion" else _l("Please give the reasons")
        )
    details = None
    if action == "submit_opinion":
        recommendation_reasons = (recommendation_reasons or "").strip()
        if recommendation not in RECOMMENDATIONS:
            errors["recommendation"] = _l("Choose a recommendation")
        elif recommendation == "refuse" and not recommendation_reasons:
            errors["recommendation_reasons"] = _l("Give the reasons for recommending a refusal")
        details = {"recommendation": recommendation, "recommendation_reasons": recommendation_reasons}
    if errors:
        raise ServiceError(errors)
    if not workflow.can(application, action):
        raise workflow.TransitionRefused(action, application.status)
    if actor is not None:
        claims.ensure_holder(application, actor)
    office = str(STAFF_ACTIONS[action])
    if action in workflow.CORRECTION_ACTIONS:
        corrections.request_correction(
            application, actor=actor, reason=reason, defects=defects or [], office=office, action=action
        )
    else:
        remarks = reason
        if action in ("refuse", "reject"):
            remarks = f"{reason} {RIGHT_OF_REDRESS}"
        if action == "approve":
            reserve_grant(application)
        workflow.apply(application, action, actor=actor, office=office, remarks=remarks, details=details)
        if action not in workflow.INTERNAL_ACTIONS:
            _tell(application, action, reason)
    if action == "issue":
        if enterprise_items.is_enterprise_item(application.item):  # manual 四: the enterprise register
            enterprise_register.issue(application)
        else:
            registration = issue_registration(application)
            db.session.flush()
            certificates.issue_for(registration)
    audit.record(
        f"case.{action}",
        account=application.account,
        actor=actor,
        ip=ip,
        subject=application.number,
        reason=reason[:200],
    )


# --- 退回补正: the defect list --------------------------------------------------------------

DEFECT_MAX_LENGTH = 300


def returnable_fields(application: Application) -> list[tuple[str, object, str]]:
    """(name, label, value) of the filled-in fields of the case that a correction request may name."""
    data = application.data or {}
    if real_estate.is_real_estate_item(application.item):  # its sections: 企业基本信息, 经营业绩, 专业技术人员
        return [
            (name, label, real_estate.returnable_value(name, data[name]))
            for name, label in real_estate.FIELD_LABELS.items()
            if name in data
        ]
    return [(name, label, data[name]) for name, label in eligibility.FIELD_LABELS.items() if name in data]


def material_key(material_id: int) -> str:
    """The form field that holds the problem with a material (``defect_<id>``)."""
    return f"defect_{material_id}"


def field_key(name: str) -> str:
    return f"defect_field_{name}"


def build_defects(application: Application, materials: Mapping[int, str], fields: Mapping[str, str]) -> list[dict]:
    """The defect list of a return from what the officer marked: material id or field name → what is wrong.

    Every marked material or field needs its problem stated (the applicant is told once and
    completely); only the item's own materials and the case's filled-in fields can be named;
    at least one must be. Refusals are keyed by the form field they belong to.
    """
    errors: dict[str, object] = {}
    defects = []
    for material in application.item.materials:
        if material.id not in materials:
            continue
        problem = (materials[material.id] or "").strip()
        if not problem:
            errors[material_key(material.id)] = _l("Say what is wrong with this material")
        defects.append({"material_id": material.id, "label": material.name, "problem": problem[:DEFECT_MAX_LENGTH]})
    for name, label, _value in returnable_fields(application):
        if name not in fields:
            continue
        problem = (fields[name] or "").strip()
        if not problem:
            errors[field_key(name)] = _l("Say what is wrong with this information")
        defects.append({"field": name, "label": str(label), "problem": problem[:DEFECT_MAX_LENGTH]})
    if not defects:
        errors["defects"] = _l("Mark at least one material or field with its problem")
    if errors:
        raise ServiceError(errors)
    return defects


def correction_action(application: Application) -> str:
    """The return of the stage the case is in: the acceptance office's before acceptance, the reviewer's in review."""
    return "review_correction" if workflow.can(application, "review_correction") else "request_correction"


def return_for_correction(
    application: Application, *, actor, reason: str, materials: Mapping[int, str], fields: Mapping[str, str]
) -> list[dict]:
    """补正: return the case with every defect at once; the caller's unit of work commits."""
    errors: dict[str, object] = {}
    if not (reason or "").strip():
        errors["reason"] = _l("Please give the reason for the return")
    try:
        defects = build_defects(application, materials, fields)
    except ServiceError as refused:
        errors.update(refused.errors)
    if errors:
        raise ServiceError(errors)
    handle(application, correction_action(application), actor=actor, reason=reason, defects=defects)
    return defects


def _tell(application: Application, action: str, reason: str) -> None:
    title = _l("Application %(number)s: %(step)s", number=application.number, step=TRANSITIONS[action].label)
    body = _l(
        "The status of your application for %(item)s is now: %(status)s.",
        item=application.item.name,
        status=STATUS_LABELS[application.status],
    )
    if reason:
        body = f"{body} {_l('Reason')}: {reason}"
    db.session.add(
        InboxMessage(
            account_id=application.account_id, application_id=application.id, title=str(title)[:200], body=str(body)
        )
    )
    if action in SMS_ACTIONS and application.account and application.account.phone:
        text = _l(
            "[MOHURD portal] Your application %(number)s: %(step)s. See 用户中心 for details.",
            number=application.number,
            step=TRANSITIONS[action].label,
        )
        sms.notify_after_commit(application.account.phone, "case_notice", str(text))


def reserve_grant(application: Application) -> None:
    """准予: fix the registration number granted and its validity, which the decision states and issuing writes.

    Enterprise items grant no personal registration: their certificate copy is numbered when issued."""
    if enterprise_items.is_enterprise_item(application.item):
        return
    try:
        qualification, action = eligibility.kind_parts(application.item)
    except (AttributeError, ValueError):
        return
    account = application.account
    data = application.data or {}
    if data.get("information_change") or account is None:
        return
    today = clock.today()
    current = (
        db.session.query(PersonRegistration)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(PersonRegistration.valid_to.desc())
        .first()
    )
    if action in ("initial", "reregister") or current is None:
        application.granted_number = _next_registration_number(account, qualification, data, today)
        application.granted_from, application.granted_to = today, _years_after(today, REGISTRATION_YEARS)
        return
    application.granted_number = current.registration_number
    application.granted_from = current.valid_from
    if action == "renewal":
        application.granted_to = _years_after(max(current.valid_to, today), REGISTRATION_YEARS)
    elif action == "cancel":
        application.granted_from = application.granted_to = None
    else:
        application.granted_to = current.valid_to


def _next_registration_number(account, qualification, data, today) -> str:
    province = (data.get("employer_uscc") or "91110000")[2:4]
    certificate = (
        db.session.query(QualificationCertificate)
        .filter_by(
            holder_document_number=account.document_number,
            qualification=qualification,
            specialty=data.get("specialty", ""),
        )
        .first()
    )
    qualification_year = certificate.issued_on.year if certificate else today.year
    prefix = make_registration_number(province, 1, qualification_year, today.year, 0)[:-5]
    # The registered numbers and those granted but not issued yet.
    taken = db.session.query(PersonRegistration).filter(PersonRegistration.registration_number.like(prefix + "%"))
    reserved = db.session.query(Application).filter(
        Application.granted_number.like(prefix + "%"), Application.status == workflow.Status.APPROVED
    )
    return make_registration_number(province, 1, qualification_year, today.year, taken.count() + reserved.count() + 1)


def issue_registration(application: Application) -> PersonRegistration:
    """制证: write the public register for the kind of registration applied for."""
    qualification, action = eligibility.kind_parts(application.item)
    account = application.account
    data = application.data or {}
    today = clock.today()
    current = (
        db.session.query(PersonRegistration)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(PersonRegistration.valid_to.desc())
        .first()
    )
    change = data.get("information_change")
    if change and current is not None:
        # 个人信息更正: the holder's registrations of this kind take the corrected name and document.
        for registration in db.session.query(PersonRegistration).filter_by(
            holder_document_number=account.document_number, qualification=qualification
        ):
            registration.holder_name = change.get("name") or registration.holder_name
            registration.holder_document_number = change.get("document_number") or registration.holder_document_number
        return current
    if action in ("initial", "reregister") or current is None:
        return _new_registration(account, qualification, data, today, application)
    if action == "renewal":
        current.valid_to = application.granted_to or _years_after(max(current.valid_to, today), REGISTRATION_YEARS)
        for specialty in current.specialties:
            specialty.valid_to = current.valid_to
    elif action == "add_specialty":
        # An added specialty keeps the registration's existing expiry date.
        current.specialties.append(RegisteredSpecialty(specialty=data.get("specialty", ""), valid_to=current.valid_to))
    elif action == "change_employer":
        current.employer_name = data.get("employer_name", current.employer_name)
        current.employer_uscc = data.get("employer_uscc", current.employer_uscc)
    elif action == "cancel":
        current.status = "cancelled"
    return current


def _new_registration(account, qualification, data, today, application=None) -> PersonRegistration:
    """The register entry of a new registration: the number and validity the decision granted."""
    number = getattr(application, "granted_number", None)
    valid_from = getattr(application, "granted_from", None) or today
    valid_to = getattr(application, "granted_to", None) or _years_after(valid_from, REGISTRATION_YEARS)
    if not number:
        number = _next_registration_number(account, qualification, data, today)
    registration = PersonRegistration(
        holder_name=account.real_name,
        holder_document_type=account.document_type,
        holder_document_number=account.document_number,
        qualification=qualification,
        registration_number=number,
        employer_name=data.get("employer_name", ""),
        employer_uscc=data.get("employer_uscc", ""),
        valid_from=valid_from,
        valid_to=valid_to,
        status="valid",
    )
    registration.specialties.append(RegisteredSpecialty(specialty=data.get("specialty", ""), valid_to=valid_to))
    db.session.add(registration)
    return registration


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
