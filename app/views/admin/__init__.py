"""The staff back office (Flask-AppBuilder), under /admin."""

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

from app.views.admin.accounts import (
    AuditRecordAdminView,
    EnterpriseAdminView,
    EnterpriseRegisterAdminView,
    PortalAccountAdminView,
    ReminderDeliveryAdminView,
    SmsJobAdminView,
    SmsOutboxAdminView,
)
from app.views.admin.api_clients import ApiClientAdminView, WebhookDeliveryAdminView
from app.views.admin.cases import ApplicationAdminView, CaseCorrectionView
from app.views.admin.content import ErrorReportAdminView, FaqEntryAdminView, SiteSettingAdminView
from app.views.admin.workflow import CalendarOverrideAdminView, CaseWorkflowView
from app.views.input_guard import DATABASE_INT_MAX


def register_admin_views(appbuilder):
    appbuilder.add_view(
        FaqEntryAdminView,
        "FAQ",
        label=_l("FAQ"),
        icon="fa-question-circle",
        category="Portal content",
        category_label=_l("Portal content"),
        category_icon="fa-newspaper-o",
    )
    appbuilder.add_view(
        SiteSettingAdminView, "Site settings", label=_l("Site settings"), icon="fa-cog", category="Portal content"
    )
    appbuilder.add_view(
        ErrorReportAdminView,
        "Error reports",
        label=_l("Error reports"),
        icon="fa-bug",
        category="Portal content",
    )
    appbuilder.add_view(
        PortalAccountAdminView,
        "Portal accounts",
        label=_l("Portal accounts"),
        icon="fa-users",
        category="Accounts",
        category_label=_l("Accounts"),
        category_icon="fa-id-card",
    )
    appbuilder.add_view(
        EnterpriseAdminView, "Enterprises", label=_l("Enterprises"), icon="fa-building", category="Accounts"
    )
    appbuilder.add_view(
        AuditRecordAdminView, "Audit trail", label=_l("Audit trail"), icon="fa-history", category="Accounts"
    )
    appbuilder.add_link(
        "Export audit trail",
        href="/auditrecordadminview/export/",
        label=_l("Export audit trail"),
        icon="fa-download",
        category="Accounts",
    )
    appbuilder.add_view(
        SmsOutboxAdminView, "SMS outbox", label=_l("SMS outbox"), icon="fa-envelope", category="Accounts"
    )
    appbuilder.add_view(
        SmsJobAdminView, "SMS delivery", label=_l("SMS delivery"), icon="fa-paper-plane", category="Accounts"
    )
    appbuilder.add_view(
        ReminderDeliveryAdminView, "Reminders sent", label=_l("Reminders sent"), icon="fa-bell", category="Accounts"
    )
    appbuilder.add_view(
        ApiClientAdminView,
        "API clients",
        label=_l("API clients"),
        icon="fa-plug",
        category="Integrations",
        category_label=_l("Integrations"),
        category_icon="fa-plug",
    )
    appbuilder.add_view(
        WebhookDeliveryAdminView,
        "Webhook deliveries",
        label=_l("Webhook deliveries"),
        icon="fa-paper-plane",
        category="Integrations",
    )
    appbuilder.add_view(
        EnterpriseRegisterAdminView,
        "Enterprise register",
        label=_l("Enterprise register"),
        icon="fa-book",
        category="Accounts",
    )
    appbuilder.add_view(
        ApplicationAdminView,
        "Cases",
        label=_l("Cases"),
        icon="fa-folder-open",
        category="Cases",
        category_label=_l("Cases"),
        category_icon="fa-briefcase",
    )
    appbuilder.add_view_no_menu(CaseCorrectionView)
    appbuilder.add_view(CaseWorkflowView, "My queue", label=_l("My queue"), icon="fa-tasks", category="Cases")
    appbuilder.add_view(
        CalendarOverrideAdminView,
        "Working-day calendar",
        label=_l("Working-day calendar"),
        icon="fa-calendar",
        category="Cases",
    )
    from app.views.admin.statistics import StatisticsView

    appbuilder.add_view(StatisticsView, "Statistics", label=_l("Statistics"), icon="fa-bar-chart", category="Cases")
    from app.views.admin.evaluations import CaseEvaluationAdminView, RectificationAdminView  # 好差评, 差评整改

    appbuilder.add_view(
        CaseEvaluationAdminView, "Service ratings", label=_l("Service ratings"), icon="fa-star", category="Cases"
    )
    appbuilder.add_view(
        RectificationAdminView, "Rectifications", label=_l("Rectifications"), icon="fa-wrench", category="Cases"
    )
    from app.views.admin.articles import register_article_views  # 公示公告, 政策发布, 制度法规
    from app.views.admin.catalogue import ServiceItemAdminView, ServiceMaterialAdminView
    from app.views.admin.registers import EnterpriseQualificationAdminView, PersonRegistrationAdminView

    appbuilder.add_view(
        ServiceItemAdminView,
        "Service items",
        label=_l("Service items"),
        icon="fa-list",
        category="Service catalogue",
        category_label=_l("Service catalogue"),
        category_icon="fa-sitemap",
    )
    appbuilder.add_view(
        ServiceMaterialAdminView,
        "Application materials",
        label=_l("Application materials"),
        icon="fa-paperclip",
        category="Service catalogue",
    )
    appbuilder.add_view(
        PersonRegistrationAdminView,
        "Registered persons",
        label=_l("Registered persons"),
        icon="fa-id-badge",
        category="Registers",
        category_label=_l("Registers"),
        category_icon="fa-book",
    )
    appbuilder.add_view(
        EnterpriseQualificationAdminView,
        "Enterprise qualifications",
        label=_l("Enterprise qualifications"),
        icon="fa-certificate",
        category="Registers",
    )

    register_article_views(appbuilder)
    _refuse_file_column_downloads(current_app)
    _case_page_helpers(current_app)
    _bound_integer_fields(appbuilder)


def _case_page_helpers(app):
    """What the case pages show of a case: its fields under the form's labels, its materials with versions."""
    from flask import g

    from app.services.cases import application_form
    from app.services.cases import scope as case_scope

    app.jinja_env.globals.update(
        case_fields=application_form.filled_in_fields,
        case_materials=application_form.materials_with_versions,
        visible_case=lambda case_id: case_scope.visible_case(case_id, g.user),
    )


def _bound_integer_fields(appbuilder):
    """Every whole-number field of the back office's add and edit forms takes only what the database's
    INTEGER holds: a larger number is an error beside the field, not a 500 when the row is written."""
    bound = NumberRange(
        min=-DATABASE_INT_MAX - 1,
        max=DATABASE_INT_MAX,
        message=_l("Enter a whole number from %(min)s to %(max)s"),
    )
    for view in appbuilder.baseviews:
        for form in {getattr(view, "add_form", None), getattr(view, "edit_form", None)} - {None}:
            for name in dir(form):
                field = getattr(form, name, None)
                if isinstance(field, UnboundField) and issubclass(field.field_class, IntegerField):
                    validators = list(field.kwargs.get("validators") or [])
                    if bound not in validators:
                        field.kwargs["validators"] = [*validators, bound]


def _refuse_file_column_downloads(app):
    """FAB gives every model view ``/download/<filename>`` for its FileColumn fields, read from
    ``UPLOAD_FOLDER``. No model of ours has one (files go through app.services.platform.storage), so the
    route would only answer 500: it answers 404, the translated page, to everyone."""

    def not_found(*_args, **_kwargs):
        abort(404)

    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith(".download") and rule.rule.endswith("/download/<string:filename>"):
            app.view_functions[rule.endpoint] = not_found
