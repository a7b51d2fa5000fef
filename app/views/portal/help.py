"""常见问题 (chapter 七), 联系方式 (chapter 八) and 政府网站找错 (图3-1-2)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.services.content import error_reports, faq
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.forms import ErrorReportForm, show_errors
from app.views.portal.session import client_ip

help_bp = Blueprint("help", __name__, url_prefix="/help")


@help_bp.route("/faq")
def faq_page():
    return render_template("portal/faq.html", entries=faq.published_entries())


@help_bp.route("/contact")
def contact():
    return render_template("portal/contact.html")


@help_bp.route("/report-error", methods=["GET", "POST"])
def report_error():
    form = ErrorReportForm()
    if request.method == "GET" and not form.page_url.data:
        form.page_url.data = request.args.get("page") or request.referrer or ""
    if form.validate_on_submit():
        try:
            with unit_of_work():
                entry = error_reports.report(
                    form.page_url.data, form.description.data, form.contact.data or "", ip=client_ip()
                )
        except ServiceError as refused:
            show_errors(form, refused.errors)
        else:
            flash(
                _l(
                    "Thank you: your report (number %(number)s) has been passed to the site's editors.",
                    number=entry.id,
                ),
                "success",
            )
            return redirect(url_for("help.report_error_received"))
    return render_template("portal/report_error.html", form=form)


@help_bp.route("/report-error/received")
def report_error_received():
    return render_template("portal/report_error_received.html")
