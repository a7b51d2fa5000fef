"""What every request and every portal template gets: idle timeout, site identity, language.

The site settings (footer, names) are read from the database at most every
``SITE_SETTINGS_MAX_AGE`` seconds per process, and the parts of the page
chrome built only from them and the language (banner, navigation, footer) are
rendered once per process by ``chrome()``: a public query page would otherwise
spend more on its frame than on its query.
"""

import itertools
import time

from flask import current_app, g, has_request_context, render_template, request, session
from flask_babel import get_locale
from markupsafe import Markup

from app.formatting import beijing_date, beijing_time
from app.masking import mask_name
from app.services.accounts.identity_documents import DOCUMENT_TYPE_LABELS, DocumentType
from app.services.content.site_settings import current_settings

SITE_SETTINGS_MAX_AGE = 5.0  # seconds; the process where staff saved a change sees it at once
_CHROME_ENTRIES_MAX = 200
_versions = itertools.count(1)  # never reused in a process, not even after forget_site_settings()


def document_type_label(value):
    try:
        return DOCUMENT_TYPE_LABELS[DocumentType(value)]
    except ValueError:
        return value or ""


def _state() -> dict:
    return current_app.extensions.setdefault(
        "portal_chrome", {"settings": None, "read_at": 0.0, "fragments": {}, "version": 0}
    )


def _site():
    if "site" not in g:
        state = _state()
        now = time.monotonic()
        if state["settings"] is None or now - state["read_at"] >= SITE_SETTINGS_MAX_AGE:
            settings = current_settings(current_app.config["PORTAL_SITE"])
            if settings != state["settings"]:
                state["fragments"], state["version"] = {}, next(_versions)
            state["settings"], state["read_at"] = settings, now
        g.site = state["settings"]
    return g.site


def site_settings_version() -> int:
    """A number that changes whenever the site settings this process shows change (keys of cached pages)."""
    _site()
    return _state()["version"]


def forget_site_settings() -> None:
    """Read the settings again on the next request (after staff changed one)."""
    current_app.extensions.pop("portal_chrome", None)


def chrome(template: str, **variant) -> Markup:
    """``template`` rendered once per language, site settings and ``variant`` (e.g. the active menu)."""
    _site()
    fragments = _state()["fragments"]
    prefix = request.script_root if has_request_context() else ""  # links start with it
    key = (template, str(get_locale()), prefix, tuple(sorted(variant.items())))
    html = fragments.get(key)
    if html is None:
        if len(fragments) >= _CHROME_ENTRIES_MAX:
            fragments.clear()
        html = fragments[key] = Markup(render_template(template, **variant))
    return html


def register_context(app):
    @app.before_request
    def idle_timeout():
        # Every session (citizen or staff) ends after PERMANENT_SESSION_LIFETIME idle.
        session.permanent = True

    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(beijing_time, "beijing_time")
    app.add_template_filter(beijing_date, "beijing_date")
    app.add_template_global(chrome, "chrome")

    @app.context_processor
    def portal_context():
        return {
            "site": _site,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": app.config["LANGUAGES"],
            "document_type_label": document_type_label,
        }
