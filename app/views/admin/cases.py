"""Back office: submitted cases, and returning one for correction (补正).

The full role-based workflow (受理, 审查, 审批, 制证) is the back-office issue;
this is the part the applicant's 信息修改及材料补充 page needs.
"""

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterInFunction, FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import Application
from app.services.cases import handling as case_handling
from app.services.cases import scope as case_scope
from app.services.cases import workflow
from app.services.cases.workflow import STATUS_LABELS, Status
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.admin.accounts import DISPLAY
from app.views.admin.forms import apply_errors, return_form


class ApplicationAdminView(ModelView):
    datamodel = SQLAInterface(Application)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Cases")
    show_title = _l("Case")
    list_columns = ["number", "item", "applicant_name", "status", "submitted_at"]
    # The form's fields and the materials follow, under the form's own labels (admin/case_show.html).
    show_columns = ["number", "item", "applicant_name", "status", "submitted_at"]
    search_columns = ["number", "status", "item"]
    base_order = ("submitted_at", "desc")
    formatters_columns = DISPLAY | {
        "status": lambda value: STATUS_LABELS.get(value, value),
        "submitted_at": DISPLAY["created_at"],
    }
    label_columns = {
        "number": _l("Application number"),
        "item": _l("Item"),
        "applicant_name": _l("Applicant"),
        "status": _l("Status"),
        "submitted_at": _l("Submitted at"),
        "data": _l("Form data"),
    }
    show_template = "admin/case_show.html"
    # The officer's data scope (item groups, province) and never a draft.
    base_filters = [
        ["item_id", FilterInFunction, lambda: case_scope.item_ids_in_scope(g.user)],
        ["province", FilterInFunction, lambda: case_scope.provinces_in_scope(g.user)],
        ["status", FilterNotEqual, Status.DRAFT],
    ]


class CaseCorrectionView(BaseView):
    """补正: list every defect at once; the applicant fixes exactly those."""

    route_base = "/admin/cases"
    default_view = "correction"

    @expose("/<int:case_id>/return", methods=["GET", "POST"])
    @has_access
    def correction(self, case_id):
        application = case_scope.visible_case(case_id, g.user)
        if application is None:
            abort(404)
        form = return_form(application)
        general = []
        action = case_handling.correction_action(application)
        if not self.appbuilder.sm.has_access(f"can_{action}", "CaseWorkflowView"):
            abort(403)  # the acceptance office returns before acceptance, the review office during review
        if form.validate_on_submit():
            materials, fields = form.marked()
            try:
                with unit_of_work():
                    case_handling.return_for_correction(
                        application, actor=g.user, reason=form.reason.data or "", materials=materials, fields=fields
                    )
            except workflow.TransitionRefused as refused:
                flash(refused.message, "danger")
                return redirect(url_for("ApplicationAdminView.list"))
            except ServiceError as refused:
                general = apply_errors(form, refused.errors)
            else:
                flash(_l("Case %(number)s returned for correction", number=application.number), "success")
                return redirect(url_for("CaseWorkflowView.queue"))
        return self.render_template(
            "admin/case_return.html",
            application=application,
            form=form,
            general_errors=general,
            fields=case_handling.returnable_fields(application),
            can_return=workflow.can(application, action),
            status_labels=STATUS_LABELS,
        )
