"""Back office: portal accounts, enterprises, audit trail, SMS outbox."""

from flask import Response, flash, g, redirect, request
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired
from wtforms.widgets import DateInput

from app.formatting import beijing_time, json_text
from app.models import (
    Account,
    AccountKind,
    AuditRecord,
    Enterprise,
    EnterpriseRegisterEntry,
    ReminderDelivery,
    SmsJob,
    SmsOutboxMessage,
)
from app.services.accounts.login import unlock_accounts
from app.services.errors import ServiceError
from app.services.platform import audit_export
from app.services.reminders.job import KIND_LABELS as REMINDER_KIND_LABELS
from app.services.unit_of_work import unit_of_work
from app.views.admin import display
from app.views.admin.display import PlainValuesMixin
from app.views.admin.forms import apply_errors
from app.views.admin.scoped_actions import ScopedActionsMixin

READ_ONLY = ["can_list", "can_show"]

KIND_LABELS = {
    AccountKind.PERSONAL: _l("Personal user"),
    AccountKind.LEGAL: _l("Legal-entity user"),
    AccountKind.STAFF: _l("Staff"),
}
STATUS_LABELS = {"active": _l("Active"), "cancelled": _l("Cancelled")}


DISPLAY = {
    "kind": lambda value: KIND_LABELS.get(value, value),
    "status": lambda value: STATUS_LABELS.get(value, value),
    "locked_until": beijing_time,
    "created_on": beijing_time,
    "last_login": beijing_time,
    "cancelled_at": beijing_time,
    "created_at": beijing_time,
}


def _portal_kinds():
    return [AccountKind.PERSONAL, AccountKind.LEGAL]


