"""The 中文 / English switch and the 长辈版 switch in the header."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session
from flask_babel import refresh

from app.platform import display_mode

language_bp = Blueprint("language", __name__)


def _safe_local_path(target: str | None) -> str:
    """Only paths on this site: never redirect a visitor to another host."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@language_bp.route("/language/<locale>")
def switch(locale):
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = locale
    refresh()
    return redirect(_safe_local_path(request.args.get("next")))


@language_bp.app_context_processor
def display_context():
    return {"elder_mode": display_mode.elder(request.cookies)}


@language_bp.route("/display/<mode>")
def switch_display(mode):
    """长辈版 on or off: remembered in a cookie for a year, with or without signing in."""
    if mode not in display_mode.MODES:
        abort(404)
    response = redirect(_safe_local_path(request.args.get("next")))
    if mode == "elder":
        response.set_cookie(
            display_mode.COOKIE,
            "1",
            max_age=display_mode.COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    else:
        response.delete_cookie(display_mode.COOKIE)
    return response
