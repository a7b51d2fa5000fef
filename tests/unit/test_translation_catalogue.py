"""The Chinese catalogue is complete and its compiled .mo is up to date."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted_msgids() -> set[str]:
    ids = set()
    for directory, method in ((PROJECT / "app", "python"), (PROJECT / "templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _, _, message, _, _ in extract_from_dir(
            str(directory),
            method_map=[(pattern, method)],
            keywords=KEYWORDS,
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalogue(locale: str):
    with open(PROJECT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_msgid_in_the_code_has_a_chinese_translation():
    zh = catalogue("zh")
    untranslated = sorted(
        msgid for msgid in extracted_msgids() if msgid and (msgid not in zh or not zh[msgid].string or zh[msgid].fuzzy)
    )
    assert untranslated == [], "run `flask translate update` and translate: " + repr(untranslated[:20])


def test_the_english_catalogue_exists():
    assert (PROJECT / "translations" / "en" / "LC_MESSAGES" / "messages.po").exists()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_compiled_catalogue_is_not_stale(locale):
    po = catalogue(locale)
    with open(PROJECT / "translations" / locale / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    expected = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == expected, "run `flask translate compile` and commit the .mo"


def test_chinese_is_the_default_language(app):
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh"
