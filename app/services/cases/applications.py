"""Online applications for personal registrations (manual chapter 三): drafts and submission.

A case is submitted in one transaction (case, attachments, event, inbox
message) once every rule has been checked; who may apply and what the form
asks are in ``eligibility``, a returned case's correction in ``corrections``.
"""

import datetime
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Application, InboxMessage, ServiceItem
from app.services.cases import eligibility, workflow
from app.services.cases import scope as case_scope
from app.services.cases.uploads import check_uploads, current_attachments, store_uploads
from app.services.cases.workflow import Status
from app.services.errors import ServiceError
from app.services.platform import audit, storage


def save_draft(account, item: ServiceItem, data: dict, uploads: dict) -> Application:
    accepted, errors = check_uploads(item, uploads)
    if errors:
        raise ServiceError(errors)
    application = eligibility.draft_of(account, item) or Application(
        account_id=account.id, item_id=item.id, status=Status.DRAFT
    )
    db.session.add(application)
    application.data = eligibility.clean_data(item, data, account)
    written: list[str] = []
    store_uploads(application, item, accepted, written)
    return application


def stage_uploads(account, item: ServiceItem, data: dict, uploads: dict) -> list[str]:
    """After a draft or submission refused because a file was: keep the files that passed their checks in the
    applicant's draft (with what was typed), so that one refused file does not lose the others. The names kept;
    [] when no file was refused (any other refusal saves nothing) or none passed."""
    accepted, refused = check_uploads(item, uploads)
    if not refused or not accepted or eligibility.eligibility_problems(account, item):
        return []
    application = eligibility.draft_of(account, item) or Application(
        account_id=account.id, item_id=item.id, status=Status.DRAFT
    )
    db.session.add(application)
    application.data = eligibility.clean_data(item, data, account)
    store_uploads(application, item, accepted, [])
    return [upload.filename for upload in accepted.values()]


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
    problems = eligibility.eligibility_problems(account, item, today)
    if problems:
        raise ServiceError({"__all__": problems[0]})
    errors = eligibility.form_problems(account, item, data, today)
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    draft = eligibility.draft_of(account, item)
    accepted, upload_errors = check_uploads(item, uploads)
    errors.update(upload_errors)
    present = set(current_attachments(draft)) | set(accepted)
    for material in eligibility.required_materials(item, data):
        if material.id not in present:
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
    number = new_number()  # asked before the case joins the session, so that no flush writes it without its number
    application = draft or Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
    db.session.add(application)
    application.number = number
    application.submit_token = submit_token
    application.submitted_at = clock.now()
    written = [] if written is None else written
    store_uploads(application, item, accepted, written)
    application.data = eligibility.clean_data(item, data, account)
    application.commitment = True
    application.province = case_scope.province_of_case(account, application.data)
    workflow.apply(
        application,
        "submit",
        actor=account,
        office=_l("Online service portal"),
        remarks=_l("Submitted online by the applicant"),
    )
    tell(
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


def new_number() -> str:
    """申报编号: the date in China and eight random digits, unique by constraint."""
    for _ in range(5):
        number = clock.today().strftime("%Y%m%d") + f"{secrets.randbelow(10**8):08d}"
        if db.session.query(Application.id).filter_by(number=number).first() is None:
            return number
    raise RuntimeError("could not allocate an application number")


def tell(account, application, title, body) -> None:
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
