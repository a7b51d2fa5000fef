"""Back office: the REST API's clients (接入单位), created, changed and revoked by an administrator, and the
webhook outbox. The secret and the webhook key are shown once, on creation; only the secret's hash is kept."""

from flask import flash, g, redirect, request
from flask_appbuilder import ModelView
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.formatting import beijing_time
from app.models import ApiClient, WebhookDelivery
from app.services.api import clients
from app.services.errors import ServiceError
from app.services.unit_of_work import abandon, unit_of_work
from app.views.admin.display import PlainValuesMixin


def _at_least_one_scope(form, field):
    """Not DataRequired: its ``required`` flag would make the browser demand every checkbox."""
    if not field.data:
        raise ValidationError(_l("Choose at least one scope"))


class _ScopeField(SelectMultipleField):
    def pre_validate(self, form):
        """A fixed message: WTForms' own repeats the posted value, which FAB's form shows unescaped."""
        if any(value not in clients.SCOPES for value in self.data or []):
            raise ValidationError(_l("Choose scopes among: %(scopes)s", scopes=" ".join(clients.SCOPES)))


def _scope_field():
    return _ScopeField(
        _l("Scopes"),
        choices=lambda: [(scope, str(label)) for scope, label in clients.SCOPE_LABELS.items()],
        validators=[_at_least_one_scope],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _optional_text(label, max_length: int, description=None):
    return StringField(
        label,
        validators=[Optional(), Length(max=max_length)],
        widget=BS3TextFieldWidget(),
        description=description,
        filters=[lambda value: value or ""],
    )


def _extra_fields():
    return {
        "scope_list": _scope_field(),
        "case_province": _optional_text(_l("Province (empty: all)"), 20, ""),
        "case_groups": _optional_text(
            _l("Item groups (empty: all)"),
            200,
            _l("Names of item groups, separated by commas (建造师, 注册建筑师 ...)"),
        ),
        "webhook_url": _optional_text(
            _l("Webhook address"), 500, _l("Case status changes are posted here, signed with HMAC-SHA256 (empty: none)")
        ),
    }


def _code(value):
    """Identifiers and machine text (client ids, event ids, JSON) as code, not as words."""
    return Markup("<code>{}</code>").format(value) if value else ""


def _scope_labels(value):
    return "、".join(str(clients.SCOPE_LABELS.get(scope, scope)) for scope in (value or "").split())


class ApiClientAdminView(PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(ApiClient)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("API clients")
    show_title = _l("API client")
    add_title = _l("Create an API client")
    edit_title = _l("Change an API client")
    list_columns = ["name", "client_id", "scopes", "case_province", "case_groups", "rate_per_minute", "revoked_at"]
    show_columns = [
        "name",
        "client_id",
        "scopes",
        "case_province",
        "case_groups",
        "rate_per_minute",
        "webhook_url",
        "created_at",
        "revoked_at",
    ]
    add_columns = ["name", "scope_list", "case_province", "case_groups", "rate_per_minute", "webhook_url"]
    edit_columns = add_columns
    add_form_extra_fields = _extra_fields()
    edit_form_extra_fields = _extra_fields()
    search_columns = ["name", "client_id"]
    base_order = ("created_at", "desc")
    formatters_columns = {
        "created_at": beijing_time,
        "revoked_at": beijing_time,
        "client_id": _code,
        "scopes": _scope_labels,
        "webhook_url": _code,
    }
    label_columns = {
        "name": _l("Agency"),
        "client_id": _l("Client id"),
        "scopes": _l("Scopes"),
        "scope_list": _l("Scopes"),
        "case_province": _l("Province (empty: all)"),
        "case_groups": _l("Item groups (empty: all)"),
        "rate_per_minute": _l("Calls a minute"),
        "webhook_url": _l("Webhook address"),
        "created_at": _l("Created"),
        "revoked_at": _l("Revoked"),
    }
    description_columns = {
        "case_groups": _l("Names of item groups, separated by commas (建造师, 注册建筑师 ...)"),
        "webhook_url": _l("Case status changes are posted here, signed with HMAC-SHA256 (empty: none)"),
    }

    def pre_add(self, item):
        try:
            item.credentials = clients.issue_credentials(item, actor=g.user, ip=request.remote_addr or "")
        except ServiceError as refused:
            abandon()
            raise ValueError(str(refused.message)) from None

    def post_add(self, item):
        credentials = item.credentials
        once = escape(_l("Hand these to the agency now: they are shown only once."))
        token = escape(_l("Token"))
        webhook_key = escape(_l("Webhook key (HMAC-SHA256)"))
        flash(
            Markup(
                f"{once}<br>{token}: <code id='api-client-token'>{escape(credentials.token)}</code><br>"
                f"{webhook_key}: <code id='api-client-webhook-key'>{escape(credentials.webhook_secret)}</code>"
            ),
            "warning",
        )

    def pre_update(self, item):
        try:
            clients.update_client(item, actor=g.user, ip=request.remote_addr or "")
        except ServiceError as refused:
            abandon()
            raise ValueError(str(refused.message)) from None

    @action("revoke", _l("Revoke"), _l("Revoke the selected clients? Their tokens stop working at once."), "fa-ban")
    def revoke(self, items):
        items = items if isinstance(items, list) else [items]
        with unit_of_work():
            count = sum(clients.revoke(item, actor=g.user, ip=request.remote_addr or "") for item in items)
        flash(_l("%(n)s client(s) revoked", n=count), "success")
        return redirect(self.get_redirect())


class WebhookDeliveryAdminView(PlainValuesMixin, ModelView):
    """The webhook outbox: what was pushed to whom, the tries and the last error (read only)."""

    datamodel = SQLAInterface(WebhookDelivery)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Webhook deliveries")
    show_title = _l("Webhook delivery")
    list_columns = ["created_at", "client", "event_key", "attempts", "delivered_at", "failed_at", "last_error"]
    show_columns = [*list_columns, "next_attempt_at", "payload"]
    base_order = ("created_at", "desc")
    formatters_columns = {
        "event_key": _code,
        "payload": _code,
        "last_error": _code,
        "created_at": beijing_time,
        "delivered_at": beijing_time,
        "failed_at": beijing_time,
        "next_attempt_at": beijing_time,
    }
    label_columns = {
        "created_at": _l("Time"),
        "client": _l("API client"),
        "event_key": _l("Event"),
        "attempts": _l("Tries"),
        "delivered_at": _l("Delivered"),
        "failed_at": _l("Given up"),
        "last_error": _l("Last error"),
        "next_attempt_at": _l("Next try"),
        "payload": _l("Content"),
    }
