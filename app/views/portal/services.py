"""办事服务: the catalogue, 办事指南, and each item's online workspace (manual 三, 四)."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app import clock
from app.models import ServiceItem
from app.services.accounts.face_verification import ONLINE_SERVICE
from app.services.cases import (
    application_form,
    applications,
    catalogue,
    eligibility,
    enterprise_items,
    evaluations,
    my_cases,
    real_estate,
)
from app.services.cases.enterprise_fields import CHANGE_LABELS, ENTERPRISE_FIELD_LABELS
from app.services.cases.workflow import STATUS_LABELS
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.application_forms import ApplicationForm, CorrectionForm, EnterpriseApplicationForm
from app.views.portal.face import face_verified_required
from app.views.portal.session import citizen_required, client_ip, current_citizen
from app.views.portal.verification_api import sms_checker

services_bp = Blueprint("services", __name__, url_prefix="/services")


def _item(code: str) -> ServiceItem:
    item = catalogue.item_by_code(code)
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
        catalogue_seen=catalogue.view_key(),
        category_labels=catalogue.CATEGORY_LABELS,
        active_nav="services",
    )


@services_bp.app_context_processor
def catalogue_context():
    """For the kept list of the catalogue (rendered only when it is not kept yet)."""
    return {
        "catalogue_groups": catalogue.groups,
        "catalogue_labels": catalogue.CATEGORY_LABELS,
        "guide_item": catalogue.item_by_code,
        "item_satisfaction": evaluations.item_satisfaction,
    }


@services_bp.route("/guide/<code>")
def guide(code):
    # The body is kept rendered (templates/portal/services/guide.html); only its title is needed here.
    heading = catalogue.heading(code)
    if heading is None:
        abort(404)
    return render_template(
        "portal/services/guide.html",
        code=code,
        name=heading[0],
        guide_seen=f"{catalogue.view_key()}:{evaluations.GENERATION.current()}",
        active_nav="services",
    )


def _online_item(code: str) -> ServiceItem:
    item = _item(code)
    if item.online_kind is None:
        flash(_l("Online processing of this item is not open yet; see its guide for how to apply."), "warning")
        abort(redirect(url_for("services.guide", code=code)))
    return item


def company_items_for_companies(view):
    """An enterprise item (manual 四) is filed by a legal-entity account: a person is told so before any face check."""

    @wraps(view)
    def wrapper(code, *args, **kwargs):
        item = catalogue.item_by_code(code)
        account = current_citizen()
        if item is not None and item.category == "enterprise" and account is not None and account.kind != "legal":
            flash(
                _l(
                    "Enterprise items are applied for by the company: sign in with its legal-entity account "
                    "(the legal representative's face is checked before online processing)."
                ),
                "warning",
            )
            return redirect(url_for("services.guide", code=code))
        return view(code, *args, **kwargs)

    return wrapper


@services_bp.route("/item/<code>")
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def workspace(code):
    item = _online_item(code)
    account = current_citizen()
    if real_estate.is_real_estate_item(item):  # 图4-2-2: 在线办理 jumps to the 一级资质核定系统
        return redirect(url_for("estate.index", code=code))
    return render_template(
        "portal/services/workspace.html",
        item=item,
        case=eligibility.latest_case(account, item),
        status_labels=STATUS_LABELS,
        active_nav="services",
    )


@services_bp.route("/item/<code>/apply", methods=["GET", "POST"])
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def apply(code):
    item = _online_item(code)
    account = current_citizen()
    if real_estate.is_real_estate_item(item):
        return redirect(url_for("estate.index", code=code))
    if enterprise_items.is_enterprise_item(item):
        return _enterprise_apply(item, account)
    page = application_form.apply_page(account, item)
    form = ApplicationForm.build(item, page)
    filed = _file(form, account, item)
    if filed is not None:
        return filed
    return render_template(
        "portal/services/apply.html",
        item=item,
        account=account,
        known=page.known,
        form=form,
        data=form.values(),
        errors=form.error_map(),
        problems=page.problems,
        draft=page.draft,
        fields=page.field_names,
        specialties=page.specialties,
        active_nav="services",
    )


def _enterprise_apply(item, account):
    """在线办理 of 建筑业企业资质认定（变更-遗失补办） (manual 图4-1-2)."""
    page = application_form.enterprise_apply_page(account, item)
    form = EnterpriseApplicationForm.build(item, page)
    filed = _file(form, account, item)
    if filed is not None:
        return filed
    return render_template(
        "portal/services/enterprise_apply.html",
        item=item,
        account=account,
        known=page.known,
        form=form,
        data=form.values(),
        errors=form.error_map(),
        problems=page.problems,
        draft=page.draft,
        materials=page.materials_for(item),
        change_labels=CHANGE_LABELS,
        today=clock.today(),
        active_nav="services",
    )


def _file(form, account, item):
    """Save the draft or submit the case of a valid posted form: the redirect that follows, or None (the
    page is shown again, with the service's refusals beside their fields)."""
    if not form.validate_on_submit():
        return None
    uploads = form.uploads()
    try:
        with unit_of_work():
            if form.saving_draft():
                applications.save_draft(account, item, form.values(), uploads)
            else:
                application = applications.submit_once(
                    account,
                    item,
                    form.values(),
                    uploads,
                    commitment=form.committed(),
                    submit_token=form.token(),
                    sms_check=sms_checker("application", form.sms_code.data or ""),
                    ip=client_ip(),
                )
    except ServiceError as refused:
        form.show(refused.errors)
        _keep_accepted_files(account, item, form.values(), uploads)
        return None
    if form.saving_draft():
        flash(_l("Draft saved"), "success")
        return redirect(url_for("services.apply", code=item.code))
    return redirect(url_for("services.submitted", code=item.code, number=application.number))


def _keep_accepted_files(account, item, values, uploads):
    """A refused form keeps the files that passed (in the draft) and says so; the refused ones say why."""
    with unit_of_work():
        kept = applications.stage_uploads(account, item, values, uploads)
    if kept:
        flash(
            _l(
                "These files were kept and need not be chosen again: %(files)s",
                files="、".join(kept),
            ),
            "info",
        )


@services_bp.route("/item/<code>/submitted/<number>")
@citizen_required
def submitted(code, number):
    application = my_cases.own_case(current_citizen(), number)
    if application is None:
        abort(404)  # never confirm that someone else's case exists
    return render_template(
        "portal/services/submitted.html", item=application.item, application=application, active_nav="services"
    )


@services_bp.route("/item/<code>/correction", methods=["GET", "POST"])
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def correction(code):
    item = _online_item(code)
    if real_estate.is_real_estate_item(item):  # corrected in its own system
        return redirect(url_for("estate.index", code=code))
    account = current_citizen()
    page = application_form.correction_page(account, item)
    form = CorrectionForm.build(item, page)
    if page.open and form.validate_on_submit():
        try:
            with unit_of_work():
                corrected = application_form.correct(
                    account,
                    item,
                    page,
                    field_values=form.field_values(),
                    changes=form.changes(),
                    uploads=form.uploads(),
                    commitment=form.committed(),
                    sms_check=sms_checker("application", form.sms_code.data or ""),
                    ip=client_ip(),
                )
        except ServiceError as refused:
            form.show(refused.errors)
        else:
            flash(
                _l("The corrected application has been resubmitted")
                if page.returned
                else _l("Your information correction has been submitted as case %(number)s", number=corrected.number),
                "success",
            )
            return redirect(url_for("services.progress", code=code))
    return render_template(
        "portal/services/correction.html",
        item=item,
        account=account,
        page=page,
        form=form,
        case=page.case,
        data=page.data,
        errors=form.error_map(),
        request_info=page.request_info,
        flagged=page.flagged,
        attachments=page.attachments,
        returned=page.returned,
        information_change=page.information_change,
        enterprise_field_labels=ENTERPRISE_FIELD_LABELS,
        status_labels=STATUS_LABELS,
        active_nav="services",
    )


@services_bp.route("/item/<code>/progress")
@citizen_required
@company_items_for_companies
@face_verified_required(ONLINE_SERVICE)
def progress(code):
    item = _online_item(code)
    case = eligibility.latest_case(current_citizen(), item)
    if case is None:
        flash(_l("You have no case of this item yet"), "info")
        return redirect(url_for("services.workspace", code=code))
    return redirect(url_for("cases.detail", number=case.number))
