"""The 中文 / English switch in the header."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session
from flask_babel import refresh

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
