"""注册 and 登录 (manual 二.1, 二.2)."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.models import AccountKind
from app.services.accounts import login as login_service
from app.services.accounts.registration import (
    LegalRegistration,
    PersonalRegistration,
    PersonDetails,
    check_person,
    register_legal,
    register_personal,
    validity_end,
)
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.context import kept_with_slots
from app.views.portal.forms import LegalRegisterForm, LoginForm, PersonalRegisterForm, show_errors
from app.views.portal.session import client_ip, current_citizen, sign_in, sign_out
from app.views.portal.verification_api import captcha_passed, sms_checker

auth_bp = Blueprint("auth", __name__, url_prefix="/account")


def safe_next(target: str | None, default: str) -> str:
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    return target


def person_from_form(form, prefix: str = "") -> PersonDetails:
    field = lambda name: form[prefix + name].data  # noqa: E731
    return PersonDetails(
        document_type=field("document_type"),
        document_number=field("document_number") or "",
        name=field("name") or "",
        valid_from=field("valid_from"),
        valid_to=validity_end(field("valid_from"), field("validity"), field("valid_to")),
        gender=form["gender"].data if "gender" in form else None,
        birth_date=form["birth_date"].data if "birth_date" in form else None,
        passport_country=(field("passport_country") or "").strip() or None,
    )


def form_is_complete(form, *person_prefixes: str) -> bool:
    """validate_on_submit, plus the document checks shown even when other fields are missing.

    A citizen sees every problem of the page at once, not one round at a time.
    """
    if not form.is_submitted():
        return False
    valid = form.validate()
    for prefix in person_prefixes:
        if _validity_end_missing(form, prefix):
            valid = False
        if not valid:
            errors, _ = check_person(person_from_form(form, prefix), prefix=prefix)
            for name, message in errors.items():
                if name in form and not form[name].errors:
                    form[name].errors = list(form[name].errors or []) + [message]
    return valid


def _validity_end_missing(form, prefix: str = "") -> bool:
    if form[prefix + "validity"].data or form[prefix + "valid_to"].data:
        return False
    if not form[prefix + "valid_to"].errors:
        form[prefix + "valid_to"].errors = [_l("Please enter the end of validity or choose a period")]
    return True


# --- login ------------------------------------------------------------------------


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    if current_citizen() is not None:
        return redirect(url_for("user_center.index"))
    if request.method == "GET":
        return _login_page(AccountKind.LEGAL if request.args.get("tab") == "legal" else AccountKind.PERSONAL)
    form = LoginForm()
    kind = AccountKind.LEGAL if form.kind.data == AccountKind.LEGAL else AccountKind.PERSONAL
    show_captcha = login_service.captcha_required(kind, form.identifier.data or "")
    if form.validate_on_submit():
        with unit_of_work():  # a failed attempt is counted too
            outcome = login_service.authenticate(
                kind,
                form.identifier.data,
                form.password.data,
                captcha_passed=captcha_passed(form.captcha_id.data, form.captcha.data) if show_captcha else None,
                ip=client_ip(),
            )
        if outcome.account is not None:
            sign_in(outcome.account)
            return redirect(safe_next(request.args.get("next"), url_for("user_center.index")))
        form[outcome.field].errors = [outcome.error]
        show_captcha = outcome.captcha_required
    form.password.data = ""
    form.captcha.data = ""
    return render_template(
        "portal/account/login.html",
        form=form,
        kind=kind,
        show_captcha=show_captcha,
        csrf_input=form.csrf_token() if form.meta.csrf else None,
        **_tab_links(),
    )


def _tab_links() -> dict:
    """The two tabs keep the page's ``next`` (where the visitor goes once signed in)."""
    back = request.args.get("next")
    return {
        "personal_tab_url": url_for("auth.login", next=back),
        "legal_tab_url": url_for("auth.login", tab="legal", next=back),
    }


def _login_page(kind: str):
    """The empty login form of a GET: the same for every visitor in a language but for the form token and the
    tabs' links, so it is rendered once per process, language and account kind (kept_with_slots) and only those
    are filled in. A POST answered with the form again (errors, a picture code) is rendered in full."""
    slots = _tab_links()
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        slots["csrf_input"] = Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(
            field, generate_csrf()
        )

    def pristine_form() -> dict:  # no token of its own: each visitor's comes through its slot
        form = LoginForm(meta={"csrf": False}, kind=kind)
        return {"form": form, "show_captcha": False}

    section = kept_with_slots("portal/account/_login.html", slots, context=pristine_form, kind=kind)
    return render_template("portal/account/login.html", login_section=section, kind=kind)


@auth_bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with unit_of_work():
            login_service.sign_out(current_user._get_current_object())
    sign_out()
    flash(_l("You have signed out"), "success")
    return redirect(url_for("home.index"))


# --- registration ---------------------------------------------------------------------


@auth_bp.route("/register")
def register_choice():
    return render_template("portal/account/register_choice.html")


@auth_bp.route("/register/personal", methods=["GET", "POST"])
def register_personal_page():
    form = PersonalRegisterForm()
    if form_is_complete(form, ""):
        registration = PersonalRegistration(
            person=person_from_form(form),
            phone=form.phone.data.strip(),
            email=form.email.data,
            password=form.password.data,
        )
        done = _register(form, register_personal, registration)
        if done is not None:
            return done
    _clear_passwords(form)
    return render_template("portal/account/register_personal.html", form=form)


@auth_bp.route("/register/legal", methods=["GET", "POST"])
def register_legal_page():
    form = LegalRegisterForm()
    if form_is_complete(form, "rep_"):
        registration = LegalRegistration(
            entity_type=form.entity_type.data,
            enterprise_name=form.enterprise_name.data,
            uscc=form.uscc.data,
            legal_rep=person_from_form(form, "rep_"),
            phone=form.phone.data.strip(),
            email=form.email.data,
            password=form.password.data,
        )
        done = _register(form, register_legal, registration)
        if done is not None:
            return done
    _clear_passwords(form)
    return render_template("portal/account/register_legal.html", form=form)


def _register(form, register, registration):
    """Run the registration service; sign in and redirect, or put its errors on the form."""
    try:
        with unit_of_work():
            account = register(registration, sms_check=sms_checker("register", form.sms_code.data), ip=client_ip())
    except ServiceError as refused:
        show_errors(form, refused.errors)
        return None
    sign_in(account)
    flash(_l("Registration complete. Welcome!"), "success")
    return redirect(url_for("user_center.index"))


def _clear_passwords(form) -> None:
    for name in ("password", "password_confirm"):
        if name in form:
            form[name].data = ""


@auth_bp.route("/agreement/<name>")
def agreement(name):
    if name not in ("user", "privacy"):
        abort(404)
    return render_template(f"portal/account/{name}_agreement.html")
