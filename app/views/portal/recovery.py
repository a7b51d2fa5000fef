"""忘记密码 → 安全验证, then reset, 账号注销 or 法人变更 (manual 二.3–二.5)."""

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from app.models import AccountKind
from app.services.accounts import recovery
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.auth import form_is_complete, person_from_form
from app.views.portal.forms import (
    ActionForm,
    CancelAccountForm,
    ConfirmForm,
    LegalRepApplyForm,
    LegalRepCheckForm,
    NewPasswordForm,
    SecurityCheckForm,
    show_errors,
)
from app.views.portal.session import client_ip, sign_out
from app.views.portal.verification_api import sms_checker

recovery_bp = Blueprint("recovery", __name__, url_prefix="/account")

# A passed security check (or 实名认证) is good for this long, in this browser only.
VERIFIED_FOR_SECONDS = 10 * 60


def _remember(key: str, **data) -> None:
    session[key] = {**data, "at": time.time()}


def _recall(key: str) -> dict | None:
    data = session.get(key)
    if not data or time.time() - data.get("at", 0) > VERIFIED_FOR_SECONDS:
        session.pop(key, None)
        return None
    return data


def _kind(form) -> str:
    return AccountKind.LEGAL if form.kind.data == AccountKind.LEGAL else AccountKind.PERSONAL


def _owner_with_sms(form, purpose: str):
    """find_owner + the SMS code of the bound phone; raises ServiceError."""
    account = recovery.find_owner(_kind(form), form.identifier.data, form.phone.data)
    errors = sms_checker(purpose, form.sms_code.data)(account.phone)
    if errors:
        raise ServiceError(errors)
    return account


@recovery_bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = SecurityCheckForm()
    if request.method == "GET":
        form.kind.data = AccountKind.LEGAL if request.args.get("tab") == "legal" else AccountKind.PERSONAL
    if form.validate_on_submit():
        try:
            account = _owner_with_sms(form, "reset_password")
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            _remember("reset", **recovery.check_memo(account))
            return redirect(url_for("recovery.reset"))
    return render_template("portal/account/forgot.html", form=form, kind=_kind(form))


@recovery_bp.route("/forgot/reset", methods=["GET", "POST"])
def reset():
    state = _recall("reset")
    account = recovery.account_of_check(state) if state is not None else None
    if account is None:
        session.pop("reset", None)
        flash(_l("Please complete the security check first"), "warning")
        return redirect(url_for("recovery.forgot"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                recovery.reset_password(account, form.password.data, ip=client_ip())
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            session.pop("reset", None)
            sign_out()
            flash(_l("Your password has been reset. Please sign in with the new password."), "success")
            return redirect(url_for("auth.login", tab="legal" if account.kind == AccountKind.LEGAL else None))
    return render_template("portal/account/reset.html", form=form)


@recovery_bp.route("/cancel", methods=["GET", "POST"])
def cancel():
    form = CancelAccountForm()
    if request.method == "GET":
        form.kind.data = AccountKind.LEGAL if request.args.get("tab") == "legal" else AccountKind.PERSONAL
    if form.validate_on_submit():
        try:
            with unit_of_work():
                recovery.cancel_account(
                    _owner_with_sms(form, "cancel_account"), ip=client_ip(), reason="holder_request"
                )
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            sign_out()
            flash(_l("The account has been cancelled. Its cases and certificates are kept on record."), "success")
            return redirect(url_for("home.index"))
    return render_template("portal/account/cancel.html", form=form, kind=_kind(form))


# --- 法人变更 ----------------------------------------------------------------------


@recovery_bp.route("/legal-rep", methods=["GET", "POST"])
def legal_rep_check():
    form = LegalRepCheckForm()
    failed = False
    if form_is_complete(form, "rep_"):
        rep = person_from_form(form, "rep_")
        try:
            with unit_of_work():  # a failed check is kept on the audit trail
                confirmed = recovery.verify_new_legal_rep(
                    form.enterprise_name.data, form.uscc.data, rep, ip=client_ip()
                )
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            if confirmed is None:
                failed = True
            else:
                account, parsed = confirmed
                _remember("legal_rep", **recovery.check_memo(account), rep=recovery.rep_memo(rep, parsed))
                return redirect(url_for("recovery.legal_rep_next"))
    return render_template("portal/account/legal_rep_check.html", form=form, failed=failed)


def _verified_rep():
    state = _recall("legal_rep")
    account = recovery.account_of_check(state) if state is not None else None
    if account is None:
        session.pop("legal_rep", None)
        return None, None, None
    rep, parsed = recovery.rep_from_memo(state["rep"])
    return account, rep, parsed


@recovery_bp.route("/legal-rep/next", methods=["GET", "POST"])
def legal_rep_next():
    account, rep, parsed = _verified_rep()
    if account is None:
        flash(_l("Please complete the real-name verification first"), "warning")
        return redirect(url_for("recovery.legal_rep_check"))
    apply_form = LegalRepApplyForm(prefix="apply")
    cancel_form = ConfirmForm(prefix="cancel")
    action = ActionForm().action.data if request.method == "POST" else request.args.get("action")
    if action == "cancel" and cancel_form.validate_on_submit():
        with unit_of_work():
            recovery.cancel_account(account, ip=client_ip(), reason="legal_rep_change")
        session.pop("legal_rep", None)
        sign_out()
        flash(_l("The account has been cancelled. Its cases and certificates are kept on record."), "success")
        return redirect(url_for("home.index"))
    if action == "apply" and apply_form.validate_on_submit():
        try:
            with unit_of_work():
                recovery.change_legal_rep(
                    account,
                    rep,
                    parsed,
                    new_phone=apply_form.phone.data.strip(),
                    new_password=apply_form.password.data,
                    sms_check=sms_checker("legal_rep_change", apply_form.sms_code.data),
                    ip=client_ip(),
                )
        except ServiceError as refused:
            show_errors(apply_form, refused.errors)
        else:
            session.pop("legal_rep", None)
            sign_out()
            flash(_l("The legal representative has been changed. Please sign in with the new password."), "success")
            return redirect(url_for("auth.login", tab="legal"))
    apply_form.password.data = apply_form.password_confirm.data = ""
    return render_template(
        "portal/account/legal_rep_next.html",
        account=account,
        rep=rep,
        apply_form=apply_form,
        cancel_form=cancel_form,
        chosen=action,
    )
