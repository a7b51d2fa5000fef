"""How the back office shows stored codes and empty values: in words, in the page's language."""

from flask_babel import lazy_gettext as _l

from app.services.accounts.document_types import DOCUMENT_TYPE_LABELS, LEGAL_ENTITY_TYPE_LABELS
from app.services.platform.audit import EVENT_LABELS

SMS_PURPOSE_LABELS = {
    "register": _l("Registration"),
    "reset_password": _l("Password reset"),
    "cancel_account": _l("Account cancellation"),
    "legal_rep_change": _l("Change of legal representative"),
    "change_phone": _l("Change of mobile phone number"),
    "application": _l("Online application"),
    "case_notice": _l("Case notice"),
    "legal_rep_changed": _l("Legal representative changed"),
    "reminder": _l("Expiry reminder"),
}


def yes_no(value):
    return _l("Yes") if value else _l("No")


def blank(value):
    """Nothing shown for a missing value (FAB would print "None")."""
    return "" if value is None else value


def labelled(labels):
    """A formatter showing a code by its label (the code itself when it has none)."""

    def show(value):
        if value is None:
            return ""
        return labels.get(value, value)

    return show


def _by_value(labels):
    return {str(getattr(key, "value", key)): label for key, label in labels.items()}


DOCUMENT_TYPES = _by_value(DOCUMENT_TYPE_LABELS)
ENTITY_TYPES = _by_value(LEGAL_ENTITY_TYPE_LABELS)
document_type = labelled(DOCUMENT_TYPES)
entity_type = labelled(ENTITY_TYPES)
sms_purpose = labelled(SMS_PURPOSE_LABELS)
audit_event = labelled(EVENT_LABELS)


def plain(value):
    """Yes/No for a flag, nothing for a missing value, the value otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    return value


class PlainValuesMixin:
    """Put before ``ModelView``: columns without a formatter of their own show flags as 是/否 and
    missing values as nothing, never FAB's "True", "False" or "None"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = {*self.datamodel.get_columns_list(), *self.list_columns, *self.show_columns}
        self.formatters_columns = {column: plain for column in columns} | dict(self.formatters_columns or {})
