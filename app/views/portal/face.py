"""人脸识别 pages (manual 三.1, figures 3-1-2 to 3-1-5; reused by 六 我的证照).

The desktop page (``/face/<purpose>``) shows the two mini-program QR codes
(第一步) and its own QR code (第二步), and polls the token's state. The phone
opens ``/face/m/<token>`` - the token is its only credential - and goes
through 申请使用 → liveness check → 认证成功. Other views protect themselves
with ``face_verified_required(purpose)``.
"""

import base64
import io
from functools import wraps
from urllib.parse import urlsplit

import qrcode
from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from qrcode.image.svg import SvgPathFillImage

from app.masking import mask_name
from app.services.accounts import face_verification as face
from app.views.portal.session import citizen_required, current_citizen, session_id

face_bp = Blueprint("face", __name__, url_prefix="/face")

PURPOSE_LABELS = {
    face.ONLINE_SERVICE: _l("Online processing"),
    face.MY_CERTIFICATES: _l("My certificates"),
}
PURPOSE_NAV = {face.ONLINE_SERVICE: "services", face.MY_CERTIFICATES: "user-center"}
CHANNELS = {
    "alipay": _l("Alipay mini-program"),
    "wechat": _l("WeChat mini-program"),
}
MANUAL_JUMP_SECONDS = 4
POLL_SECONDS = 2
LIVENESS_SECONDS = 2
RETURN_SECONDS = 2


