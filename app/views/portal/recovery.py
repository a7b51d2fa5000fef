"""忘记密码 → 安全验证, then reset, 账号注销 or 法人变更 (manual 二.3–二.5)."""

import time

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from app.masking import mask_name, mask_phone
from app.models import AccountKind
from app.services.accounts import face_verification as face
from app.services.accounts import recovery
from app.services.errors import ServiceError
from app.services.registers import query_limits
from app.services.unit_of_work import unit_of_work
from app.views.portal.auth import form_is_complete, person_from_form
from app.views.portal.face import desktop_page
from app.views.portal.forms import (
    ActionForm,
    CancelAccountForm,
    LegalRepApplyForm,
    LegalRepCancelForm,
    LegalRepCheckForm,
    NewPasswordForm,
    SecurityCheckForm,
    SmsRequestForm,
    show_errors,
)
from app.views.portal.session import client_ip, session_id, sign_out
from app.views.portal.verification_api import captcha_passed, sms_checker

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
#
# 实名认证 (picture code; failure limits) → 人脸识别 of the new representative in this browser →
# 更换法人信息 (SMS code to the new phone) or 注销账号 (SMS code to the account's bound phone).
# The session's "legal_rep" memo holds the 实名认证: the account and its session version, the new
# representative and the check's id, which the face check and the one change are bound to.

LEGAL_REP_KEY = "legal_rep"


@recovery_bp.route("/legal-rep", methods=["GET", "POST"])
def legal_rep_check():
    form = LegalRepCheckForm()
    outcome = None
    if form_is_complete(form, "rep_"):
        rep = person_from_form(form, "rep_")
        passed = captcha_passed(form.captcha_id.data, form.captcha.data)
        try:
            with unit_of_work():  # every attempt is kept on the audit trail
                outcome = recovery.verify_new_legal_rep(
                    form.enterprise_name.data, form.uscc.data, rep, captcha_passed=passed, ip=client_ip()
                )
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            if outcome.status == recovery.PASSED:
                session.pop(LEGAL_REP_KEY, None)
                _remember(
                    LEGAL_REP_KEY,
                    **recovery.check_memo(outcome.account),
                    rep=recovery.rep_memo(rep, outcome.parsed),
                    check=outcome.check_id,
                )
                return redirect(url_for("recovery.legal_rep_face"))
    form.captcha.data = ""
    return render_template(
        "portal/account/legal_rep_check.html",
        form=form,
        failed=outcome is not None and outcome.status == recovery.FAILED,
        locked_message=recovery.locked_message(outcome.minutes)
        if outcome is not None and outcome.status == recovery.LOCKED
        else None,
    )


def _verified_rep():
    """(account, new representative, parsed document, memo) of this browser's 实名认证, or Nones."""
    state = _recall(LEGAL_REP_KEY)
    account = recovery.account_of_check(state) if state is not None else None
    if account is None or not state.get("check"):
        session.pop(LEGAL_REP_KEY, None)
        return None, None, None, None
    rep, parsed = recovery.rep_from_memo(state["rep"])
    return account, rep, parsed, state


def _face_passed(account, parsed, state) -> bool:
    """The new representative passed 人脸识别 in this browser, for this 实名认证 (audited once). Once
    seen, the pass is kept with the 实名认证, which lasts ``VERIFIED_FOR_SECONDS`` in all."""
    if state.get("face_recorded"):
        return True
    passed = face.passed_for(session_id(), face.LEGAL_REP_CHANGE)
    if not recovery.face_check_matches(passed, account, parsed, state["check"]):
        return False
    with unit_of_work():
        recovery.record_face_passed(account, parsed, ip=client_ip())
    session[LEGAL_REP_KEY] = {**state, "face_recorded": True}
    return True


def _start_again():
    flash(_l("Please complete the real-name verification first"), "warning")
    return redirect(url_for("recovery.legal_rep_check"))


@recovery_bp.route("/legal-rep/face")
def legal_rep_face():
    """人脸识别 of the new representative (the same QR codes and phone pages as 在线办理)."""
    account, rep, parsed, state = _verified_rep()
    if account is None:
        return _start_again()
    if _face_passed(account, parsed, state):
        return redirect(url_for("recovery.legal_rep_next"))
    started = face.start(
        account.id,
        face.LEGAL_REP_CHANGE,
        url_for("recovery.legal_rep_next"),
        session_id=session_id(),
        subject=recovery.face_subject(rep, parsed, state["check"]),
    )
    continue_url = url_for("recovery.legal_rep_face_continue", token=started.token)
    return desktop_page(
        started,
        purpose_label=_l("Change of legal representative"),
        status_url=url_for("recovery.legal_rep_face_status", token=started.token),
        continue_action=continue_url,
        continue_url=continue_url,
        who=mask_name(rep.name),
    )


