"""用户中心 and 账户设置 (manual FAQ 7: change the bound phone)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.services.accounts import settings as account_settings
from app.services.cases import my_cases
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.forms import (
    ActionForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ChangePhoneForm,
    ReminderPreferenceForm,
    show_errors,
)
from app.views.portal.session import citizen_required, client_ip, current_citizen, keep_signed_in
from app.views.portal.verification_api import sms_checker

user_center_bp = Blueprint("user_center", __name__, url_prefix="/user")


@user_center_bp.route("/")
@citizen_required
def index():
    account = current_citizen()
    return render_template(
        "portal/user/index.html", account=account, unread=my_cases.unread_count(account), active_nav="user-center"
    )


@user_center_bp.route("/settings", methods=["GET", "POST"])
@citizen_required
def settings():
    account = current_citizen()
    phone_form = ChangePhoneForm(prefix="phone")
    email_form = ChangeEmailForm(prefix="email")
    password_form = ChangePasswordForm(prefix="password")
    reminder_form = ReminderPreferenceForm(prefix="reminders")
    if request.method == "GET":
        reminder_form.statutory_only.data = account.statutory_reminders_only
    action = ActionForm().action.data if request.method == "POST" else request.args.get("edit")
    form, change = {
        "phone": (
            phone_form,
            lambda: account_settings.change_phone(
                account,
                phone_form.phone.data.strip(),
                sms_check=sms_checker("change_phone", phone_form.sms_code.data),
                ip=client_ip(),
            ),
        ),
        "email": (email_form, lambda: account_settings.change_email(account, email_form.email.data, ip=client_ip())),
        "reminders": (
            reminder_form,
            lambda: account_settings.set_reminder_preference(
                account, bool(reminder_form.statutory_only.data), ip=client_ip()
            ),
        ),
        "password": (
            password_form,
            lambda: account_settings.change_password(
                account, password_form.current_password.data, password_form.new_password.data, ip=client_ip()
            ),
        ),
    }.get(action, (None, None))
    if form is not None and form.validate_on_submit():
        try:
            with unit_of_work():
                change()
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            keep_signed_in(account)  # a new password ended the account's other sessions, not this one
            flash(_l("Saved"), "success")
            return redirect(url_for("user_center.settings"))
    for field in (password_form.current_password, password_form.new_password, password_form.password_confirm):
        field.data = ""
    return render_template(
        "portal/user/settings.html",
        account=account,
        phone_form=phone_form,
        email_form=email_form,
        password_form=password_form,
        reminder_form=reminder_form,
        editing=action,
        active_nav="user-center",
    )
