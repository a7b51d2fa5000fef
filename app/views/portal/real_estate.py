"""房地产开发企业一级资质核定系统 (manual 图4-2-1 … 图4-2-3): the sub-system 在线办理 jumps to.

Its own header and step bar; each step saves the company's draft and the system opens at the step
the company was on. The rules and the draft are the service's (``cases.real_estate``).
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from app.services.accounts.face_verification import ONLINE_SERVICE
from app.services.cases import catalogue, real_estate
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.application_forms import EstateDeclareForm, EstateStepForm
from app.views.portal.face import face_verified_required
from app.views.portal.services import company_items_for_companies
from app.views.portal.session import citizen_required, client_ip, current_citizen
from app.views.portal.verification_api import sms_checker

estate_bp = Blueprint("estate", __name__, url_prefix="/services/estate")

ROWS = {real_estate.PROJECTS: real_estate.PROJECT_FIELDS, real_estate.STAFF: real_estate.STAFF_FIELDS}


def _item(code: str):
    item = catalogue.item_by_code(code)
    if not real_estate.is_real_estate_item(item):
        abort(404)
    return item


def _step_url(code: str, step: str) -> str:
    if step == real_estate.DECLARE:
        return url_for("estate.declare", code=code)
    return url_for("estate.step", code=code, step=step)


def _render(item, page, step, **context):
    return render_template(
        f"portal/estate/{step}.html",
        item=item,
        page=page,
        step=step,
        steps=real_estate.STEPS,
        step_labels=real_estate.STEP_LABELS,
        rules=real_estate,
        **context,
    )


@estate_bp.route("/<code>/")
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def index(code):
    """The system opens at the step the company was on."""
    item = _item(code)
    page = real_estate.system_page(current_citizen(), item)
    if page.in_progress is not None:
        return _render(item, page, "in_progress", errors={})
    return redirect(_step_url(code, page.step))


@estate_bp.route("/<code>/step/<any(basic, projects, staff):step>", methods=["GET", "POST"])
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def step(code, step):
    item = _item(code)
    account = current_citizen()
    page = real_estate.system_page(account, item)
    if page.in_progress is not None or not page.reached(step):
        return redirect(url_for("estate.index", code=code))
    form = EstateStepForm()
    errors: dict = {}
    posted = None
    if form.validate_on_submit():
        action = form.action.data or "save"
        posted = form.rows(step, ROWS[step]) if step in ROWS else None
        try:
            with unit_of_work():
                shown, errors = real_estate.save_step(
                    account,
                    item,
                    step,
                    fields=form.basic_values(),
                    rows=posted,
                    advance=action == "next",
                    back=action == "back",
                    ip=client_ip(),
                )
        except ServiceError as refused:
            errors = refused.errors
        else:
            if not errors:
                if action == "save":
                    flash(_l("Draft saved: you can leave and continue from this step later"), "success")
                return redirect(_step_url(code, shown))
            flash(_l("Draft saved"), "success")
            posted = None  # what was saved is shown, with the rule not yet met
            page = real_estate.system_page(account, item)
    elif form.errors:
        errors = {"__all__": _l("The form has expired; please try again")}
    return _render(item, page, step, form=form, errors=errors, posted=posted)


@estate_bp.route("/<code>/step/declare", methods=["GET", "POST"])
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def declare(code):
    item = _item(code)
    account = current_citizen()
    page = real_estate.system_page(account, item)
    if page.in_progress is not None or not page.reached(real_estate.DECLARE):
        return redirect(url_for("estate.index", code=code))
    form = EstateDeclareForm.build(item)
    returned = page.returned  # before the resubmission moves the case on
    if form.validate_on_submit():
        try:
            with unit_of_work():
                application = real_estate.submit(
                    account,
                    item,
                    uploads=form.uploads(),
                    commitment=form.committed(),
                    submit_token=form.token(),
                    sms_check=sms_checker("application", form.sms_code.data or ""),
                    ip=client_ip(),
                )
        except ServiceError as refused:
            form.show(refused.errors)
        else:
            if returned:
                flash(_l("The corrected application has been resubmitted"), "success")
                return redirect(url_for("cases.detail", number=application.number))
            return redirect(url_for("services.submitted", code=code, number=application.number))
    errors = form.error_map()
    return _render(item, page, real_estate.DECLARE, form=form, errors=errors, rule_errors=page.rule_errors(account))