@recovery_bp.route("/legal-rep/face/status/<token>")
def legal_rep_face_status(token):
    state = face.status_for_session(token, session_id(), face.LEGAL_REP_CHANGE)
    body = {"state": state}
    if state == face.VERIFIED:
        body["redirect"] = url_for("recovery.legal_rep_face_continue", token=token)
    response = jsonify(body)
    response.status_code = 403 if state == face.FORBIDDEN else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@recovery_bp.route("/legal-rep/face/continue/<token>")
def legal_rep_face_continue(token):
    state = face.status_for_session(token, session_id(), face.LEGAL_REP_CHANGE)
    if state == face.VERIFIED:
        return redirect(url_for("recovery.legal_rep_next"))
    if state in (face.PENDING, face.SCANNED):
        flash(
            _l(
                "Face recognition has not been completed yet. Please scan the QR code with the "
                "mini-program and complete face recognition first."
            ),
            "warning",
        )
    else:
        flash(_l("The QR code has expired; a new one is shown. Please scan it again."), "warning")
    return redirect(url_for("recovery.legal_rep_face"))


@recovery_bp.route("/legal-rep/sms", methods=["POST"])
def legal_rep_sms():
    """获取短信验证码 of the flow: only after 实名认证 and 人脸识别; the cancellation's code goes to the
    account's bound phone, never to a typed one."""
    account, _rep, parsed, state = _verified_rep()
    if account is None or not _face_passed(account, parsed, state):
        message = _l("Please complete the real-name verification and face recognition first")
        return jsonify(ok=False, field="sms_code", message=str(message)), 403
    form = SmsRequestForm()
    target = form.purpose.data or ""
    if target not in recovery.SMS_PURPOSES:
        return jsonify(ok=False, field="sms_code", message=str(_l("This request is not allowed"))), 400
    if not captcha_passed(form.captcha_id.data, form.captcha.data):
        return jsonify(
            ok=False,
            field="captcha",
            message=str(_l("The characters in the picture are wrong; a new picture is shown")),
        ), 400
    try:
        with unit_of_work():
            result = recovery.send_flow_code(
                account, target, form.phone.data or "", client=query_limits.client_key(client_ip()), ip=client_ip()
            )
    except ServiceError as refused:
        field, message = next(iter(refused.errors.items()))
        return jsonify(ok=False, field=field, message=str(message)), 400
    status = 200 if result.sent else 503 if result.error == "unavailable" else 429
    return jsonify(
        ok=result.sent,
        field="sms_code",
        retry_after=result.retry_after,
        message=str(result.message or _l("The verification code has been sent")),
    ), status


@recovery_bp.route("/legal-rep/next", methods=["GET", "POST"])
def legal_rep_next():
    account, rep, parsed, state = _verified_rep()
    if account is None:
        return _start_again()
    if not _face_passed(account, parsed, state):
        flash(_l("Please complete face recognition of the new legal representative first"), "warning")
        return redirect(url_for("recovery.legal_rep_face"))
    apply_form = LegalRepApplyForm(prefix="apply")
    cancel_form = LegalRepCancelForm(prefix="cancel")
    action = ActionForm().action.data if request.method == "POST" else request.args.get("action")
    try:
        if action == "cancel" and cancel_form.validate_on_submit():
            with unit_of_work():
                recovery.cancel_by_new_rep(
                    account,
                    sms_check=sms_checker("legal_rep_cancel", cancel_form.sms_code.data),
                    check_id=state["check"],
                    ip=client_ip(),
                )
            session.pop(LEGAL_REP_KEY, None)
            sign_out()
            flash(_l("The account has been cancelled. Its cases and certificates are kept on record."), "success")
            return redirect(url_for("home.index"))
        if action == "apply" and apply_form.validate_on_submit():
            with unit_of_work():
                recovery.change_legal_rep(
                    account,
                    rep,
                    parsed,
                    new_phone=apply_form.phone.data.strip(),
                    new_password=apply_form.password.data,
                    sms_check=sms_checker("legal_rep_change", apply_form.sms_code.data),
                    check_id=state["check"],
                    ip=client_ip(),
                )
            session.pop(LEGAL_REP_KEY, None)
            sign_out()
            flash(_l("The legal representative has been changed. Please sign in with the new password."), "success")
            return redirect(url_for("auth.login", tab="legal"))
    except ServiceError as refused:
        if refused.code == "used":
            session.pop(LEGAL_REP_KEY, None)
            flash(refused.message, "warning")
            return redirect(url_for("recovery.legal_rep_check"))
        show_errors(apply_form if action == "apply" else cancel_form, refused.errors)
    apply_form.password.data = apply_form.password_confirm.data = ""
    return render_template(
        "portal/account/legal_rep_next.html",
        account=account,
        rep=rep,
        bound_phone=mask_phone(account.phone) if account.phone else "",
        apply_form=apply_form,
        cancel_form=cancel_form,
        chosen=action,
    )
