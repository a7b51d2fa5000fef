"""Online applications for personal registrations (manual chapter 三).

The rules come from the registration regulations (注册建造师管理规定,
注册建筑师条例): who may apply for which kind of registration, what the form
asks, how a case is submitted (one transaction: case, attachments, event,
inbox message) and how a returned case is corrected and resubmitted.
"""

import datetime
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import (
    Application,
    Attachment,
    EnterpriseQualification,
    InboxMessage,
    PersonRegistration,
    QualificationCertificate,
    ServiceItem,
)
from app.services.accounts import identity_documents as docs
from app.services.cases import scope as case_scope
from app.services.cases import workflow
from app.services.cases.workflow import OPEN_STATUSES, Status
from app.services.errors import ServiceError
from app.services.platform import audit, storage

MAX_AGE = 65
RENEWAL_DEADLINE_DAYS = 30  # a renewal must be filed at least 30 days before expiry
REGISTRATION_YEARS = 3

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
}


@dataclass
class Upload:
    filename: str
    data: bytes


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


def prefill(account, item: ServiceItem) -> Prefill:
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


def clean_data(item: ServiceItem, data: dict) -> dict:
    _, action = kind_parts(item)
    allowed = BASIC_FIELDS + FORM_FIELDS[action]
    return {name: (data.get(name) or "").strip()[:500] for name in allowed}


# --- attachments -------------------------------------------------------------------------


def _check_uploads(item: ServiceItem, uploads: dict) -> tuple[dict, dict]:
    """(accepted uploads by material id, field errors), without writing anything."""
    accepted, errors = {}, {}
    materials = {m.id: m for m in item.materials}
    for material_id, upload in uploads.items():
        material = materials.get(material_id)
        if material is None or upload is None or not upload.data:
            continue
        try:
            storage.check(upload.data, material.format_list, material.max_size_mb)
        except storage.UploadRefused as refused:
            errors[f"material_{material_id}"] = refused.message
        else:
            accepted[material_id] = upload
    return accepted, errors


