"""Back-office CRUD of portal content: FAQ entries, site settings and visitors' error reports."""

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.formatting import beijing_time
from app.models import ErrorReport, FaqEntry, SiteSetting
from app.views.admin.display import yes_no
from app.views.context import forget_site_settings


class FaqEntryAdminView(ModelView):
    datamodel = SQLAInterface(FaqEntry)
    list_title = _l("FAQ entries")
    show_title = _l("FAQ entry")
    add_title = _l("Add FAQ entry")
    edit_title = _l("Edit FAQ entry")
    list_columns = ["position", "question", "location", "published"]
    add_columns = edit_columns = ["position", "question", "location", "answer", "published"]
    show_columns = ["position", "question", "location", "answer", "published", "updated_at"]
    search_columns = ["question", "answer", "published"]
    order_columns = ["position", "question"]
    base_order = ("position", "asc")
    formatters_columns = {"updated_at": beijing_time, "published": yes_no}
    label_columns = {
        "position": _l("No."),
        "question": _l("Question"),
        "location": _l("Where it happens"),
        "answer": _l("Solution"),
        "published": _l("Published"),
        "updated_at": _l("Updated at"),
    }


class SiteSettingAdminView(ModelView):
    """Settings are a fixed set of keys: staff change values, never keys."""

    datamodel = SQLAInterface(SiteSetting)
    base_permissions = ["can_list", "can_show", "can_edit"]
    list_title = _l("Site settings")
    edit_title = _l("Edit site setting")
    show_title = _l("Site setting")
    list_columns = ["label", "value", "updated_at"]
    edit_columns = ["value"]
    show_columns = ["key", "label", "value", "updated_at"]
    search_columns = ["label", "value"]
    formatters_columns = {"updated_at": beijing_time}
    label_columns = {
        "key": _l("Key"),
        "label": _l("Setting"),
        "value": _l("Value"),
        "updated_at": _l("Updated at"),
    }

    def post_update(self, item):
        forget_site_settings()


class ErrorReportAdminView(ModelView):
    """政府网站找错: what visitors reported, newest first; an editor marks a report handled."""

    datamodel = SQLAInterface(ErrorReport)
    base_permissions = ["can_list", "can_show", "can_edit"]
    list_title = _l("Error reports")
    show_title = _l("Error report")
    edit_title = _l("Edit error report")
    list_columns = ["created_at", "page_url", "description", "handled"]
    show_columns = ["created_at", "page_url", "description", "contact", "handled"]
    edit_columns = ["handled"]
    search_columns = ["page_url", "description", "handled"]
    base_order = ("created_at", "desc")
    formatters_columns = {"created_at": beijing_time, "handled": yes_no}
    label_columns = {
        "created_at": _l("Reported at"),
        "page_url": _l("Page address"),
        "description": _l("Description of the error"),
        "contact": _l("Contact"),
        "handled": _l("Handled"),
    }
