"""Correcting a case (补正) and changing personal information (信息修改) after a decision (manual chapter 三).

Staff return a case naming every defect at once; the applicant sends new
versions of the flagged materials and values of the flagged fields only, and
the same case goes on. Without a return, a person may ask for a correction
of their name or document number as a new case of the same item.
"""

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Application, PersonRegistration, ServiceItem
from app.services.accounts import identity_documents as docs
from app.services.cases import eligibility, enterprise_items, workflow
from app.services.cases import scope as case_scope
from app.services.cases.applications import new_number, tell
from app.services.cases.uploads import check_uploads, store_uploads
from app.services.cases.workflow import Status
from app.services.errors import ServiceError
from app.services.platform import audit, sms


def correction_request(application: Application) -> dict:
    return application.correction or {}


# What the applicant is warned of with every return (行政许可法 §32; the 补正材料通知书 says the same).
CORRECTION_WARNING = _l("If you do not correct it in time, the application is deemed withdrawn.")


def request_correction(
    application: Application,
    *,
    actor,
    reason: str,
    defects: list,
    office: str = "",
    action: str = "request_correction",
) -> None:
    """Staff return a case with every defect at once (material ids and/or field names).

    ``action`` is the return of the acceptance office (before acceptance) or of the review
    office (``review_correction``: the corrected case comes back to review)."""
    if not reason.strip():
        raise ServiceError({"reason": _l("Please give the reason for the return")})
    if action not in workflow.CORRECTION_ACTIONS:
        raise ValueError(action)
    workflow.apply(application, action, actor=actor, office=office, remarks=reason, defects=defects)
    application.correction = {"reason": reason, "defects": defects}
    tell(
        application.account,
        application,
        _l("Application %(number)s returned for correction", number=application.number),
        f"{_l('Reason: %(reason)s. Please correct it on the 信息修改或材料补充 page.', reason=reason)} "
        f"{CORRECTION_WARNING}",
    )
    account = application.account
    if account is not None and account.phone:
        text = _l(
            "[MOHURD portal] Your application %(number)s was returned for correction: see 用户中心. %(warning)s",
            number=application.number,
            warning=CORRECTION_WARNING,
        )
        sms.notify_after_commit(account.phone, "case_notice", str(text))


def flagged_fields(application: Application) -> set:
    """The filled-in fields a correction request names (by field name)."""
    return {d["field"] for d in correction_request(application).get("defects", []) if d.get("field")}


def flagged_materials(application: Application) -> set:
    return {d["material_id"] for d in correction_request(application).get("defects", []) if d.get("material_id")}


def resubmit(
    account,
    application: Application,
    *,
    changes: dict,
    uploads: dict,
    commitment: bool,
    sms_check,
    ip: str = "",
    field_values: dict | None = None,
) -> Application:
    """Continue the same case with new versions of the flagged materials and new values of the flagged fields only."""
    if application.account_id != account.id:
        raise PermissionError("not the applicant")
    if application.status not in workflow.RETURNED_STATUSES:
        raise ServiceError({"__all__": _l("This case is not waiting for a correction")})
    errors = {}
    flagged = flagged_materials(application)
    unexpected = [mid for mid, upload in uploads.items() if upload and upload.data and mid not in flagged]
    if unexpected:
        errors["__all__"] = _l("Only the materials named in the return may be uploaded again")
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    accepted, upload_errors = check_uploads(application.item, uploads)
    errors.update(upload_errors)
    for mid in flagged - set(accepted):
        errors.setdefault(f"material_{mid}", _l("This material was returned: please upload a corrected version"))
    field_values = {name: (value or "").strip()[:500] for name, value in (field_values or {}).items()}
    flagged_names = flagged_fields(application)
    if set(field_values) - flagged_names:
        errors["__all__"] = _l("Only the information named in the return may be changed")
    for name in flagged_names:
        if not field_values.get(name):
            errors[f"field_{name}"] = _l("This information was returned: please enter the corrected value")
    if enterprise_items.is_enterprise_item(application.item) and not errors:
        corrected = {**(application.data or {}), **{name: field_values[name] for name in flagged_names}}
        errors.update(enterprise_items.corrected_data_problems(corrected))
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    written: list[str] = []
    store_uploads(application, application.item, accepted, written)
    data = dict(application.data or {})  # a new dict: a change in place would not be saved
    for name in flagged_names:
        data[name] = field_values[name]
    data["corrections"] = {k: v.strip()[:500] for k, v in changes.items() if v and v.strip()}
    application.data = data
    workflow.apply(
        application,
        "resubmit",
        actor=account,
        office=_l("Online service portal"),
        remarks=data["corrections"].get("explanation", ""),
    )
    audit.record("application.resubmitted", account=account, actor=account, ip=ip, subject=application.number)
    return application


def can_change_information(account, item: ServiceItem) -> bool:
    """信息修改 without a return: the person has a decided case or a registration of this kind, and no open case.

    An enterprise corrects its data by a new change case, not by this request."""
    if item.category == "enterprise" or eligibility.open_case(account, item) is not None:
        return False
    if eligibility.latest_case(account, item) is not None:
        return True
    qualification, _action = eligibility.kind_parts(item)
    return (
        db.session.query(PersonRegistration.id)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .first()
        is not None
    )


def request_information_change(
    account, item: ServiceItem, *, changes: dict, uploads: dict, commitment: bool, sms_check, ip: str = ""
) -> Application:
    """To correct personal information (a changed name or document) when no case is waiting for a correction:
    a new case of the same item, which staff check like any other; issuing it corrects the register."""
    if not can_change_information(account, item):
        raise ServiceError({"__all__": _l("A case of this item is still being handled: wait for its decision")})
    changes = {key: (changes.get(key) or "").strip()[:500] for key in ("name", "document_number", "explanation")}
    errors = {}
    if not changes["name"] and not changes["document_number"]:
        errors["name"] = _l("Enter the corrected name or document number")
    if changes["name"] and len(changes["name"]) > 50:
        errors["name"] = _l("At most %(n)d characters", n=50)
    if changes["document_number"]:
        try:
            changes["document_number"] = docs.validate_document(
                account.document_type, changes["document_number"], passport_country=account.passport_country
            ).number
        except docs.DocumentError as refused:
            errors["document_number"] = refused.message
    if not changes["explanation"]:
        errors["explanation"] = _l("Please explain the change")
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    accepted, upload_errors = check_uploads(item, uploads)
    errors.update(upload_errors)
    if not accepted and not upload_errors:
        errors["__all__"] = _l("Upload the document that proves the change (for example the new identity card)")
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    latest = eligibility.latest_case(account, item)
    application = Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
    db.session.add(application)
    written: list[str] = []
    store_uploads(application, item, accepted, written)
    application.data = {"information_change": changes, "of_case": latest.number if latest else ""}
    application.commitment = True
    application.number = new_number()
    application.submitted_at = clock.now()
    application.province = case_scope.province_of_case(account, latest.data if latest else {})
    workflow.apply(
        application,
        "submit",
        actor=account,
        office=_l("Online service portal"),
        remarks=_l("Personal information correction: %(text)s", text=changes["explanation"]),
    )
    tell(
        account,
        application,
        _l("Application %(number)s submitted", number=application.number),
        _l(
            "Your request to correct your personal information for %(item)s has been submitted. Its number is "
            "%(number)s; follow its progress in My cases.",
            item=item.name,
            number=application.number,
        ),
    )
    audit.record("application.information_change", account=account, actor=account, ip=ip, subject=application.number)
    return application
