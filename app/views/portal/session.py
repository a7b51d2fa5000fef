"""Signing a citizen in and out of the portal, and pages that need it."""

import secrets
from functools import wraps

from flask import redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.models import AccountKind
from app.security import SESSION_VERSION_KEY
from app.sessions import renew

PORTAL_KINDS = (AccountKind.PERSONAL, AccountKind.LEGAL)
SESSION_ID_KEY = "_sid"


def client_ip() -> str:
    return request.remote_addr or ""


def sign_in(account) -> None:
    """A fresh session (no fixation), bound to the account's session version."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(account)
    session[SESSION_VERSION_KEY] = account.session_version or 0
    session.permanent = True


def keep_signed_in(account) -> None:
    """This browser stays signed in after the account's other sessions were ended (a password change)."""
    renew(session)
    session[SESSION_VERSION_KEY] = account.session_version or 0


def sign_out() -> None:
    """Forget this browser's session (the views that end every session call ``login.sign_out`` first)."""
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def session_id() -> str:
    """A random id of this sign-in session (what a passed face check belongs to); sign-in and sign-out clear
    the session, so each sign-in gets a new one."""
    if SESSION_ID_KEY not in session:
        session[SESSION_ID_KEY] = secrets.token_urlsafe(24)
    return session[SESSION_ID_KEY]


def current_citizen():
    if current_user.is_authenticated and getattr(current_user, "kind", None) in PORTAL_KINDS:
        return current_user
    return None


def citizen_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_citizen() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper
