"""WTForms of the account pages. Formats and rules are checked by the services;
the forms carry the fields, CSRF and what must not be empty."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from app.services.accounts.identity_documents import DOCUMENT_TYPE_LABELS, LEGAL_ENTITY_TYPE_LABELS
from app.views.input_guard import is_database_id

REQUIRED = _l("This field is required")


def show_errors(form, errors: dict) -> None:
    """Put a service's errors beside their fields; the others are about the form as a whole
    (``form.form_errors``) and are also said at the top of the page."""
    for name, message in errors.items():
        if name in form:
            form[name].errors = list(form[name].errors or []) + [message]
        else:
            form.form_errors.append(message)
            flash(message, "danger")


def required():
    return DataRequired(message=REQUIRED)


def without_spaces(value):
    """A code never holds spaces: drop those a paste brings (ASCII and full-width), before any length check."""
    return "".join(value.split()) if isinstance(value, str) else value


class CodeLength(Length):
    """Length checked on the server only: a browser's ``maxlength`` would cut a pasted code that starts with a
    space before the spaces are dropped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_flags = {}


def uscc_field():
    return StringField(
        _l("Unified social credit code"), filters=[without_spaces], validators=[required(), CodeLength(max=18)]
    )


class DatabaseIdField(IntegerField):
    """The id of a row, from a hidden input: ASCII digits the database's INTEGER holds, else an error and no
    value (WTForms' IntegerField takes full-width digits and any size, which PostgreSQL refuses with a 500)."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        if not is_database_id(valuelist[0]):
            self.data = None
            raise ValueError(_l("No such record"))
        self.data = int(valuelist[0])


def document_type_choices():
    return [SelectChoice(key.value, label) for key, label in DOCUMENT_TYPE_LABELS.items()]


def entity_type_choices():
    return [SelectChoice(key.value, label) for key, label in LEGAL_ENTITY_TYPE_LABELS.items()]


VALIDITY_CHOICES = [
    SelectChoice("5", _l("5 years")),
    SelectChoice("10", _l("10 years")),
    SelectChoice("20", _l("20 years")),
    SelectChoice("long", _l("Long-term")),
]
GENDER_CHOICES = [SelectChoice("", _l("Please choose")), SelectChoice("M", _l("Male")), SelectChoice("F", _l("Female"))]


def _person_fields(prefix: str):
    """A person's identity-document fields, named with ``prefix``."""
    return {
        prefix + "document_type": SelectField(
            _l("Document type"), choices=document_type_choices(), validators=[required()]
        ),
        prefix + "name": StringField(_l("Name"), validators=[required(), Length(max=100)]),
        prefix + "document_number": StringField(_l("Document number"), validators=[required(), Length(max=40)]),
        prefix + "passport_country": StringField(
            _l("Issuing country (foreign passports)"), validators=[Optional(), Length(max=64)]
        ),
        prefix + "valid_from": DateField(
            _l("Valid from"), validators=[InputRequired(message=REQUIRED)], format="%Y-%m-%d"
        ),
        prefix + "validity": RadioField(
            _l("Validity"), choices=VALIDITY_CHOICES, validators=[Optional()], validate_choice=False
        ),
        prefix + "valid_to": DateField(_l("Valid until"), validators=[Optional()], format="%Y-%m-%d"),
    }


class _AccountFields(FlaskForm):
    phone = StringField(_l("Mobile phone number"), validators=[required(), Length(max=11)])
    sms_code = StringField(_l("SMS verification code"), validators=[required(), Length(max=6)])
    email = StringField(_l("Email"), validators=[required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[required(), Length(max=128)])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords do not match"))],
    )
    agree = BooleanField(
        _l("I have read and agree to"),
        validators=[DataRequired(message=_l("Please read and agree to the user agreement and privacy policy"))],
    )


PersonalRegisterForm = type(
    "PersonalRegisterForm",
    (_AccountFields,),
    {
        **_person_fields(""),
        "gender": SelectField(_l("Gender"), choices=GENDER_CHOICES, validators=[required()]),
        "birth_date": DateField(_l("Date of birth"), validators=[Optional()], format="%Y-%m-%d"),
    },
)

LegalRegisterForm = type(
    "LegalRegisterForm",
    (_AccountFields,),
    {
        "entity_type": SelectField(_l("Legal-entity type"), choices=entity_type_choices(), validators=[required()]),
        "enterprise_name": StringField(_l("Name of the organisation"), validators=[required(), Length(max=200)]),
        "uscc": uscc_field(),
        **_person_fields("rep_"),
    },
)


class LoginForm(FlaskForm):
    kind = HiddenField(default="personal")
    identifier = StringField(_l("Document number or mobile phone number"), validators=[required(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[required(), Length(max=128)])
    captcha = StringField(_l("Verification code"), validators=[Optional(), Length(max=8)])
    captcha_id = StringField(validators=[Optional(), Length(max=64)])  # the picture's id, set by the captcha macro


class SecurityCheckForm(FlaskForm):
    """安全验证: the account's number, its bound phone and an SMS code."""

    kind = HiddenField(default="personal")
    identifier = StringField(_l("Document number"), validators=[required(), Length(max=40)])
    phone = StringField(_l("Bound mobile phone number"), validators=[required(), Length(max=11)])
    sms_code = StringField(_l("SMS verification code"), validators=[required(), Length(max=6)])


class CancelAccountForm(SecurityCheckForm):
    confirm = BooleanField(
        _l("I understand that after cancellation I can no longer sign in with this account"),
        validators=[DataRequired(message=_l("Please confirm that you want to cancel the account"))],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[required(), Length(max=128)])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords do not match"))],
    )


LegalRepCheckForm = type(
    "LegalRepCheckForm",
    (FlaskForm,),
    {
        "enterprise_name": StringField(_l("Name of the organisation"), validators=[required(), Length(max=200)]),
        "uscc": uscc_field(),
        **_person_fields("rep_"),
        "captcha": StringField(_l("Picture code"), validators=[required(), Length(max=8)]),
        "captcha_id": StringField(validators=[Optional(), Length(max=64)]),
    },
)


class LegalRepApplyForm(NewPasswordForm):
    phone = StringField(
        _l("Mobile phone number of the new legal representative"), validators=[required(), Length(max=11)]
    )
    sms_code = StringField(_l("SMS verification code"), validators=[required(), Length(max=6)])


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that after cancellation I can no longer sign in with this account"),
        validators=[DataRequired(message=_l("Please confirm that you want to cancel the account"))],
    )


class LegalRepCancelForm(ConfirmForm):
    """注销账号 after 法人变更: the code sent to the account's bound phone, and the confirmation."""

    sms_code = StringField(_l("SMS verification code"), validators=[required(), Length(max=6)])


class ChangePhoneForm(FlaskForm):
    phone = StringField(_l("New mobile phone number"), validators=[required(), Length(max=11)])
    sms_code = StringField(_l("SMS verification code"), validators=[required(), Length(max=6)])


class ChangeEmailForm(FlaskForm):
    email = StringField(_l("Email"), validators=[required(), Length(max=254)])


class ReminderPreferenceForm(FlaskForm):
    """账户设置: receive only the reminders the law requires (no 加注 or draft reminders)."""

    statutory_only = BooleanField(
        _l("Send me only statutory reminders (registration validity, age limit, correction time)")
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[required(), Length(max=128)])
    new_password = PasswordField(_l("New password"), validators=[required(), Length(max=128)])
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[required(), EqualTo("new_password", message=_l("The two passwords do not match"))],
    )


class MarkReadForm(FlaskForm):
    """我的消息: mark one message (its id) or, without one, every message read."""

    message_id = DatabaseIdField(validators=[Optional()])


class EndorseForm(FlaskForm):
    """证照加注 (the dialog on 我的证照): the purpose is checked by the service, beside its field."""

    certificate_id = DatabaseIdField(validators=[Optional()])
    purpose = RadioField(_l("Purpose"), choices=[], validators=[Optional()], validate_choice=False)
    purpose_detail = StringField(_l("Other purpose"), validators=[Optional()])


class CertificateFileForm(FlaskForm):
    """证照核验 of a downloaded file (the service says what is wrong with it)."""

    document = FileField(_l("Certificate file"))


class ActionForm(FlaskForm):
    """Which of a page's forms was sent (their hidden ``action``); each of those forms carries its CSRF."""

    class Meta:
        csrf = False

    action = StringField(validators=[Optional(), Length(max=20)])


class PhotoForm(FlaskForm):
    """照片处理工具: a photo to process, or the processed one posted back for download (checked by the service)."""

    photo = FileField()
    photo_data = StringField(validators=[Optional()])


class ArticleSearchForm(FlaskForm):
    """The search of an article column (a GET form: nothing changes, no CSRF); the service cleans the terms."""

    class Meta:
        csrf = False

    q = StringField()
    year = StringField()
    page = StringField()


class SmsRequestForm(FlaskForm):
    """获取短信验证码 (posted by the pages' script; CSRFProtect checks its header token)."""

    class Meta:
        csrf = False

    purpose = StringField()
    phone = StringField()
    captcha_id = StringField()
    captcha = StringField()


class EvaluationForm(FlaskForm):
    """好差评: the overall level, the four dimensions, a comment and tags (checked by the service)."""

    level = RadioField(_l("Overall"), coerce=int, validate_choice=False, validators=[Optional()])
    efficiency = RadioField(_l("Efficiency"), coerce=int, validate_choice=False, validators=[Optional()])
    attitude = RadioField(_l("Service attitude"), coerce=int, validate_choice=False, validators=[Optional()])
    openness = RadioField(_l("Openness of information"), coerce=int, validate_choice=False, validators=[Optional()])
    convenience = RadioField(_l("Convenience"), coerce=int, validate_choice=False, validators=[Optional()])
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    tags = SelectMultipleField(_l("Tags"), validate_choice=False, validators=[Optional()])


class ConfirmReplyForm(FlaskForm):
    """差评整改: the applicant's word on the unit's reply."""

    answer = RadioField(_l("Are you satisfied with the reply?"), validate_choice=False, validators=[Optional()])


class ErrorReportForm(FlaskForm):
    """政府网站找错: the page, what is wrong, how to reach the reporter (optional)."""

    page_url = StringField(_l("Page address"), validators=[required()])
    description = TextAreaField(_l("Description of the error"), validators=[required()])
    contact = StringField(_l("Contact (phone or email, optional)"), validators=[Optional()])
