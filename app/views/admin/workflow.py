"""The staff queue and case page: 受理, 审查, 审批, 制证 by role, on the statutory clock."""

import io

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.extensions import db
from app.models import Account, Application, Attachment, CalendarOverride, ServiceItem
from app.services.cases import deadlines, notices, workflow
from app.services.cases import handling as case_handling
from app.services.cases import scope as case_scope
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS, Status
from app.services.cases.working_days import WorkingCalendar
from app.services.errors import ServiceError
from app.services.platform import storage

ACTION_PERMISSIONS = [f"can_{action}" for action in case_handling.STAFF_ACTIONS]


class CaseWorkflowView(BaseView):
    route_base = "/admin/workflow"
    default_view = "queue"
    base_permissions = ["can_queue", "can_case", "can_attachment", "can_notice", *ACTION_PERMISSIONS]

    def _allowed_actions(self) -> list[str]:
        sm = self.appbuilder.sm
        return [a for a in case_handling.STAFF_ACTIONS if sm.has_access(f"can_{a}", self.class_permission_name)]

    @expose("/")
    @has_access
    def queue(self):
        actions = self._allowed_actions()
        statuses = sorted({s for a in actions for s in TRANSITIONS[a].sources})
        query = (
            db.session.query(Application)
            .join(Account, Application.account_id == Account.id)
            .join(ServiceItem, Application.item_id == ServiceItem.id)
            .filter(Application.status.in_(statuses), case_scope.condition(g.user))
        )
        number = request.args.get("number", "").strip()[:32]
        name = request.args.get("name", "").strip()[:50]
        item = request.args.get("item", "").strip()[:100]
        status = request.args.get("status", "")
        if number:
            query = query.filter(Application.number == number)
        if name:
            query = query.filter(
                Account.real_name.like(name.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\")
            )
        if item:
            query = query.filter(ServiceItem.name.contains(item))
        if status in statuses:
            query = query.filter(Application.status == status)
        calendar = WorkingCalendar.from_database()
        rows = []
        for application in query.order_by(Application.submitted_at).limit(500):
            clock = deadlines.case_clock(application, calendar)
            rows.append(
                {
                    "case": application,
                    "clock": clock,
                    "acceptance_overdue": deadlines.acceptance_overdue(application, calendar),
                    "sort": (clock.deadline if clock else application.submitted_at.date()),
                }
            )
        rows.sort(key=lambda row: row["sort"])
        return self.render_template(
            "admin/workflow_queue.html", rows=rows, statuses=statuses, status_labels=STATUS_LABELS, args=request.args
        )

    def _case(self, case_id: int) -> Application:
        application = db.session.get(Application, case_id)
        if application is None or application.status == Status.DRAFT or not case_scope.in_scope(application, g.user):
            abort(404)
        return application

    @expose("/case/<int:case_id>", methods=["GET", "POST"])
    @has_access
    def case(self, case_id):
        application = self._case(case_id)
        errors = {}
        if request.method == "POST":
            action = request.form.get("action", "")
            if action not in self._allowed_actions():
                abort(403)
            try:
                case_handling.handle(
                    application,
                    action,
                    actor=g.user,
                    reason=request.form.get("reason", ""),
                    ip=request.remote_addr or "",
                )
                db.session.commit()
            except workflow.TransitionRefused as refused:
                db.session.rollback()
                flash(refused.message, "danger")
                return redirect(url_for(".case", case_id=case_id))
            except ServiceError as refused:
                db.session.rollback()
                errors = refused.errors
            else:
                flash(_l("Done: %(step)s", step=TRANSITIONS[action].label), "success")
                return redirect(url_for(".queue"))
        calendar = WorkingCalendar.from_database()
        possible = [a for a in self._allowed_actions() if workflow.can(application, a)]
        events = [(e, e.defects or []) for e in application.events]
        return self.render_template(
            "admin/workflow_case.html",
            application=application,
            events=events,
            possible=possible,
            errors=errors,
            status_labels=STATUS_LABELS,
            transitions=TRANSITIONS,
            notice_kinds=notices.NOTICE_KINDS,
            action_labels=case_handling.ACTION_LABELS,
            clock=deadlines.case_clock(application, calendar),
            acceptance_overdue=deadlines.acceptance_overdue(application, calendar),
            data=application.data or {},
            needs_reason=case_handling.NEEDS_REASON,
        )

    @expose("/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, attachment_id):
        item = db.session.get(Attachment, attachment_id)
        if item is None:
            abort(404)
        self._case(item.application_id)  # a draft, or a case outside the officer's scope, is not found
        return send_file(
            storage.path_of(item.stored_name),
            mimetype=item.content_type,
            as_attachment=True,
            download_name=item.original_name,
        )

    @expose("/case/<int:case_id>/notice/<int:event_id>")
    @has_access
    def notice(self, case_id, event_id):
        """The formal notice (受理通知书 ...) of one step of the case."""
        application = self._case(case_id)
        event = next((e for e in application.events if e.id == event_id), None)
        if event is None or notices.notice_kind(event) is None:
            abort(404)
        return send_file(
            io.BytesIO(notices.notice_pdf(event)),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=notices.file_name(event),
        )


class CalendarOverrideAdminView(ModelView):
    """Staff correct the public-holiday calendar (or enter a year the library does not know yet)."""

    datamodel = SQLAInterface(CalendarOverride)
    list_title = _l("Working-day calendar corrections")
    list_columns = ["day", "is_workday", "note"]
    add_columns = edit_columns = ["day", "is_workday", "note"]
    base_order = ("day", "desc")
    label_columns = {"day": _l("Date"), "is_workday": _l("Working day"), "note": _l("Note")}
    # FAB makes a NOT NULL boolean a required checkbox, which would forbid entering a holiday.
    add_form_extra_fields = edit_form_extra_fields = {
        "is_workday": BooleanField(_l("Working day"), description=_l("Leave unticked for a public holiday")),
    }
