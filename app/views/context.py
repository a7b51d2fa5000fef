"""What every request and every portal template gets: idle timeout, site identity, language.

The parts of the page chrome built only from the site settings and the language
(banner, navigation, footer) are rendered once per process by ``chrome()`` and
kept in the process's own cache (platform/cache.py) under the settings' version
(platform/site_settings.py): a public query page would otherwise spend more on
its frame than on its query.
"""

import json
import re
from collections.abc import Callable
from urllib.parse import urlencode

from flask import has_request_context, render_template, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app import log_context
from app.formatting import beijing_date, beijing_time
from app.masking import mask_name
from app.platform import site_settings
from app.platform.cache import local_cache
from app.services.accounts.document_types import DOCUMENT_NUMBER_LABELS
from app.services.accounts.identity_documents import DOCUMENT_TYPE_LABELS, DocumentType
from app.services.cases import enterprise_items, real_estate

_CHROME_SECONDS = 86400  # kept longer than query pages: pruned after them when the cache is full
forget_site_settings = site_settings.forget  # the back office calls it after staff saved a setting


def document_type_label(value):
    try:
        return DOCUMENT_TYPE_LABELS[DocumentType(value)]
    except ValueError:
        return value or ""


_CHINESE = re.compile(r"[\u3400-\u9fff]")


def _chinese_page() -> bool:
    return str(get_locale() or "zh").startswith("zh")


def colon() -> str:
    """The colon after a label: full-width in Chinese, ": " in English."""
    return "：" if _chinese_page() else ": "


def bracketed(text) -> str:
    """A button's name as the manual writes it: 【登录】 in Chinese, plain in English."""
    return f"【{text}】" if _chinese_page() else str(text)


def titled(text) -> str:
    """A document's title: 《用户协议》 in Chinese, plain in English."""
    return f"《{text}》" if _chinese_page() else str(text)


def chinese_name(value) -> Markup:
    """A name or a piece of data in Chinese on an English page is marked as Chinese (WCAG 3.1.2), so that a
    screen reader reads it in Chinese."""
    text = "" if value is None else str(value)
    if not _CHINESE.search(text) or _chinese_page():
        return escape(text)
    return Markup('<span lang="zh-CN">%s</span>') % text


def zh_lang(value) -> Markup:
    """`` lang="zh-CN"`` for an element whose whole text is a Chinese name or piece of data on an English page
    (where a nested span would overflow a clipped, one-line element)."""
    text = "" if value is None else str(value)
    return Markup(' lang="zh-CN"') if _CHINESE.search(text) and not _chinese_page() else Markup("")


def document_number_label(account) -> str:
    """What the account's identifying number is called: a company's credit code, a passport number, ..."""
    if account.kind == "legal":
        return str(_l("Unified social credit code"))
    try:
        return str(DOCUMENT_NUMBER_LABELS[DocumentType(account.document_type)])
    except ValueError:
        return str(_l("Document number"))


