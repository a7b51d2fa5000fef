"""用户中心: 我的办件, a case's progress (图 3-3-9), its attachments, 我的消息."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l

from app.services.cases import deadlines, evaluations, my_cases, notices
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS
from app.services.cases.working_days import WorkingCalendar
from app.services.content.articles import clean_page
from app.services.errors import ServiceError
from app.services.platform import storage
from app.services.unit_of_work import unit_of_work
from app.views.portal.forms import ConfirmReplyForm, EvaluationForm, MarkReadForm, show_errors
from app.views.portal.session import citizen_required, client_ip, current_citizen

cases_bp = Blueprint("cases", __name__, url_prefix="/user")


@cases_bp.route("/cases")
@citizen_required
def index():
    cases = my_cases.cases_of(current_citizen(), clean_page(request.args.get("page")))
    return render_template(
        "portal/user/cases.html",
        cases=cases,
        status_labels=STATUS_LABELS,
        rated=evaluations.rated_case_ids(current_citizen(), among=[case.id for case in cases.items]),
        rateable=evaluations.RATEABLE_STATUSES,
        active_nav="user-center",
    )


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
        evaluation=evaluations.evaluation_of(application),
        rateable=evaluations.rateable(application),
        changeable=evaluations.changeable,
        change_until=evaluations.change_until,
        levels=evaluations.LEVELS,
        rectification_labels=evaluations.RECTIFICATION_LABELS,
        confirmations=evaluations.CONFIRMATIONS,
        confirm_form=ConfirmReplyForm(),
        active_nav="user-center",
    )


@cases_bp.route("/cases/<number>/evaluation", methods=["GET", "POST"])
@citizen_required
def evaluate(number):
    """好差评: rate the case (once; changeable within the set days)."""
    application = _own(number)
    evaluation = evaluations.evaluation_of(application)
    form = EvaluationForm(obj=evaluation) if evaluation is not None else EvaluationForm()
    open_for_rating = evaluations.rateable(application) and evaluations.changeable(evaluation)
    if form.validate_on_submit() and open_for_rating:
        rating = evaluations.Rating(
            level=form.level.data or 0,
            efficiency=form.efficiency.data or 0,
            attitude=form.attitude.data or 0,
            openness=form.openness.data or 0,
            convenience=form.convenience.data or 0,
            comment=form.comment.data or "",
            tags=tuple(form.tags.data or ()),
        )
        try:
            with unit_of_work():
                saved = evaluations.rate(current_citizen(), application, rating, ip=client_ip())
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            if saved.rectification is not None and saved.level in evaluations.BAD_LEVELS:
                flash(
                    _l(
                        "Thank you. Your rating has been passed to the handling unit, which will reply within "
                        "%(days)s working days (by %(day)s).",
                        days=evaluations.RECTIFICATION_DAYS,
                        day=saved.rectification.due_on.isoformat(),
                    ),
                    "success",
                )
            else:
                flash(_l("Thank you for your rating"), "success")
            return redirect(url_for("cases.detail", number=application.number))
    return render_template(
        "portal/user/evaluation.html",
        application=application,
        evaluation=evaluation,
        form=form,
        open_for_rating=open_for_rating,
        rateable=evaluations.rateable(application),
        change_until=evaluations.change_until(evaluation) if evaluation is not None else None,
        change_days=evaluations.change_days(),
        levels=evaluations.LEVELS,
        dimensions=evaluations.DIMENSIONS,
        tags=evaluations.TAGS,
        bad_levels=evaluations.BAD_LEVELS,
        active_nav="user-center",
    )


@cases_bp.route("/cases/<number>/evaluation/confirm", methods=["POST"])
@citizen_required
def confirm_reply(number):
    """差评整改: the applicant says whether the unit's reply satisfies him."""
    application = _own(number)
    form = ConfirmReplyForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                evaluations.confirm(current_citizen(), application, form.answer.data or "", ip=client_ip())
        except ServiceError as refused:
            flash(refused.message, "danger")
        else:
            flash(_l("Thank you: your confirmation has been recorded"), "success")
    return redirect(url_for("cases.detail", number=application.number) + "#evaluation")


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
