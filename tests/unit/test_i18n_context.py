"""app/i18n.py: flask-babel finds its per-context namespace without the ``g`` proxy, with the same results."""

import inspect

import flask_babel
from flask_babel import force_locale, gettext, refresh

from app import i18n


def test_the_quick_lookup_is_installed_and_finds_what_flask_babel_would(app):
    assert flask_babel._get_current_context is i18n._current_context
    assert flask_babel._get_current_context() is None  # outside any context, as flask-babel says
    with app.test_request_context("/"):
        quick = i18n._current_context()
        assert quick is i18n._ORIGINAL_CONTEXT() and quick is i18n._current_context()
    with app.app_context():
        assert i18n._current_context() is not quick  # each context has its own


def test_languages_still_follow_the_session_force_locale_and_refresh(app):
    with app.test_request_context("/"):
        assert gettext("Personnel qualification query") == "人员资格查询"
        with force_locale("en"):
            assert gettext("Personnel qualification query") == "Personnel qualification query"
        assert gettext("Personnel qualification query") == "人员资格查询"
        from flask import session

        session["locale"] = "en"
        refresh()
        assert gettext("Personnel qualification query") == "Personnel qualification query"


# flask_babel._get_current_context as of flask-babel 4.0, which app/i18n.py replaces.
FLASK_BABEL_4_CONTEXT = """def _get_current_context() -> Optional[SimpleNamespace]:
    if not g:
        return None

    if not hasattr(g, "_flask_babel"):
        g._flask_babel = SimpleNamespace()

    return g._flask_babel  # noqa
"""


def test_the_replaced_private_function_is_still_the_one_i18n_imitates():
    """A new flask-babel that changes it fails here: app/i18n.py must then be checked against it."""
    assert inspect.getsource(i18n._ORIGINAL_CONTEXT) == FLASK_BABEL_4_CONTEXT
    assert inspect.getmodule(i18n._ORIGINAL_CONTEXT) is flask_babel


# flask_wtf.i18n._get_translations as of Flask-WTF 1.2, which app/i18n.py replaces.
FLASK_WTF_1_2_TRANSLATIONS = '''def _get_translations():
    """Returns the correct gettext translations.
    Copy from flask-babel with some modifications.
    """

    if not request:
        return None

    # babel should be in extensions for get_locale
    if "babel" not in current_app.extensions:
        return None

    translations = getattr(request, "wtforms_translations", None)

    if translations is None:
        translations = support.Translations.load(
            messages_path(), [get_locale()], domain="wtforms"
        )
        request.wtforms_translations = translations

    return translations
'''


def test_wtforms_messages_follow_each_requests_language_from_a_catalogue_read_once(app, monkeypatch):
    """Flask-WTF read WTForms' catalogue from disk for every request that built a form; now once a language."""
    import flask_wtf.i18n
    from babel import support
    from flask import session
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    assert inspect.getsource(i18n._ORIGINAL_WTFORMS_TRANSLATIONS) == FLASK_WTF_1_2_TRANSLATIONS
    assert flask_wtf.i18n._get_translations is i18n._wtforms_translations
    loads = []
    original_load = support.Translations.load
    monkeypatch.setattr(
        support.Translations, "load", classmethod(lambda cls, *a, **k: loads.append(a) or original_load(*a, **k))
    )
    monkeypatch.setattr(i18n, "_wtforms_catalogues", {})

    class Required(FlaskForm):
        class Meta:
            csrf = False

        value = StringField(validators=[DataRequired()])

    def message(locale):
        with app.test_request_context("/", method="POST", data={}):
            if locale:
                session["locale"] = locale
            form = Required()
            assert not form.validate()
            return form.value.errors[0]

    chinese = [message(None) for _ in range(3)]
    english = [message("en") for _ in range(3)]
    assert chinese == ["该字段是必填字段。"] * 3
    assert english == ["This field is required."] * 3
    assert len(loads) == 2  # one catalogue a language, not one a request
