"""Back office: 好差评 (the applicants' ratings) and 差评整改 (the rectifications bad ratings open)."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.formatting import beijing_time
from app.models import CaseEvaluation, Rectification
from app.services.cases import evaluations
from app.services.cases import scope as case_scope
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.admin.forms import RectificationReplyForm, apply_errors


def _level(value):
    return evaluations.LEVELS.get(value, value)


def _tags(value):
    return "、".join(str(evaluations.TAGS.get(tag, tag)) for tag in value or [])


EVALUATION_LABELS = {
    "application": _l("Application number"),
    "item": _l("Item"),
    "province": _l("Handling unit (province)"),
    "level": _l("Overall"),
    "efficiency": _l("Efficiency"),
    "attitude": _l("Service attitude"),
    "openness": _l("Openness of information"),
    "convenience": _l("Convenience"),
    "comment": _l("Comment"),
    "tags": _l("Tags"),
    "created_at": _l("Rated at"),
    "updated_at": _l("Last changed"),
    "changes": _l("Times changed"),
}


class CaseEvaluationAdminView(ModelView):
    """Every rating of the officer's data scope, newest first (read-only: the applicant's words)."""

    datamodel = SQLAInterface(CaseEvaluation)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Service ratings")
    show_title = _l("Service rating")
    list_columns = ["application", "item", "province", "level", "comment", "created_at"]
    show_columns = [
        "application",
        "item",
        "province",
        "level",
        "efficiency",
        "attitude",
        "openness",
        "convenience",
        "comment",
        "tags",
        "created_at",
        "updated_at",
        "changes",
    ]
    search_columns = ["level", "province", "item"]
    base_order = ("created_at", "desc")
    label_columns = EVALUATION_LABELS
    formatters_columns = {
        "level": _level,
        "efficiency": _level,
        "attitude": _level,
        "openness": _level,
        "convenience": _level,
        "tags": _tags,
        "created_at": beijing_time,
        "updated_at": beijing_time,
    }
    base_filters = [
        ["item_id", FilterInFunction, lambda: case_scope.item_ids_in_scope(g.user)],
        ["province", FilterInFunction, lambda: case_scope.provinces_in_scope(g.user)],
    ]


class RectificationAdminView(ModelView):
    """差评整改: the open tasks first by deadline; 答复 sends the reply to the applicant."""

    datamodel = SQLAInterface(Rectification)
    base_permissions = ["can_list", "can_show", "can_reply"]
    list_title = _l("Rectifications")
    show_title = _l("Rectification")
    list_columns = ["evaluation", "status", "opened_at", "due_on", "overdue", "replied_at", "confirmation"]
    show_columns = [
        "evaluation",
        "status",
        "opened_at",
        "due_on",
        "reply",
        "replied_at",
        "confirmation",
        "confirmed_at",
    ]
    search_columns = ["status", "due_on"]
    base_order = ("due_on", "asc")
    label_columns = {
        "evaluation": _l("Rating"),
        "status": _l("Status"),
        "opened_at": _l("Opened at"),
        "due_on": _l("Reply due by"),
        "reply": _l("Reply to the applicant"),
        "replied_at": _l("Replied at"),
        "confirmation": _l("Applicant's confirmation"),
        "confirmed_at": _l("Confirmed at"),
        "overdue": _l("Overdue"),
    }
    formatters_columns = {
        "status": lambda value: evaluations.RECTIFICATION_LABELS.get(value, value),
        "confirmation": lambda value: evaluations.CONFIRMATIONS.get(value, "") if value else "",
        "opened_at": beijing_time,
        "replied_at": beijing_time,
        "confirmed_at": beijing_time,
        "overdue": lambda value: _l("Overdue") if value else "",
    }
    base_filters = [["evaluation_id", FilterInFunction, lambda: evaluations.evaluation_ids_in_scope(g.user)]]
    show_template = "admin/rectification_show.html"

    @expose("/reply/<int:pk>", methods=["GET", "POST"])
    @has_access
    def reply(self, pk):
        task = evaluations.visible_rectification(pk, g.user)
        if task is None:
            abort(404)
        form = RectificationReplyForm()
        general: list = []
        if request.method == "POST" and form.validate_on_submit():
            try:
                with unit_of_work():
                    evaluations.reply(g.user, task, form.reply.data or "", ip=request.remote_addr or "")
            except ServiceError as refused:
                general = apply_errors(form, refused.errors)
            else:
                flash(_l("The reply has been sent to the applicant"), "success")
                return redirect(url_for("RectificationAdminView.list"))
        return self.render_template(
            "admin/rectification_reply.html",
            task=task,
            evaluation=task.evaluation,
            form=form,
            general_errors=general,
            levels=evaluations.LEVELS,
            dimensions=evaluations.DIMENSIONS,
            tags=evaluations.TAGS,
            labels=evaluations.RECTIFICATION_LABELS,
            confirmations=evaluations.CONFIRMATIONS,
            can_reply=task.status in evaluations.OPEN_RECTIFICATION,
        )
