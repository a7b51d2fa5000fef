"""办事服务: the catalogue, 办事指南, and each item's online workspace (manual 三, 四)."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ServiceItem
from app.services.accounts.face_verification import ONLINE_SERVICE
from app.services.cases import applications, catalogue
from app.services.cases.applications import Upload
from app.services.cases.workflow import STATUS_LABELS, Status
from app.services.errors import ServiceError
from app.views.portal.face import face_verified_required
from app.views.portal.forms import sms_code_form
from app.views.portal.session import citizen_required, client_ip, current_citizen
from app.views.portal.verification_api import sms_checker

services_bp = Blueprint("services", __name__, url_prefix="/services")


def _item(code: str) -> ServiceItem:
    item = db.session.query(ServiceItem).filter_by(code=code).one_or_none()
    if item is None:
        abort(404)
    return item


@services_bp.route("/")
def index():
    category = request.args.get("category", "personal")
    if category not in catalogue.CATEGORY_LABELS:
        abort(404)
    return render_template(
        "portal/services/index.html",
        category=category,
        groups=catalogue.groups(category),
        category_labels=catalogue.CATEGORY_LABELS,
        active_nav="services",
    )


@services_bp.route("/guide/<code>")
def guide(code):
    return render_template("portal/services/guide.html", item=_item(code), active_nav="services")


def _online_item(code: str) -> ServiceItem:
    item = _item(code)
    if item.online_kind is None:
        flash(_l("Online processing of this item is not open yet; see its guide for how to apply."), "warning")
        abort(redirect(url_for("services.guide", code=code)))
    return item


@services_bp.route("/item/<code>")
@citizen_required
@face_verified_required(ONLINE_SERVICE)
def workspace(code):
    item = _online_item(code)
    account = current_citizen()
    return render_template(
        "portal/services/workspace.html",
        item=item,
        case=applications.latest_case(account, item),
        status_labels=STATUS_LABELS,
        active_nav="services",
    )


def _uploads(item: ServiceItem) -> dict:
    uploads = {}
    for material in item.materials:
        storage_file = request.files.get(f"material_{material.id}")
        if storage_file and storage_file.filename:
            uploads[material.id] = Upload(storage_file.filename, storage_file.read())
    return uploads


@services_bp.route("/item/<code>/apply", methods=["GET", "POST"])
@citizen_required
@face_verified_required(ONLINE_SERVICE)
def apply(code):
    item = _online_item(code)
    account = current_citizen()
    known = applications.prefill(account, item)
    draft = applications.draft_of(account, item)
    data = draft.data if draft else {}
    errors = {}
    if request.method == "POST":
        data = {
            k: v
            for k, v in request.form.items()
            if k in applications.BASIC_FIELDS + applications.FORM_FIELDS[known.action]
        }
        uploads = _uploads(item)
        try:
            if request.form.get("action") == "draft":
                applications.save_draft(account, item, data, uploads)
                db.session.commit()
                flash(_l("Draft saved"), "success")
                return redirect(url_for("services.apply", code=code))
            application = applications.submit_once(
                account,
                item,
                data,
                uploads,
                commitment=request.form.get("commitment") == "yes",
                submit_token=request.form.get("submit_token", "")[:64] or secrets.token_hex(16),
                sms_check=sms_checker("application", request.form.get("sms_code", "")),
                ip=client_ip(),
            )
        except ServiceError as refused:
            db.session.rollback()
            errors = refused.errors
        else:
            return redirect(url_for("services.submitted", code=code, number=application.number))
    problems = applications.eligibility_problems(account, item)
    return render_template(
        "portal/services/apply.html",
        item=item,
        account=account,
        known=known,
        data=data,
        errors=errors,
        problems=problems,
        draft=applications.draft_of(account, item),
        fields=applications.FORM_FIELDS[known.action],
        specialties=applications.specialty_choices(known),
        submit_token=secrets.token_hex(16),
        sms_form=sms_code_form(errors),
        active_nav="services",
    )


@services_bp.route("/item/<code>/submitted/<number>")
@citizen_required
def submitted(code, number):
    account = current_citizen()
    application = _own_case(account, number)
    return render_template(
        "portal/services/submitted.html", item=application.item, application=application, active_nav="services"
    )


def _own_case(account, number):
    from app.models import Application

    application = db.session.query(Application).filter_by(number=number).one_or_none()
    if not applications.visible_to(account, application):
        abort(404)  # never confirm that someone else's case exists
    return application


@services_bp.route("/item/<code>/correction", methods=["GET", "POST"])
@citizen_required
@face_verified_required(ONLINE_SERVICE)
def correction(code):
    item = _online_item(code)
    account = current_citizen()
    case = applications.latest_case(account, item)
    returned = case is not None and case.status == Status.RETURNED
    information_change = not returned and applications.can_change_information(account, item)
    flagged_fields = sorted(applications.flagged_fields(case)) if returned else []
    field_values = {}
    errors = {}
    changes = {}
    if request.method == "POST" and (returned or information_change):
        changes = {k: request.form.get(k, "") for k in ("name", "document_number", "explanation")}
        common = dict(
            changes=changes,
            uploads=_uploads(item),
            commitment=request.form.get("commitment") == "yes",
            sms_check=sms_checker("application", request.form.get("sms_code", "")),
            ip=client_ip(),
        )
        field_values = {name: request.form.get(f"field_{name}", "") for name in flagged_fields}
        try:
            if returned:
                submitted = applications.resubmit(account, case, field_values=field_values, **common)
            else:
                submitted = applications.request_information_change(account, item, **common)
            db.session.commit()
        except ServiceError as refused:
            db.session.rollback()
            errors = refused.errors
        else:
            flash(
                _l("The corrected application has been resubmitted")
                if returned
                else _l("Your information correction has been submitted as case %(number)s", number=submitted.number),
                "success",
            )
            return redirect(url_for("services.progress", code=code))
    return render_template(
        "portal/services/correction.html",
        item=item,
        account=account,
        case=case,
        data=case.data if case else {},
        changes=changes,
        errors=errors,
        request_info=applications.correction_request(case) if case else {},
        flagged=applications.flagged_materials(case) if case else set(),
        attachments=applications.current_attachments(case) if case else {},
        returned=returned,
        information_change=information_change,
        flagged_fields=flagged_fields,
        field_labels=applications.FIELD_LABELS,
        field_values=field_values,
        sms_form=sms_code_form(errors),
        status_labels=STATUS_LABELS,
        active_nav="services",
    )


@services_bp.route("/item/<code>/progress")
@citizen_required
@face_verified_required(ONLINE_SERVICE)
def progress(code):
    item = _online_item(code)
    case = applications.latest_case(current_citizen(), item)
    if case is None:
        flash(_l("You have no case of this item yet"), "info")
        return redirect(url_for("services.workspace", code=code))
    return redirect(url_for("cases.detail", number=case.number))
