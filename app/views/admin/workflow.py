"""The staff queue and case page: 受理, 审查, 审批, 制证 by role, on the statutory clock."""

import io

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.models import Application, CalendarOverride
from app.services.cases import claims as case_claims
from app.services.cases import deadlines, notices, workflow
from app.services.cases import handling as case_handling
from app.services.cases import queue as case_queue
from app.services.cases import scope as case_scope
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS
from app.services.cases.working_days import WorkingCalendar
from app.services.errors import ServiceError
from app.services.platform import storage
from app.services.unit_of_work import unit_of_work
from app.views.admin.display import yes_no
from app.views.admin.forms import ActionForm, AssignForm, ClaimForm, QueueSearchForm, apply_errors

ACTION_PERMISSIONS = [f"can_{action}" for action in case_handling.STAFF_ACTIONS]


class CaseWorkflowView(BaseView):
    route_base = "/admin/workflow"
    default_view = "queue"
    base_permissions = [
        "can_queue",
        "can_case",
        "can_attachment",
        "can_notice",
        "can_claim",
        "can_assign",
        *ACTION_PERMISSIONS,
    ]

    def _allowed_actions(self) -> list[str]:
        sm = self.appbuilder.sm
        return [a for a in case_handling.STAFF_ACTIONS if sm.has_access(f"can_{a}", self.class_permission_name)]

    def _may(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(permission, self.class_permission_name)

    def _queue_actions(self) -> list[str]:
        """The steps whose cases the queue holds: the officer's own; a section head's: every step."""
        return list(case_handling.STAFF_ACTIONS) if self._may("can_assign") else self._allowed_actions()

    @expose("/")
    @has_access
    def queue(self):
        actions = self._queue_actions()
        statuses = case_queue.statuses_for(actions)
        form = QueueSearchForm(request.args)
        form.status.choices = [("", _l("All statuses"))] + [(s, STATUS_LABELS[s]) for s in statuses]
        page = case_queue.page_of(
            g.user,
            actions,
            form.filters(),
            request.args.get("page", 1, type=int),
            after=request.args.get("after", ""),
            before=request.args.get("before", ""),
            last=request.args.get("last") == "1",
        )
        return self.render_template(
            "admin/workflow_queue.html",
            page=page,
            form=form,
            status_labels=STATUS_LABELS,
            args=request.args,
            can_claim=self._may("can_claim"),
            claim_form=ClaimForm(),
        )

    @expose("/case/<int:case_id>/claim", methods=["POST"])
    @has_access
    def claim(self, case_id):
        """领取: the officer takes the case (from the queue or the case page)."""
        application = self._case(case_id)
        if not ClaimForm().validate_on_submit():
            abort(400)
        try:
            with unit_of_work():
                case_claims.claim(application, g.user, self._allowed_actions(), ip=request.remote_addr or "")
        except ServiceError as refused:
            flash(refused.message, "danger")
        else:
            flash(_l("You have claimed case %(number)s", number=application.number), "success")
        return redirect(url_for(".case", case_id=case_id))

    @expose("/case/<int:case_id>/assign", methods=["POST"])
    @has_access
    def assign(self, case_id):
        """指派 / 改派: the section head gives the case to an officer."""
        application = self._case(case_id)
        form = AssignForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            with unit_of_work():
                officer = case_claims.assign(application, form.officer.data, by=g.user, ip=request.remote_addr or "")
        except ServiceError as refused:
            flash(refused.message, "danger")
        else:
            flash(
                _l("Case %(number)s assigned to %(name)s", number=application.number, name=officer.display_name),
                "success",
            )
        return redirect(url_for(".case", case_id=case_id))

    def _case(self, case_id: int) -> Application:
        application = case_scope.visible_case(case_id, g.user)
        if application is None:
            abort(404)
        return application

    @expose("/case/<int:case_id>", methods=["GET", "POST"])
    @has_access
    def case(self, case_id):
        application = self._case(case_id)
        posted = ActionForm()
        if posted.is_submitted():
            action = posted.action.data or ""
            if action not in self._allowed_actions():
                abort(403)
            if posted.validate():
                try:
                    with unit_of_work():
                        case_handling.handle(
                            application,
                            action,
                            actor=g.user,
                            reason=posted.reason.data or "",
                            ip=request.remote_addr or "",
                            recommendation=posted.recommendation.data or "",
                            recommendation_reasons=posted.recommendation_reasons.data or "",
                        )
                except workflow.TransitionRefused as refused:
                    flash(refused.message, "danger")
                    return redirect(url_for(".case", case_id=case_id))
                except ServiceError as refused:
                    for message in apply_errors(posted, refused.errors):
                        flash(message, "danger")
                else:
                    flash(_l("Done: %(step)s", step=TRANSITIONS[action].label), "success")
                    return redirect(url_for(".queue"))
        calendar = WorkingCalendar.from_database()
        possible = [a for a in self._allowed_actions() if workflow.can(application, a)]
        # The posted form keeps what was typed (and its errors); the other steps get empty ones.
        forms = {a: posted if posted.action.data == a else ActionForm(formdata=None, action=a) for a in possible}
        events = [(e, e.defects or []) for e in application.events]
        running, ended = deadlines.timing(application, calendar)
        may_assign = self._may("can_assign")
        assign_form = AssignForm(formdata=None)
        if may_assign:
            assign_form.officer.choices = [(o.id, o.display_name) for o in case_claims.candidates(application)]
        return self.render_template(
            "admin/workflow_case.html",
            application=application,
            events=events,
            possible=possible,
            forms=forms,
            status_labels=STATUS_LABELS,
            transitions=TRANSITIONS,
            notice_kinds=notices.NOTICE_KINDS,
            action_labels=case_handling.ACTION_LABELS,
            clock=running,
            finished=ended,
            acceptance_deadline=deadlines.acceptance_deadline(application, calendar)
            if application.status in workflow.ACCEPTANCE_STAGE
            else None,
            acceptance_overdue=deadlines.acceptance_overdue(application, calendar),
            data=application.data or {},
            needs_reason=case_handling.NEEDS_REASON,
            recommendations=case_handling.RECOMMENDATIONS,
            opinion=next((e for e in reversed(application.events) if e.action == "submit_opinion"), None),
            holder=case_claims.holder_name(application),
            held_by_me=application.claimed_by_id == g.user.id,
            can_claim=self._may("can_claim") and application.claimed_by_id is None and bool(possible),
            assign_form=assign_form if may_assign and assign_form.officer.choices else None,
            claim_form=ClaimForm(),
            correction_actions=workflow.CORRECTION_ACTIONS,
        )

    @expose("/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, attachment_id):
        item = case_scope.visible_attachment(attachment_id, g.user)
        if item is None:  # nor that of a draft, or of a case outside the officer's scope
            abort(404)
        return storage.send(
            item.stored_name,
            mimetype=item.content_type,
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
    show_title = _l("Working-day calendar correction")
    add_title = _l("Add a working-day calendar correction")
    edit_title = _l("Edit a working-day calendar correction")
    formatters_columns = {"is_workday": yes_no}
    list_columns = ["day", "is_workday", "note"]
    add_columns = edit_columns = ["day", "is_workday", "note"]
    base_order = ("day", "desc")
    label_columns = {"day": _l("Date"), "is_workday": _l("Working day"), "note": _l("Note")}
    # FAB makes a NOT NULL boolean a required checkbox, which would forbid entering a holiday.
    add_form_extra_fields = edit_form_extra_fields = {
        "is_workday": BooleanField(_l("Working day"), description=_l("Leave unticked for a public holiday")),
    }