class PortalAccountAdminView(ScopedActionsMixin, PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(Account)
    base_filters = [["kind", FilterInFunction, _portal_kinds]]
    base_permissions = READ_ONLY + ["unlock"]  # FAB names action permissions after the action
    list_title = _l("Portal accounts")
    show_title = _l("Portal account")
    list_columns = ["real_name", "kind", "masked_document", "masked_phone", "status", "locked_until", "created_on"]
    show_columns = [
        "real_name",
        "kind",
        "masked_document",
        "masked_phone",
        "contact_email",
        "gender",
        "birth_date",
        "document_valid_from",
        "document_valid_to",
        "needs_manual_check",
        "status",
        "locked_until",
        "last_login",
        "login_count",
        "created_on",
        "cancelled_at",
        "enterprise",
    ]
    search_columns = ["real_name", "document_number", "phone", "status", "kind"]
    formatters_columns = DISPLAY | {"needs_manual_check": display.yes_no}
    order_columns = ["real_name", "created_on", "status"]
    base_order = ("created_on", "desc")
    label_columns = {
        "real_name": _l("Name"),
        "kind": _l("Account type"),
        "masked_document": _l("Document number"),
        "document_number": _l("Document number"),
        "masked_phone": _l("Mobile phone number"),
        "phone": _l("Mobile phone number"),
        "contact_email": _l("Email"),
        "gender": _l("Gender"),
        "birth_date": _l("Date of birth"),
        "document_valid_from": _l("Valid from"),
        "document_valid_to": _l("Valid until"),
        "needs_manual_check": _l("Needs manual check"),
        "status": _l("Status"),
        "locked_until": _l("Locked until"),
        "last_login": _l("Last sign-in"),
        "login_count": _l("Sign-ins"),
        "created_on": _l("Registered at"),
        "cancelled_at": _l("Cancelled at"),
        "enterprise": _l("Enterprise"),
    }

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock", multiple=True)
    def unlock(self, accounts):
        with unit_of_work():
            count = unlock_accounts(accounts, actor=g.user, ip=request.remote_addr or "")
        flash(_l("%(n)s account(s) unlocked", n=count), "success")
        return redirect(self.get_redirect())


class EnterpriseAdminView(PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(Enterprise)
    base_permissions = READ_ONLY
    list_title = _l("Enterprises")
    show_title = _l("Enterprise")
    list_columns = ["name", "masked_uscc", "entity_type", "legal_rep_name", "created_at"]
    show_columns = [
        "name",
        "masked_uscc",
        "entity_type",
        "legal_rep_name",
        "legal_rep_valid_from",
        "legal_rep_valid_to",
        "created_at",
    ]
    search_columns = ["name", "uscc", "legal_rep_name"]
    formatters_columns = DISPLAY | {"entity_type": display.entity_type}
    label_columns = {
        "name": _l("Name of the organisation"),
        "uscc": _l("Unified social credit code"),
        "masked_uscc": _l("Unified social credit code"),
        "entity_type": _l("Legal-entity type"),
        "legal_rep_name": _l("Legal representative"),
        "legal_rep_valid_from": _l("Valid from"),
        "legal_rep_valid_to": _l("Valid until"),
        "created_at": _l("Registered at"),
    }


def _choices(labels):
    return [(code, label) for code, label in labels.items()]


class EnterpriseRegisterAdminView(PlainValuesMixin, ModelView):
    """The demonstration national register that the built-in enterprise verifier reads."""

    datamodel = SQLAInterface(EnterpriseRegisterEntry)
    list_title = _l("Enterprise register (demonstration)")
    show_title = _l("Enterprise register entry")
    add_title = _l("Add an enterprise register entry")
    edit_title = _l("Edit an enterprise register entry")
    list_columns = ["name", "uscc", "entity_type", "legal_rep_name"]
    show_columns = add_columns = edit_columns = [
        "name",
        "uscc",
        "entity_type",
        "legal_rep_name",
        "legal_rep_document_type",
        "legal_rep_document_number",
    ]
    search_columns = ["name", "uscc", "legal_rep_name"]
    formatters_columns = {
        "entity_type": display.entity_type,
        "legal_rep_document_type": display.document_type,
    }
    # The types are codes the verifier compares: chosen from the list, never typed.
    add_form_extra_fields = edit_form_extra_fields = {
        "entity_type": SelectField(
            _l("Legal-entity type"), choices=_choices(display.ENTITY_TYPES), validators=[DataRequired()]
        ),
        "legal_rep_document_type": SelectField(
            _l("Document type"), choices=_choices(display.DOCUMENT_TYPES), validators=[DataRequired()]
        ),
    }
    label_columns = EnterpriseAdminView.label_columns | {
        "legal_rep_document_type": _l("Document type"),
        "legal_rep_document_number": _l("Document number"),
    }


class AuditExportForm(FlaskForm):
    """The period of an export (GET: a download changes nothing the visitor owns, so no CSRF token)."""

    class Meta:
        csrf = False

    start = StringField(_l("From"), widget=DateInput())
    end = StringField(_l("To"), widget=DateInput())
    format = SelectField(_l("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel")], validate_choice=False)


class AuditRecordAdminView(PlainValuesMixin, ModelView):
    """The audit trail, append-only: read and export, never added to, edited or deleted here (not even by Admin:
    FAB creates no add/edit/delete permission for a view whose base_permissions leave them out)."""

    datamodel = SQLAInterface(AuditRecord)
    base_permissions = READ_ONLY + ["can_export"]
    list_title = _l("Audit trail")
    show_title = _l("Audit record")
    list_columns = ["created_at", "event", "subject", "account_id", "actor_id", "ip_address"]
    show_columns = ["created_at", "event", "subject", "account_id", "actor_id", "ip_address", "detail"]
    search_columns = ["event", "subject", "ip_address", "created_at", "account_id"]
    formatters_columns = DISPLAY | {"detail": json_text, "event": display.audit_event}
    base_order = ("created_at", "desc")
    label_columns = {
        "created_at": _l("Time"),
        "event": _l("Event"),
        "subject": _l("Account identifier"),
        "account_id": _l("Account ID"),
        "actor_id": _l("Operator ID"),
        "ip_address": _l("IP address"),
        "detail": _l("Details"),
    }

    @expose("/export/")
    @has_access
    def export(self):
        form = AuditExportForm(request.args)
        if not request.args:
            form.start.data, form.end.data = (day.isoformat() for day in audit_export.default_period())
            return self.render_template("admin/audit_export.html", form=form)
        try:
            with unit_of_work():
                content, mimetype, name = audit_export.export(
                    g.user, form.start.data or "", form.end.data or "", form.format.data or "", ip=request.remote_addr
                )
        except ServiceError as refusal:
            apply_errors(form, refusal.errors)
            return self.render_template("admin/audit_export.html", form=form), 400
        return Response(content, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


class SmsOutboxAdminView(PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(SmsOutboxMessage)
    base_permissions = READ_ONLY
    list_title = _l("SMS outbox")
    show_title = _l("SMS message")
    show_columns = ["created_at", "masked_phone", "purpose", "content"]
    list_columns = ["created_at", "masked_phone", "purpose", "content"]
    search_columns = ["phone", "purpose", "created_at"]
    formatters_columns = DISPLAY | {"purpose": display.sms_purpose}
    base_order = ("created_at", "desc")
    label_columns = {
        "created_at": _l("Time"),
        "phone": _l("Mobile phone number"),
        "masked_phone": _l("Mobile phone number"),
        "purpose": _l("Purpose"),
        "content": _l("Content"),
    }


SMS_JOB_STATES = {"queued": _l("Queued"), "sent": _l("Sent"), "dead": _l("Failed (dead letter)")}


class SmsJobAdminView(PlainValuesMixin, ModelView):
    """Every text handed to the SMS gateway by a background job; "dead" ones failed every retry."""

    datamodel = SQLAInterface(SmsJob)
    base_permissions = READ_ONLY
    list_title = _l("SMS delivery")
    show_title = _l("SMS delivery job")
    list_columns = ["created_at", "masked_phone", "purpose", "state", "attempts", "last_error", "finished_at"]
    show_columns = list_columns + ["content", "request_id", "account_id"]
    search_columns = ["state", "phone", "purpose", "created_at"]
    formatters_columns = DISPLAY | {
        "purpose": display.sms_purpose,
        "state": lambda value: SMS_JOB_STATES.get(value, value),
        "finished_at": beijing_time,
    }
    base_order = ("created_at", "desc")
    label_columns = {
        "created_at": _l("Time"),
        "phone": _l("Mobile phone number"),
        "masked_phone": _l("Mobile phone number"),
        "purpose": _l("Purpose"),
        "state": _l("State"),
        "attempts": _l("Attempts"),
        "last_error": _l("Last error"),
        "finished_at": _l("Finished at"),
        "content": _l("Content"),
        "request_id": _l("Request ID"),
        "account_id": _l("Account ID"),
    }


class ReminderDeliveryAdminView(PlainValuesMixin, ModelView):
    """到期提醒 sent: to whom, about what, at which threshold, and whether the SMS went (read only)."""

    datamodel = SQLAInterface(ReminderDelivery)
    base_permissions = READ_ONLY
    list_title = _l("Reminders sent")
    show_title = _l("Reminder")
    list_columns = ["created_at", "holder_name", "kind", "subject", "due_on", "threshold_days", "sms_sent_at"]
    show_columns = list_columns
    search_columns = ["kind", "subject", "due_on", "created_at"]
    formatters_columns = DISPLAY | {
        "kind": lambda value: REMINDER_KIND_LABELS.get(value, value),
        "sms_sent_at": beijing_time,
    }
    base_order = ("created_at", "desc")
    label_columns = {
        "created_at": _l("Time"),
        "holder_name": _l("Holder"),
        "kind": _l("Reminder"),
        "subject": _l("Registration or case number"),
        "due_on": _l("Lapses on"),
        "threshold_days": _l("Days before"),
        "sms_sent_at": _l("SMS sent"),
    }
