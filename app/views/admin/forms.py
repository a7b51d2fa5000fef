"""The back office's own forms (Flask-WTF: CSRF, values kept on error, messages beside the fields).

FAB's ModelViews build their forms themselves; these are the forms of the
workflow pages: a staff action on a case, and the return for correction (补正)
with one line per material and per filled-in field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.services.cases import handling as case_handling
from app.services.cases import queue as case_queue


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("At most %(n)d characters", n=n))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def apply_errors(form, errors) -> list:
    """Put a service's refusals beside their fields; returns those about the form as a whole."""
    general = []
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*(form[name].errors or []), message]
        else:
            general.append(message)
    return general


class ReturnForm(FlaskForm):
    """The field pairs (flag_<id>/defect_<id>, flag_field_<name>/defect_field_<name>) are added per case."""

    reason = TextAreaField(_l("Reason for return"))

    def marked(self):
        """(materials, fields): what is wrong with each ticked material id and field name."""
        materials, fields = {}, {}
        for name, field in self._fields.items():
            if name.startswith("flag_field_") and field.data:
                key = name.removeprefix("flag_field_")
                fields[key] = self[case_handling.field_key(key)].data
            elif name.startswith("flag_") and field.data:
                key = name.removeprefix("flag_")
                materials[int(key)] = self[case_handling.material_key(int(key))].data
        return materials, fields


def return_form(application, **kwargs) -> ReturnForm:
    """The return form of ``application``: one line per material of its item and per filled-in field."""

    class CaseReturnForm(ReturnForm):
        pass

    problem = [_at_most(case_handling.DEFECT_MAX_LENGTH)]
    for material in application.item.materials:
        setattr(CaseReturnForm, f"flag_{material.id}", BooleanField(material.name))
        setattr(CaseReturnForm, case_handling.material_key(material.id), StringField(_l("What is wrong"), problem))
    for name, label, _value in case_handling.returnable_fields(application):
        setattr(CaseReturnForm, f"flag_field_{name}", BooleanField(label))
        setattr(CaseReturnForm, case_handling.field_key(name), StringField(_l("What is wrong"), problem))
    return CaseReturnForm(**kwargs)


class ActionForm(FlaskForm):
    """One staff step on a case (受理, 不予受理, 审查, 审批 ...), with its reasons; the review opinion
    (审查意见) adds the reviewer's recommendation and, for a refusal, its reasons."""

    action = HiddenField()
    reason = TextAreaField(_l("Reasons"))
    recommendation = RadioField(
        _l("Recommendation"), choices=list(case_handling.RECOMMENDATIONS.items()), validate_choice=False
    )
    recommendation_reasons = TextAreaField(_l("Reasons for the recommendation"))


class ClaimForm(FlaskForm):
    """领取 (the CSRF token only)."""


class AssignForm(FlaskForm):
    """指派 / 改派: the officer who will work the case (choices set per case)."""

    officer = SelectField(_l("Officer"), coerce=int, validate_choice=False)


class AttachmentForm(FlaskForm):
    """An article's attachment; its type and size are checked by content in the service."""

    file = FileField(_l("Add a file"), validators=[FileRequired(_l("Choose a file to upload"))])


class QueueSearchForm(FlaskForm):
    """The queue's search (GET: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    number = StringField(_l("Application number"), filters=[_strip], validators=[_at_most(case_queue.NUMBER_MAX)])
    name = StringField(_l("Applicant"), filters=[_strip], validators=[_at_most(case_queue.NAME_MAX)])
    item = StringField(_l("Item"), filters=[_strip], validators=[_at_most(case_queue.ITEM_MAX)])
    status = SelectField(_l("Status"), validate_choice=False, default="")

    def filters(self) -> "case_queue.Filters":
        """What to search for; nothing when the search itself is refused (its messages are beside the fields)."""
        if not self.validate():
            return case_queue.Filters()
        return case_queue.Filters(self.number.data, self.name.data, self.item.data, self.status.data or "")


class RectificationReplyForm(FlaskForm):
    """差评整改: the handling unit's reply to the applicant (checked by the service)."""

    reply = TextAreaField(_l("Reply to the applicant"), filters=[_strip], validators=[_at_most(2000)])