def _kept_key(kind: str, template: str, variant: dict, *extra) -> str:
    prefix = request.script_root if has_request_context() else ""  # links start with it
    return f"{kind}:" + json.dumps(
        [site_settings.version(), template, str(get_locale()), prefix, sorted(variant.items()), *extra],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chrome(template: str, **variant) -> Markup:
    """``template`` rendered once per language, site settings and ``variant`` (e.g. the active menu)."""
    key = _kept_key("chrome", template, variant)
    html = local_cache.get(key)
    if html is None:
        html = Markup(render_template(template, **variant))
        local_cache.set(key, html, timeout=_CHROME_SECONDS)
    return html


_KEPT_VARIANT_MAX = 200  # characters: a variant longer than any choice is rendered, never kept


def _fragment_key(kind: str, variant: tuple) -> str | None:
    """The process cache's key of a template fragment (``kept``, ``kept_form``); None when it is not to be kept."""
    material = json.dumps(variant, ensure_ascii=False, separators=(",", ":"))
    if len(material) > _KEPT_VARIANT_MAX:
        return None
    prefix = request.script_root if has_request_context() else ""
    return f"{kind}:{site_settings.version()}:{get_locale()}:{prefix}:{material}"


def kept(*variant, caller) -> Markup:
    """A fragment of a template kept rendered like ``chrome()``: ``{% call kept("people-province", value) %}``.

    For the parts of a page that everyone who asks with the same few values sees alike (a query form's select
    with its chosen option: dozens of translated labels). ``variant`` names the fragment and holds every value
    it is rendered from besides the language and the site settings; it must be a validated choice, never free
    text (the cache is bounded, but endless variants would only push the useful fragments out).
    """
    key = _fragment_key("kept", variant)
    html = local_cache.get(key) if key else None
    if html is None:
        html = Markup(caller())
        if key:
            local_cache.set(key, html, timeout=_CHROME_SECONDS)
    return html


# --- kept copies with slots: the same for everyone but for a few values put in per request ---------------------

_SLOT = re.compile("\x00([a-z_]{1,40})\x00")


def slot(name: str) -> Markup:
    """Where a kept copy takes this request's value (a NUL never comes from a template's own text)."""
    return Markup(f"\x00{name}\x00")


def _opened(html: str, names, where: str) -> list:
    """``html`` cut at its slots (text, name, text, …). Every one of ``names`` must be there as it is: a slot put
    through a filter or ``url_for`` is refused when the copy is made, never sent with a marker in it."""
    parts = _SLOT.split(html)
    if set(parts[1::2]) != set(names) or any("\x00" in part for part in parts[::2]):
        raise ValueError(f"{where}: every slot must be shown as it is ({', '.join(sorted(names))})")
    return parts


def _filled(parts: list, values: dict) -> Markup:
    """The copy with each slot's value, escaped (a Markup value as it is), in one pass: a value is text, never
    searched for slots itself."""
    shown = {name: escape(value) for name, value in values.items()}
    return Markup("".join(part if i % 2 == 0 else shown[part] for i, part in enumerate(parts)))


def kept_form(*variant, values: dict, keep: bool, caller) -> Markup:
    """A template fragment kept like ``kept()``, with ``values`` put into its ``slot()``s for each request.

    A public query form is the same for everyone but for what they typed: its labels, hints, placeholders and
    selects (a few dozen translations) are rendered once per language and ``variant`` (the options chosen),
    and only the typed values, escaped, go into each request's copy. ``keep`` is False when the form shows a
    message beside a field (it may echo input): it is then rendered for this request only, the same way.
    """
    key = _fragment_key("kept-form", variant) if keep else None
    parts = local_cache.get(key) if key else None
    if parts is None:
        parts = _opened(caller(), values, str(variant[0]))
        if key:
            local_cache.set(key, parts, timeout=_CHROME_SECONDS)
    return _filled(parts, values)


def kept_with_slots(template: str, slots: dict, context: Callable[[], dict] | None = None, **variant) -> Markup:
    """``template`` rendered once per language, site settings and ``variant``, like ``chrome()``, with each of
    ``slots`` left open in the kept copy and filled in with this request's value: a page that is the same for
    everyone but for a form token or a link back (``kept_form`` is the same for a fragment of a template).
    ``context()`` gives what only that rendering needs (e.g. a form to draw its fields from: never one holding a
    visitor's data).
    """
    key = _kept_key("slots", template, variant, sorted(slots))
    parts = local_cache.get(key)
    if parts is None:
        markers = {name: slot(name) for name in slots}
        parts = _opened(
            render_template(template, **(context() if context else {}), **variant, **markers), slots, template
        )
        local_cache.set(key, parts, timeout=_CHROME_SECONDS)
    return _filled(parts, slots)


def switch_back_query() -> str:
    """``next=<this page>`` for the language and display switches, as ``url_for`` writes an argument."""
    return urlencode({"next": request.full_path.rstrip("?")}, safe="!$'()*,/:;?@")


def enterprise_comparison(application):
    """For the back office's case page: an enterprise change beside the register (None for other cases)."""
    if not enterprise_items.is_enterprise_item(application.item):
        return None
    return enterprise_items.comparison(application)


def real_estate_summary(application):
    """For the back office's case page: a 房地产开发企业一级资质核定 case's tables (None for other cases)."""
    if not real_estate.is_real_estate_item(application.item):
        return None
    return real_estate.summary(application)


def _signed_in_account() -> int | None:
    user_id = str(session.get("_user_id") or "")
    return int(user_id) if user_id.isdigit() else None


def support_request_id() -> str:
    """The request id an error page shows (the visitor tells technical support; the logs carry it): also when
    the page is rendered before the request was given one (an earlier check refused it)."""
    identity = log_context.request_id.get()
    if not identity and has_request_context():
        identity = log_context.new_request_id(request.headers.get("X-Request-Id"))
        log_context.request_id.set(identity)
    return identity or ""


def register_context(app):
    @app.before_request
    def request_identity():
        # Logged by the background jobs this request queues (app/log_context.py), answered as X-Request-Id.
        log_context.request_id.set(log_context.new_request_id(request.headers.get("X-Request-Id")))
        log_context.account_id.set(_signed_in_account())

    @app.after_request
    def answer_request_id(response):
        identity = log_context.request_id.get()
        if identity:
            response.headers.setdefault("X-Request-Id", identity)
        log_context.account_id.set(_signed_in_account())  # the request's log line: after a sign-in or sign-out
        return response

    @app.teardown_request
    def forget_request_identity(_error=None):
        log_context.request_id.set(None)
        log_context.account_id.set(None)

    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(beijing_time, "beijing_time")
    app.add_template_filter(beijing_date, "beijing_date")
    app.add_template_global(chrome, "chrome")
    app.add_template_global(kept, "kept")
    app.add_template_global(kept_form, "kept_form")
    app.add_template_global(slot, "slot")
    app.add_template_global(switch_back_query, "switch_back_query")
    app.add_template_global(enterprise_comparison, "enterprise_comparison")
    app.add_template_global(real_estate_summary, "real_estate_summary")
    app.add_template_global(real_estate, "real_estate_rules")
    app.add_template_global(colon, "colon")
    app.add_template_global(bracketed, "bracketed")
    app.add_template_global(titled, "titled")
    app.add_template_filter(chinese_name, "zh")
    app.add_template_global(zh_lang, "zh_lang")
    app.add_template_global(support_request_id, "support_request_id")

    @app.context_processor
    def portal_context():
        return {
            "site": site_settings.current,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": app.config["LANGUAGES"],
            "document_type_label": document_type_label,
            "document_number_label": document_number_label,
        }
