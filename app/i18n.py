"""A per-request cache of the translation catalogue in front of flask-babel.

flask-babel finds the request's catalogue again on every gettext call, through
several context-local proxies and the locale selector (about 8 µs a call); a
query results page makes several hundred calls. The catalogue found first is
kept on flask-babel's own request context, keyed by the locale object, so that
``force_locale`` and ``refresh`` (which replace that object) still take effect.
"""

import flask_babel


def install_translation_cache(app) -> None:
    domain = app.extensions["babel"].instance.domain_instance
    look_up = domain.get_translations

    def get_translations():
        context = flask_babel._get_current_context()
        if context is None:
            return look_up()
        locale = getattr(context, "babel_locale", None)
        cached = getattr(context, "portal_translations", None)
        if cached is not None and locale is not None and cached[0] is locale:
            return cached[1]
        translations = look_up()
        context.portal_translations = (getattr(context, "babel_locale", None), translations)
        return translations

    domain.get_translations = get_translations