def _store_uploads(application: Application, item: ServiceItem, accepted: dict, written: list[str]) -> None:
    """Store checked uploads as new versions of their materials."""
    materials = {m.id: m for m in item.materials}
    for material_id, upload in accepted.items():
        material = materials[material_id]
        stored = storage.save(upload.data, material.format_list, material.max_size_mb)
        written.append(stored.stored_name)
        previous = [a for a in application.attachments if a.material_id == material_id]
        for old in previous:
            old.is_current = False
        application.attachments.append(
            Attachment(
                material_id=material_id,
                version=len(previous) + 1,
                is_current=True,
                original_name=(upload.filename or "upload")[:255],
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )


def current_attachments(application: Application | None) -> dict:
    if application is None:
        return {}
    return {a.material_id: a for a in application.attachments if a.is_current}


# --- draft and submission -------------------------------------------------------------------


def save_draft(account, item: ServiceItem, data: dict, uploads: dict) -> Application:
    accepted, errors = _check_uploads(item, uploads)
    if errors:
        raise ServiceError(errors)
    application = draft_of(account, item) or Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
    db.session.add(application)
    application.data = clean_data(item, data)
    written: list[str] = []
    _store_uploads(application, item, accepted, written)
    return application


def submit(
    account,
    item: ServiceItem,
    data: dict,
    uploads: dict,
    *,
    commitment: bool,
    submit_token: str,
    sms_check,
    ip: str = "",
    today: datetime.date | None = None,
) -> Application:
    """Submit, or raise ServiceError; the caller's unit of work commits (or rolls back and removes the files).

    Everything is checked before anything is written, the SMS code last (so that
    another mistake does not burn it).
    """
    existing = already_submitted(account, submit_token)
    if existing is not None:
        return existing  # the same form posted twice: one case
    draft, accepted = check_submission(
        account, item, data, uploads, commitment=commitment, sms_check=sms_check, today=today
    )
    return _write_submission(account, item, data, draft, accepted, submit_token=submit_token, ip=ip)


def check_submission(account, item, data, uploads, *, commitment: bool, sms_check, today=None):
    """Every rule of a submission, before anything is written: (the draft, the accepted uploads) or ServiceError."""
    problems = eligibility_problems(account, item, today)
    if problems:
        raise ServiceError({"__all__": problems[0]})
    errors = form_problems(account, item, data, today)
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    draft = draft_of(account, item)
    accepted, upload_errors = _check_uploads(item, uploads)
    errors.update(upload_errors)
    present = set(current_attachments(draft)) | set(accepted)
    for material in item.materials:
        if material.required and material.id not in present:
            errors.setdefault(f"material_{material.id}", _l("Please upload this material"))
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    return draft, accepted


def _write_submission(
    account, item, data, draft, accepted, *, submit_token: str, ip: str, written: list | None = None
) -> Application:
    """Write a checked submission; the names of the files it stores are added to ``written``."""
    application = draft or Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
    db.session.add(application)
    written = [] if written is None else written
    _store_uploads(application, item, accepted, written)
    application.data = clean_data(item, data)
    application.commitment = True
    application.submit_token = submit_token
    application.number = _new_number()
    application.submitted_at = clock.now()
    application.province = case_scope.province_of_case(account, application.data)
    workflow.apply(
        application,
        "submit",
        actor=account,
        office=_l("Online service portal"),
        remarks=_l("Submitted online by the applicant"),
    )
    _tell(
        account,
        application,
        _l("Application %(number)s submitted", number=application.number),
        _l(
            "Your application for %(item)s has been submitted. Its number is %(number)s; follow its "
            "progress in My cases.",
            item=item.name,
            number=application.number,
        ),
    )
    audit.record("application.submitted", account=account, actor=account, ip=ip, subject=application.number)
    return application


def _new_number() -> str:
    """申报编号: the date in China and eight random digits, unique by constraint."""
    for _ in range(5):
        number = clock.today().strftime("%Y%m%d") + f"{secrets.randbelow(10**8):08d}"
        if db.session.query(Application.id).filter_by(number=number).first() is None:
            return number
    raise RuntimeError("could not allocate an application number")


def _tell(account, application, title, body) -> None:
    db.session.add(InboxMessage(account_id=account.id, application=application, title=str(title)[:200], body=str(body)))


def already_submitted(account, submit_token: str) -> Application | None:
    """The applicant's case submitted with this form (its ``submit_token``), if any."""
    existing = db.session.query(Application).filter_by(submit_token=submit_token).one_or_none()
    return existing if existing is not None and existing.account_id == account.id else None


def submit_once(
    account,
    item: ServiceItem,
    data: dict,
    uploads: dict,
    *,
    commitment: bool,
    submit_token: str,
    sms_check,
    ip: str = "",
    today: datetime.date | None = None,
) -> Application:
    """submit() inside a savepoint of the caller's unit of work, which commits.

    Two posts of the same form give one case: a post that comes after the first
    one was committed finds its case (submit() looks first); one that races it
    fails on the unique ``submit_token`` when flushed, and only its own writes
    (the savepoint) and files are undone before the case that won is returned.
    """
    existing = already_submitted(account, submit_token)
    if existing is not None:
        return existing
    draft, accepted = check_submission(
        account, item, data, uploads, commitment=commitment, sms_check=sms_check, today=today
    )
    _begin_transaction()
    written: list[str] = []
    try:
        with db.session.begin_nested():
            application = _write_submission(
                account, item, data, draft, accepted, submit_token=submit_token, ip=ip, written=written
            )
    except IntegrityError:
        for name in written:  # the savepoint took back the rows; the losing post's files go too
            storage.remove(name)
        existing = already_submitted(account, submit_token)
        if existing is None:
            raise
        return existing
    return application


def _begin_transaction() -> None:
    """Open the session's transaction in the database before a savepoint.

    pysqlite sends no BEGIN before the first write, and a SAVEPOINT outside a
    transaction starts one that its RELEASE commits: the savepoint would commit
    the unit of work early. Called only once the checks are done (the SMS check
    writes through another connection, which an open SQLite transaction that has
    read would lock out). PostgreSQL has begun already.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


# --- correction (补正) -------------------------------------------------------------------------


def correction_request(application: Application) -> dict:
    return application.correction or {}


def request_correction(application: Application, *, actor, reason: str, defects: list, office: str = "") -> None:
    """Staff return a case with every defect at once (material ids and/or field names)."""
    if not reason.strip():
        raise ServiceError({"reason": _l("Please give the reason for the return")})
    workflow.apply(application, "request_correction", actor=actor, office=office, remarks=reason, defects=defects)
    application.correction = {"reason": reason, "defects": defects}
    _tell(
        application.account,
        application,
        _l("Application %(number)s returned for correction", number=application.number),
        _l("Reason: %(reason)s. Please correct it on the 信息修改或材料补充 page.", reason=reason),
    )


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
    if application.status != Status.RETURNED:
        raise ServiceError({"__all__": _l("This case is not waiting for a correction")})
    errors = {}
    flagged = flagged_materials(application)
    unexpected = [mid for mid, upload in uploads.items() if upload and upload.data and mid not in flagged]
    if unexpected:
        errors["__all__"] = _l("Only the materials named in the return may be uploaded again")
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    accepted, upload_errors = _check_uploads(application.item, uploads)
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
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    written: list[str] = []
    _store_uploads(application, application.item, accepted, written)
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
    """信息修改 without a return: the person has a decided case or a registration of this kind, and no open case."""
    if open_case(account, item) is not None:
        return False
    if latest_case(account, item) is not None:
        return True
    qualification, _action = kind_parts(item)
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
    accepted, upload_errors = _check_uploads(item, uploads)
    errors.update(upload_errors)
    if not accepted and not upload_errors:
        errors["__all__"] = _l("Upload the document that proves the change (for example the new identity card)")
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    latest = latest_case(account, item)
    application = Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
    db.session.add(application)
    written: list[str] = []
    _store_uploads(application, item, accepted, written)
    application.data = {"information_change": changes, "of_case": latest.number if latest else ""}
    application.commitment = True
    application.number = _new_number()
    application.submitted_at = clock.now()
    application.province = case_scope.province_of_case(account, latest.data if latest else {})
    workflow.apply(
        application,
        "submit",
        actor=account,
        office=_l("Online service portal"),
        remarks=_l("Personal information correction: %(text)s", text=changes["explanation"]),
    )
    _tell(
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


def visible_to(account, application: Application | None) -> bool:
    return application is not None and application.account_id == account.id
