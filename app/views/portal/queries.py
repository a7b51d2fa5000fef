"""热门服务 (manual 五.2–五.4): the three public queries, open to anyone without signing in.

* ``queries.progress``: 申请事项办理进度查询（受理发证信息查询）
* ``queries.enterprises`` / ``queries.enterprise_detail``: 企业资质查询 (the kind first, 图 5-3-2)
* ``queries.people`` / ``queries.person_detail``: 人员资格查询

Plain GET forms (query_forms.py: the rules are services/registers/query_input.py's).
Each view reads its form, calls one register query, renders. Anti-scraping, counted per client IP in the shared store (so
that every server process agrees):

* after ``QUERY_CAPTCHA_AFTER`` queries (default 5) within
  ``QUERY_CAPTCHA_WINDOW_SECONDS`` (default 600), every further query needs a
  picture code; a code is single use, its challenge id travels in the form;
* more than ``QUERY_RATE_LIMIT_PER_MINUTE`` queries (default 60) in a minute
  get the translated 429 page.

Showing an empty form is not a query; a search, a further page and a detail
page are. Bad input gets a message beside its field (400), never a server error.
"""

import re

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.platform import query_cache, query_fast_path
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.platform.shared_store import get_store
from app.services.registers import document_searches, query_limits
from app.services.registers import queries as rq
from app.views.portal.query_forms import DetailForm, EnterpriseQueryForm, PeopleQueryForm, ProgressQueryForm
from app.views.portal.session import client_ip
from app.views.portal.verification_api import captcha_passed

queries_bp = Blueprint("queries", __name__, url_prefix="/query")

TITLES = {
    "progress": _l("Application progress query (acceptance and certificate issuance)"),
    "enterprises": _l("Enterprise qualification query"),
    "people": _l("Personnel qualification query"),
}


# --- counting queries per client (services/query_limits.py) ----------------------------------


def _client() -> str:
    return query_limits.client_key(client_ip())


def _over_rate_limit(valid_query: bool) -> bool:
    """Count this request (unless the fast path did); True when the client is over the limit."""
    counts = request.environ.pop(query_fast_path.COUNTS, None)
    if counts is None:
        counts = query_limits.count(get_store(), current_app.config, _client(), is_query=valid_query)
    if counts.in_window is not None:
        g.query_count = counts.in_window
    return query_limits.over_rate_limit(current_app.config, counts)


def _too_many():
    html = render_template(
        "errors/error.html",
        code=429,
        title=_l("Too many requests"),
        message=_l("Too many queries have come from your network in a short time. Please wait a minute and try again."),
    )
    return html, 429, {"Retry-After": "60"}


def _queries_so_far() -> int:
    if "query_count" not in g:  # read once a request: the cache key and the form both ask
        g.query_count = query_limits.queries_in_window(get_store(), current_app.config, _client())
    return g.query_count


def picture_needed() -> bool:
    """Whether the next query from this client needs a picture code (the form then shows one)."""
    return query_limits.picture_due(current_app.config, _queries_so_far())


def _gate(form):
    """None to answer this (counted) query, or (message, status) when a picture code is missing or wrong."""
    if not query_limits.picture_required(current_app.config, g.query_count):
        return None
    challenge, answer = form.picture_answer()
    if len(challenge) <= 64 and len(answer) <= 8 and captcha_passed(challenge, answer):
        return None
    if not answer:
        return _l("You have made many queries: enter the characters in the picture to see the results"), 200
    return _l("The characters in the picture are wrong; a new picture is shown"), 400


def _refused(form, template: str, context: dict):
    """The response when this query may not be answered (over the limit, bad input, picture code); else None."""
    valid = form.validate()
    if _over_rate_limit(valid_query=valid):
        return _too_many()
    if not valid:
        return _render(template, 400, **context)
    blocked = _gate(form)
    if blocked:
        message, status = blocked
        form.refuse_picture(message)
        return _render(template, status, **context)
    return None


@queries_bp.context_processor
def queries_context():
    """The vocabularies the query templates label stored values with."""
    return {"query_titles": TITLES, "rq": rq, "query_options": query_options}


def query_options(values, labels) -> list:
    """(stored value, translated label) pairs for a select."""
    return [(value, rq.label(labels, value)) for value in values]


def _body(template: str, **context) -> str:
    """The middle of a query page: its form and results."""
    context.setdefault("picture_needed", picture_needed())
    return render_template(f"portal/queries/{template}", **context)


def _page(key: str, title, body: str, status: int = 200, crumb=None):
    """The whole page: the query layout around ``body``."""
    return render_template("portal/queries/_layout.html", key=key, title=title, crumb=crumb, body=Markup(body)), status


def _render(template: str, status: int = 200, **context):
    return _page(context["key"], context["title"], _body(template, **context), status, context.get("crumb"))


def _answer(key: str, entry_key: str | None, produce, counted: bool = True):
    """The page around the middle from the shared cache when it is there; else ``produce()`` renders it.

    ``produce`` returns {"title", "body"} and optionally "crumb" (it may abort).
    A page with a cache entry is the same for every visitor who has not signed
    in and has no message waiting: the fast path in front of Flask may keep it
    (``counted``: whether showing it counts as a query).
    """
    if entry_key is not None and not current_user.is_authenticated and not session.get("_flashes"):
        query_fast_path.may_share(request.environ, counted, str(get_locale()))
    entry = query_cache.get(entry_key)
    if entry is None:
        entry = produce()
        query_cache.put(entry_key, entry)
    html, _status = _page(key, entry["title"], entry["body"], crumb=entry.get("crumb"))
    return html


