"""Back office: the service catalogue (事项, 办事指南, 申请材料), kept by the 事项管理员.

Every change is checked (``catalogue_admin``) and audited; the portal reads the catalogue on
every page, so the citizen's guide and form follow at once.
"""

from flask import g, request
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, ValidationError

from app.models import ServiceItem, ServiceMaterial
from app.services.cases import catalogue_admin
from app.services.errors import ServiceError
from app.services.unit_of_work import abandon
from app.views.admin.display import PlainValuesMixin, labelled, yes_no


def _formats(form, field):
    try:
        field.data = catalogue_admin.normalise_formats(field.data)
    except ServiceError as refused:
        raise ValidationError(str(refused.errors["formats"])) from None


class _Audited:
    """Check the record, then audit it with the change (the audit row commits with it)."""

    def check(self, record):
        raise NotImplementedError

    def _checked(self, record, action):
        try:
            self.check(record)
            catalogue_admin.record_change(record, actor=g.user, ip=request.remote_addr or "", action=action)
        except ServiceError as refused:
            abandon()  # nothing of the refused change stays in the session
            raise ValueError(str(refused.message)) from None  # FAB shows it as a message

    def pre_add(self, item):
        self._checked(item, "add")

    def pre_update(self, item):
        self._checked(item, "edit")


MATERIAL_LABELS = {
    "item": _l("Item"),
    "position": _l("Order"),
    "name": _l("Material name"),
    "required": _l("Required"),
    "formats": _l("Accepted formats"),
    "max_size_mb": _l("Size limit (MB)"),
    "description": _l("Requirements (photo rules and the like)"),
}


class ServiceMaterialAdminView(_Audited, PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(ServiceMaterial)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("Application materials")
    show_title = _l("Application material")
    add_title = _l("Add an application material")
    edit_title = _l("Edit an application material")
    list_columns = ["item", "position", "name", "required", "formats", "max_size_mb"]
    show_columns = ["item", "position", "name", "required", "formats", "max_size_mb", "description"]
    add_columns = edit_columns = show_columns
    search_columns = ["item", "name", "required", "formats"]
    order_columns = ["position", "name"]
    base_order = ("item_id", "asc")
    label_columns = MATERIAL_LABELS
    formatters_columns = {"required": yes_no, "formats": lambda value: (value or "").upper()}
    description_columns = {
        "formats": _l("jpg, jpeg, png or pdf, separated by commas; checked by the file's content"),
        "max_size_mb": _l("At most 20 MB"),
    }
    # Requirements may be left empty (FAB would make the NOT NULL column a required field).
    add_form_extra_fields = edit_form_extra_fields = {
        "description": TextAreaField(
            MATERIAL_LABELS["description"],
            description=_l("Shown under the upload field of the application form"),
            filters=[lambda value: value or ""],
        ),
    }
    validators_columns = {
        "formats": [DataRequired(), _formats],
        "max_size_mb": [NumberRange(min=1, max=catalogue_admin.MAX_MATERIAL_SIZE_MB)],
    }

    def check(self, record):
        catalogue_admin.check_material(record)


def _choices(labels):
    return [(code, label) for code, label in labels.items()]


def _online_kind_choices():
    return [("", _l("Not open online"))] + [
        (kind, f"{name} · {action}") for kind, (name, action) in catalogue_admin.online_kinds().items()
    ]


class _OnlineKindField(SelectField):
    """The item's online form; empty: online filing is not open (stored as NULL, the column is unique)."""

    def populate_obj(self, obj, name):
        setattr(obj, name, self.data or None)

    def process_data(self, value):
        self.data = value or ""


ITEM_FORM_FIELDS = {
    "category": SelectField(_l("Category"), choices=_choices(catalogue_admin.CATEGORY_LABELS)),
    "group": SelectField(_l("Group"), choices=_choices(catalogue_admin.GROUP_NAMES)),
    "online_kind": _OnlineKindField(
        _l("Online filing"),
        choices=_online_kind_choices,
        description=_l("The online form of the item; “Not open online” closes online filing"),
    ),
    "code": StringField(_l("Item code"), validators=[DataRequired()]),
    "time_limit_days": IntegerField(_l("Promised time limit (working days)"), validators=[NumberRange(min=1)]),
    "legal_time_limit_days": IntegerField(_l("Legal time limit (working days)"), validators=[NumberRange(min=1)]),
    # the column is called ``process``, which a WTForms form cannot have as a field name
    "handling_process": TextAreaField(_l("Handling process")),
}


class ServiceItemAdminView(_Audited, PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(ServiceItem)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("Service items")
    show_title = _l("Service item")
    add_title = _l("Add a service item")
    edit_title = _l("Edit a service item")
    list_columns = ["code", "name", "category", "group", "time_limit_days", "online_kind"]
    show_fieldsets = [
        (
            _l("Item"),
            {
                "fields": [
                    "code",
                    "name",
                    "category",
                    "group",
                    "position",
                    "online_kind",
                    "time_limit_days",
                    "legal_time_limit_days",
                    "fee",
                ]
            },
        ),
        (_l("Service guide"), {"fields": ["legal_basis", "conditions", "process", "phone", "location"]}),
    ]
    add_columns = edit_columns = [
        "code",
        "name",
        "category",
        "group",
        "position",
        "online_kind",
        "time_limit_days",
        "legal_time_limit_days",
        "fee",
        "legal_basis",
        "conditions",
        "handling_process",
        "phone",
        "location",
    ]
    add_form_extra_fields = edit_form_extra_fields = ITEM_FORM_FIELDS
    search_columns = ["code", "name", "category", "group", "online_kind"]
    order_columns = ["code", "name", "position", "time_limit_days"]
    base_order = ("position", "asc")
    related_views = [ServiceMaterialAdminView]
    show_template = "appbuilder/general/model/show_cascade.html"
    edit_template = "appbuilder/general/model/edit_cascade.html"
    label_columns = {
        "code": _l("Item code"),
        "name": _l("Item name"),
        "category": _l("Category"),
        "group": _l("Group"),
        "position": _l("Order"),
        "online_kind": _l("Online filing"),
        "time_limit_days": _l("Promised time limit (working days)"),
        "legal_time_limit_days": _l("Legal time limit (working days)"),
        "fee": _l("Fee"),
        "legal_basis": _l("Legal basis"),
        "conditions": _l("Acceptance conditions"),
        "process": _l("Handling process"),
        "phone": _l("Enquiry telephone"),
        "location": _l("Where to apply"),
        "materials": _l("Application materials"),
    }
    formatters_columns = {
        "category": labelled(catalogue_admin.CATEGORY_LABELS),
        "group": labelled(catalogue_admin.GROUP_NAMES),
        "online_kind": catalogue_admin.online_kind_label,
    }

    def check(self, record):
        catalogue_admin.check_item(record)
