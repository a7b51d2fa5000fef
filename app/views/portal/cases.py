"""用户中心: 我的办件, a case's progress (图 3-3-9), its attachments, 我的消息."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l

from app.services.cases import deadlines, my_cases, notices
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS
from app.services.cases.working_days import WorkingCalendar
from app.services.platform import storage
from app.services.unit_of_work import unit_of_work
from app.views.portal.forms import MarkReadForm
from app.views.portal.session import citizen_required, current_citizen

cases_bp = Blueprint("cases", __name__, url_prefix="/user")


@cases_bp.route("/cases")
@citizen_required
def index():
    cases = my_cases.cases_of(current_citizen())
    return render_template("portal/user/cases.html", cases=cases, status_labels=STATUS_LABELS, active_nav="user-center")


def _own(number):
    application = my_cases.own_case(current_citizen(), number)
    if application is None:
        abort(404)
    return application


@cases_bp.route("/cases/<number>")
@citizen_required
def detail(number):
    application = _own(number)
    running, ended = deadlines.timing(application, WorkingCalendar.from_database())
    return render_template(
        "portal/user/case.html",
        application=application,
        events=my_cases.case_events(application),
        case_clock=running,
        finished=ended,
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
    item = my_cases.own_attachment(current_citizen(), attachment_id)
    if item is None:
        abort(404)
    return storage.send(
        item.stored_name,
        mimetype=item.content_type,
        download_name=item.original_name,
    )


@cases_bp.route("/messages")
@citizen_required
def messages():
    rows = my_cases.inbox(current_citizen())
    return render_template(
        "portal/user/messages.html",
        messages=rows,
        unread_ids={m.id for m in rows if m.read_at is None},
        form=MarkReadForm(),
        active_nav="user-center",
    )


@cases_bp.route("/messages/read", methods=["POST"])
@citizen_required
def mark_read():
    """Mark one message (``message_id``) or all of them read."""
    form = MarkReadForm()
    if form.is_submitted() and form.message_id.process_errors:
        abort(404)  # not an id at all: no such message, as for an unknown id
    if form.validate_on_submit():
        with unit_of_work():
            my_cases.mark_read(current_citizen(), [form.message_id.data] if form.message_id.data else None)
        flash(_l("Marked as read"), "success")
    return redirect(url_for("cases.messages"))
