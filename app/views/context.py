"""What every request and every portal template gets: idle timeout, site identity, language."""

from flask import current_app, g, session
from flask_babel import get_locale

from app.services.identity_documents import DOCUMENT_TYPE_LABELS, DocumentType, mask_name
from app.services.site_settings import current_settings


def document_type_label(value):
    try:
        return DOCUMENT_TYPE_LABELS[DocumentType(value)]
    except ValueError:
        return value or ""


def _site():
    if "site" not in g:
        g.site = current_settings(current_app.config["PORTAL_SITE"])
    return g.site


def register_context(app):
    @app.before_request
    def idle_timeout():
        # Every session (citizen or staff) ends after PERMANENT_SESSION_LIFETIME idle.
        session.permanent = True

    app.add_template_filter(mask_name, "mask_name")

    @app.context_processor
    def portal_context():
        return {
            "site": _site,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": app.config["LANGUAGES"],
            "document_type_label": document_type_label,
        }