def face_verified_required(purpose: str):
    """For views behind 人脸识别: unverified citizens go to ``/face/<purpose>?next=<this page>``."""
    if purpose not in face.PURPOSES:
        raise ValueError(f"unknown face verification purpose: {purpose!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = current_citizen()
            here = request.full_path.rstrip("?")
            if account is None:
                return redirect(url_for("auth.login", next=here))
            if not face.is_verified(session_id(), purpose):
                return redirect(url_for("face.verify", purpose=purpose, next=here))
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _legal_rep_name(account) -> str:
    """A legal-entity account's face check is its legal representative's (masked), else ""."""
    if account is None or account.kind != "legal" or account.enterprise is None:
        return ""
    return mask_name(account.enterprise.legal_rep_name)


def local_target(target: str | None) -> str:
    """``target`` when it is a path on this site (and not a face page), else 用户中心."""
    default = url_for("user_center.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith(face_bp.url_prefix + "/"):
        return default
    return target


def qr_data_url(text: str) -> str:
    """A QR code of ``text`` as an SVG data URL, made here (nothing from another host)."""
    image = qrcode.make(text, image_factory=SvgPathFillImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _no_store(body: str, status: int = 200):
    """Face pages carry a credential: never cached, never sent on as a referrer."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@face_bp.route("/<purpose>")
@citizen_required
def verify(purpose):
    if purpose not in face.PURPOSES:
        abort(404)
    account = current_citizen()
    target = local_target(request.args.get("next"))
    if face.is_verified(session_id(), purpose):
        return redirect(target)
    session = face.start(account.id, purpose, target, session_id=session_id())
    return desktop_page(
        session,
        purpose_label=PURPOSE_LABELS[purpose],
        status_url=url_for("face.status_json", token=session.token),
        continue_action=url_for("face.continue_to", token=session.token),
        continue_url=url_for("face.continue_to", token=session.token, purpose=purpose, next=target),
        active_nav=PURPOSE_NAV[purpose],
        legal_rep_name=_legal_rep_name(account),
    )


def desktop_page(
    session, *, purpose_label, status_url, continue_action, continue_url, active_nav=None, who=None, legal_rep_name=""
):
    """The desktop page of a started face session: the mini-program codes, the phone's code, the poll;
    ``who`` says whose face is checked when it is not the signed-in holder's (法人变更)."""
    provider = face.provider()
    mini_programs = []
    for channel in CHANNELS:
        url = provider.mini_program_url(channel) or url_for("face.mini_program", channel=channel, _external=True)
        mini_programs.append({"channel": channel, "url": url, "qr": qr_data_url(url)})
    mobile_url = url_for("face.mobile", token=session.token, _external=True)
    return _no_store(
        render_template(
            "portal/face/verify.html",
            purpose=session.purpose,
            purpose_label=purpose_label,
            legal_rep_name=legal_rep_name,
            mini_programs=mini_programs,
            mobile_url=mobile_url,
            mobile_qr=qr_data_url(mobile_url),
            status_url=status_url,
            target=session.target,
            continue_action=continue_action,
            continue_url=continue_url,
            manual_seconds=MANUAL_JUMP_SECONDS,
            poll_seconds=POLL_SECONDS,
            expires_in=session.expires_in,
            active_nav=active_nav,
            who=who,
        )
    )


@face_bp.route("/status/<token>")
def status_json(token):
    account = current_citizen()
    state = face.status(token, account.id) if account is not None else face.FORBIDDEN
    if state == face.FORBIDDEN:
        response = jsonify(state=state)
        response.status_code = 403
    else:
        body = {"state": state}
        if state == face.VERIFIED:
            body["redirect"] = url_for("face.continue_to", token=token)
        response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@face_bp.route("/continue/<token>")
@citizen_required
def continue_to(token):
    account = current_citizen()
    if face.status(token, account.id) == face.FORBIDDEN:
        abort(403)
    target = face.consume_target(token, account.id)
    if target is not None:
        return redirect(local_target(target))
    session = face.session_for(token, account.id)
    if session is not None:
        purpose, target = session.purpose, session.target
        flash(
            _l(
                "Face recognition has not been completed yet. Please scan the QR code with the "
                "mini-program and complete face recognition first."
            ),
            "warning",
        )
    else:
        purpose = request.args.get("purpose")
        target = request.args.get("next")
        if purpose not in face.PURPOSES:
            purpose = face.ONLINE_SERVICE
        flash(_l("The QR code has expired; a new one is shown. Please scan it again."), "warning")
    return redirect(url_for("face.verify", purpose=purpose, next=local_target(target)))


# --- the phone: the mini-program's pages ----------------------------------------------


def _invalid(reason: str = "expired"):
    return _no_store(render_template("portal/face/mobile_invalid.html", reason=reason), 410)


@face_bp.route("/mini-program/<channel>")
def mini_program(channel):
    """Stands for the mini-program's landing page that the 第一步 QR codes open."""
    if channel not in CHANNELS:
        abort(404)
    return _no_store(render_template("portal/face/mini_program.html", channel=channel, channel_label=CHANNELS[channel]))


@face_bp.route("/m/<token>")
def mobile(token):
    try:
        face.scan(token)
    except face.FaceError as error:
        return _invalid(error.reason)
    return _no_store(render_template("portal/face/mobile_apply.html", token=token))


@face_bp.route("/m/<token>/start", methods=["POST"])
def mobile_start(token):
    try:
        face.check_usable(token)
    except face.FaceError as error:
        return _invalid(error.reason)
    return _no_store(
        render_template(
            "portal/face/mobile_liveness.html", token=token, liveness_seconds=LIVENESS_SECONDS, failed=False
        )
    )


@face_bp.route("/m/<token>/complete", methods=["POST"])
def mobile_complete(token):
    try:
        face.complete(token, evidence=request.form.to_dict())
    except face.FaceError as error:
        if error.reason == "failed":
            return _no_store(
                render_template(
                    "portal/face/mobile_liveness.html", token=token, liveness_seconds=LIVENESS_SECONDS, failed=True
                ),
                422,
            )
        return _invalid(error.reason)
    return _no_store(
        render_template(
            "portal/face/mobile_success.html",
            return_seconds=RETURN_SECONDS,
            return_url=url_for("face.mini_program", channel="wechat"),
        )
    )
