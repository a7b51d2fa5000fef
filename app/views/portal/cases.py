"""用户中心: 我的办件, a case's progress (图 3-3-9), its attachments, 我的消息."""

import io

from flask import Blueprint, abort, render_template, send_file
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import Application, Attachment, InboxMessage
from app.services.cases import applications, deadlines, notices
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS, Status
from app.services.cases.working_days import WorkingCalendar
from app.services.platform import storage
from app.views.portal.session import citizen_required, current_citizen

cases_bp = Blueprint("cases", __name__, url_prefix="/user")


@cases_bp.route("/cases")
@citizen_required
def index():
    account = current_citizen()
    cases = (
        db.session.query(Application)
        .filter(Application.account_id == account.id, Application.status != Status.DRAFT)
        .order_by(Application.submitted_at.desc())
        .all()
    )
    return render_template("portal/user/cases.html", cases=cases, status_labels=STATUS_LABELS, active_nav="user-center")


def _own(number):
    account = current_citizen()
    application = db.session.query(Application).filter_by(number=number).one_or_none()
    if not applications.visible_to(account, application):
        abort(404)
    return application


@cases_bp.route("/cases/<number>")
@citizen_required
def detail(number):
    application = _own(number)
    events = [(event, event.defects or []) for event in application.events]
    return render_template(
        "portal/user/case.html",
        application=application,
        events=events,
        case_clock=deadlines.case_clock(application, WorkingCalendar.from_database()),
        status_labels=STATUS_LABELS,
        transitions=TRANSITIONS,
        notice_kinds=notices.NOTICE_KINDS,
        materials={m.id: m for m in application.item.materials},
        active_nav="user-center",
    )


@cases_bp.route("/cases/<number>/notices/<int:event_id>.pdf")
@citizen_required
def notice(number, event_id):
    """The formal notice of one step (受理通知书, 补正材料通知书 ...), for the applicant only."""
    application = _own(number)
    event = next((e for e in application.events if e.id == event_id), None)
    if event is None or notices.notice_kind(event) is None:
        abort(404)
    response = send_file(
        io.BytesIO(notices.notice_pdf(event)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=notices.file_name(event),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@cases_bp.route("/attachments/<int:attachment_id>")
@citizen_required
def attachment(attachment_id):
    item = db.session.get(Attachment, attachment_id)
    if item is None or not applications.visible_to(current_citizen(), item.application):
        abort(404)
    return send_file(
        storage.path_of(item.stored_name),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_name,
    )


@cases_bp.route("/messages")
@citizen_required
def messages():
    account = current_citizen()
    rows = (
        db.session.query(InboxMessage)
        .filter_by(account_id=account.id)
        .order_by(InboxMessage.id.desc())
        .limit(200)
        .all()
    )
    unread = [m for m in rows if m.read_at is None]
    for message in unread:
        message.read_at = clock.now()
    db.session.commit()
    return render_template(
        "portal/user/messages.html", messages=rows, unread_ids={m.id for m in unread}, active_nav="user-center"
    )


def unread_count(account) -> int:
    return db.session.query(func.count(InboxMessage.id)).filter_by(account_id=account.id, read_at=None).scalar()
