"""Back office: submitted cases, and returning one for correction (补正).

The full role-based workflow (受理, 审查, 审批, 制证) is the back-office issue;
this is the part the applicant's 信息修改及材料补充 page needs.
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterInFunction, FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.formatting import json_text
from app.models import Application
from app.services.cases import applications, workflow
from app.services.cases import scope as case_scope
from app.services.cases.workflow import STATUS_LABELS, Status
from app.services.errors import ServiceError
from app.views.admin.accounts import DISPLAY


class ApplicationAdminView(ModelView):
    datamodel = SQLAInterface(Application)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Cases")
    show_title = _l("Case")
    list_columns = ["number", "item", "applicant_name", "status", "submitted_at"]
    show_columns = ["number", "item", "applicant_name", "status", "submitted_at", "data"]
    search_columns = ["number", "status", "item"]
    base_order = ("submitted_at", "desc")
    formatters_columns = DISPLAY | {
        "status": lambda value: STATUS_LABELS.get(value, value),
        "submitted_at": DISPLAY["created_at"],
        "data": json_text,
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


def _returnable_fields(application) -> list[str]:
    """The filled-in fields of the case that a correction request may name."""
    return [name for name in applications.FIELD_LABELS if name in (application.data or {})]


class CaseCorrectionView(BaseView):
    """补正: list every defect at once; the applicant fixes exactly those."""

    route_base = "/admin/cases"
    default_view = "correction"

    @expose("/<int:case_id>/return", methods=["GET", "POST"])
    @has_access
    def correction(self, case_id):
        application = db.session.get(Application, case_id)
        if application is None or application.status == Status.DRAFT or not case_scope.in_scope(application, g.user):
            abort(404)
        errors = {}
        if request.method == "POST":
            materials = {m.id: m for m in application.item.materials}
            defects = []
            for material_id, material in materials.items():
                problem = request.form.get(f"defect_{material_id}", "").strip()
                if request.form.get(f"flag_{material_id}") and problem:
                    defects.append({"material_id": material_id, "label": material.name, "problem": problem[:300]})
            for name in _returnable_fields(application):
                problem = request.form.get(f"defect_field_{name}", "").strip()
                if request.form.get(f"flag_field_{name}") and problem:
                    defects.append(
                        {"field": name, "label": str(applications.FIELD_LABELS[name]), "problem": problem[:300]}
                    )
            try:
                if not defects:
                    raise ServiceError({"defects": _l("Mark at least one material or field with its problem")})
                applications.request_correction(
                    application,
                    actor=g.user,
                    reason=request.form.get("reason", ""),
                    defects=defects,
                    office=str(_l("Acceptance office")),
                )
                db.session.commit()
            except workflow.TransitionRefused as refused:
                db.session.rollback()
                flash(refused.message, "danger")
                return redirect(url_for("ApplicationAdminView.list"))
            except ServiceError as refused:
                db.session.rollback()
                errors = refused.errors
            else:
                flash(_l("Case %(number)s returned for correction", number=application.number), "success")
                return redirect(url_for("ApplicationAdminView.list"))
        return self.render_template(
            "admin/case_return.html",
            application=application,
            errors=errors,
            fields=[
                (name, applications.FIELD_LABELS[name], data.get(name, ""))
                for name in _returnable_fields(application)
                for data in [application.data or {}]
            ],
            can_return=workflow.can(application, "request_correction"),
            status_labels=STATUS_LABELS,
        )