def _cache_key(page: str, conditions, *extra) -> str | None:
    """The shared cache entry of this page as asked; None when it is not shared.

    Not shared: a page with a picture code, and one whose address the form
    would not share (``conditions`` None: see ``QueryForm.conditions``).
    """
    if picture_needed() or conditions is None:
        return None
    return query_cache.key(page, conditions + list(extra))


def _entry(template: str, context: dict) -> dict:
    return {"title": context["title"], "body": _body(template, **context)}


# --- 申请事项办理进度查询（受理发证信息查询） ------------------------------------------------


@queries_bp.route("/progress")
def progress():
    """Never cached: the answer is one applicant's case, as it stands now."""
    form = ProgressQueryForm(request.args)
    context = {"title": TITLES["progress"], "key": "progress", "form": form, "result": None, "searched": False}
    if form.asked():
        refused = _refused(form, "progress.html", context)
        if refused is not None:
            return refused
        context["result"] = rq.progress_lookup(form.values["number"], form.values["name"])
        context["searched"] = True
    return _render("progress.html", **context)


# --- 企业资质查询 --------------------------------------------------------------------------


@queries_bp.route("/enterprises")
def enterprises():
    form = EnterpriseQueryForm(request.args)
    context = {
        "title": TITLES["enterprises"],
        "key": "enterprises",
        "form": form,
        "kinds": rq.ENTERPRISE_KINDS,
        "results": None,
    }
    if not form.asked():
        if not form.choose_kind():
            return _render("enterprises.html", 400, **context)
        entry_key = _cache_key("enterprises-form", form.conditions(("kind",)))
        return _answer("enterprises", entry_key, lambda: _entry("enterprises.html", context), counted=False)
    refused = _refused(form, "enterprises.html", context)
    if refused is not None:
        return refused

    def produce():
        context["results"] = rq.search_enterprises(**form.filters(), page=form.values["page"])
        return _entry("enterprises.html", context)

    return _answer("enterprises", _cache_key("enterprises", form.conditions()), produce)


def _gated_detail(key, form):
    """A detail page is a query too: a response when it may not be shown yet, else None."""
    if _over_rate_limit(valid_query=True):
        return _too_many()
    blocked = _gate(form)
    if blocked:
        message, status = blocked
        form.refuse_picture(message)
        return _render("captcha_gate.html", status, title=TITLES[key], key=key, form=form, picture_needed=True)
    return None


@queries_bp.route("/enterprises/<uscc>")
def enterprise_detail(uscc):
    if len(uscc) > 18 or not uscc.isascii() or not uscc.isalnum():
        abort(404)
    form = DetailForm(request.args)
    stop = _gated_detail("enterprises", form)
    if stop is not None:
        return stop
    page, page_error = form.page_number()

    def produce():
        detail = rq.enterprise_detail(uscc, page=page)
        if detail is None:
            abort(404)
        body = _body(
            "enterprise_detail.html", title=detail.name, key="enterprises", detail=detail, page_error=page_error
        )
        return {"title": detail.name, "crumb": detail.name, "body": body}

    if page_error:
        entry = produce()
        return _page("enterprises", entry["title"], entry["body"], 400, crumb=entry["crumb"])
    return _answer("enterprises", _cache_key("enterprise-detail", form.conditions(("page",)), ("uscc", uscc)), produce)


# --- 人员资格查询 ---------------------------------------------------------------------------


@queries_bp.route("/people")
def people():
    form = PeopleQueryForm(request.args)
    number = form.number_typed()
    if number is not None:  # never in an address or a page: swapped for a token (303)
        return redirect(url_for("queries.people", **form.address_with(document_searches.remember(number))), 303)
    context = {
        "title": TITLES["people"],
        "key": "people",
        "form": form,
        "results": None,
        "qualifications": QUALIFICATION_NAMES,
    }
    if not form.asked():
        entry_key = _cache_key("people-form", form.conditions(()))
        return _answer("people", entry_key, lambda: _entry("people.html", context), counted=False)
    refused = _refused(form, "people.html", context)
    if refused is not None:
        return refused

    def produce():
        context["results"] = rq.search_people(**form.filters(), page=form.values["page"])
        return _entry("people.html", context)

    # A search by identity number is the searcher's own: its page is never shared.
    entry_key = None if form.document_token else _cache_key("people", form.conditions())
    return _answer("people", entry_key, produce)


@queries_bp.route("/people/<registration_number>")
def person_detail(registration_number):
    if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{1,40}", registration_number):
        abort(404)
    form = DetailForm(request.args)
    stop = _gated_detail("people", form)
    if stop is not None:
        return stop

    def produce():
        detail = rq.person_detail(registration_number)
        if detail is None:
            abort(404)
        body = _body(
            "person_detail.html",
            title=detail.name,
            key="people",
            detail=detail,
            registration_number=registration_number,
        )
        return {"title": detail.name, "crumb": detail.name, "body": body}

    entry_key = _cache_key("person-detail", form.conditions(()), ("registration_number", registration_number))
    return _answer("people", entry_key, produce)
