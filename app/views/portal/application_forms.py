"""The application and correction forms, built at run time from the item's definition.

Each item asks for its own fields and materials, so the form class is made per
request from ``application_form.FieldDefinition``s and the item's materials. The
forms carry the fields, their values and CSRF; the rules (what is required, what
is valid) are the services', whose errors are shown beside the fields.
"""

import secrets

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.services.cases.application_form import ApplyPage, CorrectionPage, EnterpriseApplyPage, FieldDefinition
from app.services.cases.enterprise_fields import CHANGE_KINDS, CHANGE_LABELS, ENTERPRISE_FIELD_LABELS
from app.services.cases.uploads import Upload

ALL = "__all__"  # the services' key of a message about the form as a whole
COMMITMENT_CHOICES = [
    SelectChoice("yes", _l("I make the above commitment")),
    SelectChoice("no", _l("I do not make the above commitment")),
]


class CaseForm(FlaskForm):
    """What every application page has: the materials, the commitment and the SMS code."""

    commitment = RadioField(choices=COMMITMENT_CHOICES, validators=[Optional()], validate_choice=False)
    sms_code = StringField(_l("SMS verification code"), validators=[Optional()])

    def committed(self) -> bool:
        return self.commitment.data == "yes"

    def uploads(self) -> dict:
        """The files chosen, by material id."""
        uploads = {}
        for name, form_field in self._fields.items():
            upload = form_field.data if name.startswith("material_") else None
            if upload is not None and getattr(upload, "filename", None):
                uploads[int(name.removeprefix("material_"))] = Upload(upload.filename, upload.read())
        return uploads

    def show(self, errors: dict) -> None:
        """A service's errors beside their fields; the others above the form."""
        for name, message in errors.items():
            if name in self:
                self[name].errors = list(self[name].errors or []) + [message]
            else:
                self.form_errors.append(message)

    def error_map(self) -> dict:
        """The first error of each field, and ``__all__`` for the form as a whole (what the page macros read)."""
        errors = {name: form_field.errors[0] for name, form_field in self._fields.items() if form_field.errors}
        if self.form_errors:
            errors[ALL] = self.form_errors[0]
        return errors


def _field(definition: FieldDefinition):
    if definition.kind == "choice":
        return SelectField(
            definition.label,
            choices=[SelectChoice("", _l("Please choose"))] + [SelectChoice(c, c) for c in definition.choices],
            validators=[Optional()],
            validate_choice=False,  # the service says which choice is wrong, in its words
        )
    return StringField(definition.label, validators=[Optional()])


def _on_first_view(saved: dict) -> dict:
    """What the case already holds fills the form until it is posted; then only what was posted counts."""
    return {} if request.method == "POST" else saved


def _materials(item) -> dict:
    return {f"material_{material.id}": FileField(material.name) for material in item.materials}


class ApplicationForm(CaseForm):
    submit_token = HiddenField(default=lambda: secrets.token_hex(16))
    action = StringField(validators=[Optional()])  # the button: draft or submit

    names: tuple[str, ...] = ()

    @classmethod
    def build(cls, item, page: ApplyPage) -> "ApplicationForm":
        fields = {d.name: _field(d) for d in page.fields}
        form_class = type("ItemApplicationForm", (cls,), {**fields, **_materials(item), "names": tuple(fields)})
        return form_class(data=_on_first_view(page.data))

    def values(self) -> dict:
        return {name: self[name].data or "" for name in self.names}

    def saving_draft(self) -> bool:
        return self.action.data == "draft"

    def token(self) -> str:
        """One case per form, however often it is posted."""
        return (self.submit_token.data or "")[:64] or secrets.token_hex(16)


class CorrectionForm(CaseForm):
    """信息修改及材料补充: the returned fields (``field_<name>``), the changed identity, the returned materials."""

    name = StringField(_l("Name"), validators=[Optional()])
    document_number = StringField(_l("Document number"), validators=[Optional()])
    explanation = StringField(_l("Explanation"), validators=[Optional()])

    flagged: tuple[str, ...] = ()

    @classmethod
    def build(cls, item, page: CorrectionPage) -> "CorrectionForm":
        fields = {f"field_{d.name}": _field(d) for d in page.flagged_fields}
        form_class = type(
            "ItemCorrectionForm",
            (cls,),
            {**fields, **_materials(item), "flagged": tuple(d.name for d in page.flagged_fields)},
        )
        return form_class(
            data=_on_first_view({f"field_{name}": page.data.get(name, "") for name in form_class.flagged})
        )

    def changes(self) -> dict:
        return {name: self[name].data or "" for name in ("name", "document_number", "explanation")}

    def field_values(self) -> dict:
        return {name: self[f"field_{name}"].data or "" for name in self.flagged}


class EnterpriseApplicationForm(CaseForm):
    """建筑业企业资质认定（变更-遗失补办）: what changed, the fields of those changes, the materials they ask for."""

    submit_token = HiddenField(default=lambda: secrets.token_hex(16))
    action = StringField(validators=[Optional()])
    changes = SelectMultipleField(
        choices=[SelectChoice(kind, CHANGE_LABELS[kind]) for kind in CHANGE_KINDS],
        validators=[Optional()],
        validate_choice=False,
    )

    names: tuple[str, ...] = ()

    @classmethod
    def build(cls, item, page: EnterpriseApplyPage) -> "EnterpriseApplicationForm":
        fields = {name: StringField(label, validators=[Optional()]) for name, label in ENTERPRISE_FIELD_LABELS.items()}
        form_class = type(
            "EnterpriseItemApplicationForm", (cls,), {**fields, **_materials(item), "names": tuple(fields)}
        )
        saved = dict(page.data)
        saved["changes"] = [c for c in str(saved.get("changes") or "").split(",") if c]
        return form_class(data=_on_first_view(saved))

    def values(self) -> dict:
        return {"changes": list(self.changes.data or []), **{name: self[name].data or "" for name in self.names}}

    def saving_draft(self) -> bool:
        return self.action.data == "draft"

    def token(self) -> str:
        return (self.submit_token.data or "")[:64] or secrets.token_hex(16)


class EstateStepForm(FlaskForm):
    """A step of the 房地产开发企业一级资质核定系统: its button (save, next, back) and 企业基本信息's own fields.

    The rows of 经营业绩 and 专业技术人员 are parallel lists (``projects-name`` ...) read with the form."""

    action = StringField(validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional()])
    contact_title = StringField(_l("Contact person's position"), validators=[Optional()])

    def basic_values(self) -> dict:
        return {"contact_name": self.contact_name.data or "", "contact_title": self.contact_title.data or ""}

    def rows(self, prefix: str, names: tuple[str, ...]) -> list[dict]:
        columns = {name: request.form.getlist(f"{prefix}-{name}") for name in (*names, "ref")}
        count = max((len(values) for values in columns.values()), default=0)
        return [
            {name: (values[i] if i < len(values) else "") for name, values in columns.items()} for i in range(count)
        ]


class EstateDeclareForm(CaseForm):
    """承诺与申报: the materials, the commitment, the SMS code."""

    submit_token = HiddenField(default=lambda: secrets.token_hex(16))

    @classmethod
    def build(cls, item) -> "EstateDeclareForm":
        return type("EstateItemDeclareForm", (cls,), _materials(item))()

    def token(self) -> str:
        return (self.submit_token.data or "")[:64] or secrets.token_hex(16)
