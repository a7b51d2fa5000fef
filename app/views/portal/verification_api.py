"""The picture code and the 获取短信验证码 button, used by every account form.

A picture code travels as (challenge id, answer) in the form itself, never in
the session: a cookie-held id would be lost whenever two responses race to
set the cookie.
"""

import base64

from flask import Blueprint, Response, abort, jsonify
from flask_babel import lazy_gettext as _l

from app.services.accounts.identity_documents import DocumentError, validate_mobile
from app.services.platform import captcha, sms
from app.services.registers import query_limits
from app.views.portal.forms import SmsRequestForm
from app.views.portal.session import client_ip, current_citizen

verification_bp = Blueprint("verification", __name__, url_prefix="/verify")

# Purposes a visitor may ask a code for; change_phone and application need a signed-in
# citizen, and an application's code always goes to the account's bound phone.
# 法人变更 sends its codes itself, after 实名认证 and 人脸识别 (recovery.legal_rep_sms).
SMS_PURPOSES = {"register", "reset_password", "cancel_account", "change_phone", "application"}
SIGNED_IN_PURPOSES = {"change_phone", "application"}


@verification_bp.app_template_global()
def picture_code() -> dict:
    """A new challenge for a page: its id and the picture as a data URL."""
    challenge_id, png = captcha.new_challenge()
    return {"id": challenge_id, "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii")}


@verification_bp.route("/captcha")
def new_picture_code():
    response = jsonify(picture_code())
    response.headers["Cache-Control"] = "no-store"
    return response


@verification_bp.route("/captcha/<challenge_id>.wav")
def picture_code_audio(challenge_id):
    """The picture code read aloud (长辈版 / 适老化: a code one need not see)."""
    wav = captcha.audio(challenge_id)
    if wav is None:
        abort(404)
    response = Response(wav, mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


def captcha_passed(challenge_id: str | None, answer: str | None) -> bool:
    """Check an answer (single use: the challenge is gone afterwards)."""
    if not challenge_id or not answer:
        return False
    return captcha.check(challenge_id, answer)


@verification_bp.route("/sms", methods=["POST"])
def send_sms_code():
    form = SmsRequestForm()
    purpose = form.purpose.data or ""
    if purpose not in SMS_PURPOSES:
        return jsonify(ok=False, field="phone", message=str(_l("This request is not allowed"))), 400
    citizen = current_citizen()
    if purpose in SIGNED_IN_PURPOSES and citizen is None:
        return jsonify(ok=False, field="phone", message=str(_l("Please sign in first"))), 401
    try:
        phone = validate_mobile(citizen.phone if purpose == "application" else form.phone.data or "")
    except DocumentError as error:
        return jsonify(ok=False, field="phone", message=str(error.message)), 400
    if not (form.captcha.data or "").strip():
        # Nothing typed yet: ask for the characters and keep the picture (it was not used).
        return jsonify(
            ok=False, field="captcha", keep_picture=True, message=str(_l("Enter the characters in the picture"))
        ), 400
    if not captcha_passed(form.captcha_id.data, form.captcha.data):
        return jsonify(
            ok=False,
            field="captcha",
            message=str(_l("The characters in the picture are wrong; a new picture is shown")),
        ), 400
    result = sms.send_code(phone, purpose, client=query_limits.client_key(client_ip()))
    status = 200 if result.sent else 503 if result.error == "unavailable" else 429
    return jsonify(
        ok=result.sent,
        field="sms_code",
        retry_after=result.retry_after,
        message=str(result.message or _l("The verification code has been sent")),
    ), status


def sms_checker(purpose: str, code: str):
    """A callable for the services: {} when the code is right, else the field error."""

    def check(phone: str) -> dict:
        result = sms.verify_code(phone, purpose, code)
        return {} if result.ok else {"sms_code": result.message}

    return check
