"""Back office: the public registers (注册人员, 企业资质), kept by the 登记管理员.

Staff search and read them, and correct an entry only with a reason; every correction is an
audit row (``registers.corrections``). Entries are written by issuing cases, never added here.
"""

from flask import g, request
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.masking import mask_document
from app.models import EnterpriseQualification, PersonRegistration
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.errors import ServiceError
from app.services.registers import corrections
from app.services.registers.vocabularies import ENTERPRISE_KINDS, GRADE_LABELS, PROVINCE_LABELS, QUALIFICATION_LABELS
from app.services.unit_of_work import abandon
from app.views.admin.display import PlainValuesMixin, labelled

REGISTRATION_STATES = {"valid": _l("Valid"), "cancelled": _l("Cancelled")}


def _reason_field():
    return TextAreaField(
        _l("Reason for the correction"),
        validators=[
            DataRequired(message=_l("Give the reason for the correction")),
            Length(max=corrections.REASON_MAX, message=_l("At most %(n)d characters", n=corrections.REASON_MAX)),
        ],
        description=_l("Kept in the audit trail with the correction"),
    )


class _Corrected:
    """An edit is a correction: it needs a reason and is audited with it."""

    def pre_update(self, item):
        try:
            corrections.correct(
                item, reason=getattr(item, "correction_reason", ""), actor=g.user, ip=request.remote_addr or ""
            )
        except ServiceError as refused:
            abandon()
            raise ValueError(str(refused.message)) from None


def _masked_id(value):
    return mask_document("resident_id", value) if value else ""


class PersonRegistrationAdminView(_Corrected, PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(PersonRegistration)
    base_permissions = ["can_list", "can_show", "can_edit"]
    list_title = _l("Registered persons")
    show_title = _l("Registered person")
    edit_title = _l("Correct a registration")
    list_columns = [
        "holder_name",
        "registration_number",
        "qualification",
        "employer_name",
        "province",
        "valid_to",
        "status",
    ]
    show_columns = [
        "holder_name",
        "holder_document_number",
        "qualification",
        "registration_number",
        "employer_name",
        "employer_uscc",
        "province",
        "valid_from",
        "valid_to",
        "status",
    ]
    edit_columns = [
        "holder_name",
        "employer_name",
        "employer_uscc",
        "valid_from",
        "valid_to",
        "status",
        "correction_reason",
    ]
    edit_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=list(REGISTRATION_STATES.items())),
        "correction_reason": _reason_field(),
    }
    search_columns = [
        "holder_name",
        "registration_number",
        "employer_name",
        "employer_uscc",
        "qualification",
        "province",
        "status",
    ]
    order_columns = ["holder_name", "registration_number", "valid_to"]
    base_order = ("id", "desc")
    label_columns = {
        "holder_name": _l("Name"),
        "holder_document_number": _l("Document number"),
        "qualification": _l("Qualification"),
        "registration_number": _l("Registration number"),
        "employer_name": _l("Employer"),
        "employer_uscc": _l("Employer's unified social credit code"),
        "province": _l("Province"),
        "valid_from": _l("Valid from"),
        "valid_to": _l("Valid until"),
        "status": _l("Status"),
        "correction_reason": _l("Reason for the correction"),
    }
    formatters_columns = {
        "holder_document_number": _masked_id,
        "qualification": labelled(QUALIFICATION_NAMES),
        "province": labelled(PROVINCE_LABELS),
        "status": labelled(REGISTRATION_STATES),
    }


class EnterpriseQualificationAdminView(_Corrected, PlainValuesMixin, ModelView):
    datamodel = SQLAInterface(EnterpriseQualification)
    base_permissions = ["can_list", "can_show", "can_edit"]
    list_title = _l("Enterprise qualifications")
    show_title = _l("Enterprise qualification")
    edit_title = _l("Correct an enterprise qualification")
    list_columns = ["enterprise_name", "uscc", "kind", "qualification", "grade", "certificate_number", "valid_to"]
    show_columns = [
        "enterprise_name",
        "uscc",
        "kind",
        "qualification",
        "grade",
        "certificate_number",
        "province",
        "valid_from",
        "valid_to",
    ]
    edit_columns = ["enterprise_name", "grade", "valid_from", "valid_to", "correction_reason"]
    edit_form_extra_fields = {
        "grade": SelectField(_l("Grade"), choices=list(GRADE_LABELS.items())),
        "correction_reason": _reason_field(),
    }
    search_columns = ["enterprise_name", "uscc", "certificate_number", "kind", "grade", "province"]
    order_columns = ["enterprise_name", "certificate_number", "valid_to"]
    base_order = ("id", "desc")
    label_columns = {
        "enterprise_name": _l("Enterprise name"),
        "uscc": _l("Unified social credit code"),
        "kind": _l("Enterprise kind"),
        "qualification": _l("Qualification"),
        "grade": _l("Grade"),
        "certificate_number": _l("Certificate number"),
        "province": _l("Province"),
        "valid_from": _l("Valid from"),
        "valid_to": _l("Valid until"),
        "correction_reason": _l("Reason for the correction"),
    }
    formatters_columns = {
        "kind": labelled(ENTERPRISE_KINDS),
        "qualification": labelled(QUALIFICATION_LABELS),
        "grade": labelled(GRADE_LABELS),
        "province": labelled(PROVINCE_LABELS),
    }
