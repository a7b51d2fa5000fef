"""常见问题 (chapter 七) and 联系方式 (chapter 八)."""

from flask import Blueprint, render_template

from app.services.content import faq

help_bp = Blueprint("help", __name__, url_prefix="/help")


@help_bp.route("/faq")
def faq_page():
    return render_template("portal/faq.html", entries=faq.published_entries())


@help_bp.route("/contact")
def contact():
    return render_template("portal/contact.html")
