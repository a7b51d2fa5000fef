"""热门服务 (manual 五.2–五.4): the three public queries, open to anyone without signing in.

* ``queries.progress``: 申请事项办理进度查询（受理发证信息查询）
* ``queries.enterprises`` / ``queries.enterprise_detail``: 企业资质查询 (the kind first, 图 5-3-2)
* ``queries.people`` / ``queries.person_detail``: 人员资格查询

Plain GET forms. Anti-scraping, counted per client IP in the shared store (so
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
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.platform import query_cache, query_fast_path
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.platform.shared_store import get_store
from app.services.registers import queries as rq
from app.services.registers import query_limits
from app.views.portal.session import client_ip
from app.views.portal.verification_api import captcha_passed

queries_bp = Blueprint("queries", __name__, url_prefix="/query")

TITLES = {
    "progress": _l("Application progress query (acceptance and certificate issuance)"),
    "enterprises": _l("Enterprise qualification query"),
    "people": _l("Personnel qualification query"),
}
ECHO_MAX = 100  # what a refused value shows back in its field


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
    if "query_count" in g:
        return g.query_count
    return query_limits.queries_in_window(get_store(), current_app.config, _client())


def picture_needed() -> bool:
    """Whether the next query from this client needs a picture code (the form then shows one)."""
    return query_limits.picture_due(current_app.config, _queries_so_far())


def _gate():
    """None to answer this (counted) query, or (message, status) when a picture code is missing or wrong."""
    if not query_limits.picture_required(current_app.config, g.query_count):
        return None
    challenge, answer = request.args.get("captcha_id", ""), request.args.get("captcha", "").strip()
    if len(challenge) <= 64 and len(answer) <= 8 and captcha_passed(challenge, answer):
        return None
    if not answer:
        return _l("You have made many queries: enter the characters in the picture to see the results"), 200
    return _l("The characters in the picture are wrong; a new picture is shown"), 400


@queries_bp.context_processor
def queries_context():
    """The vocabularies the query templates label stored values with."""
    return {"query_titles": TITLES, "rq": rq, "query_options": query_options}


def query_options(values, labels) -> list:
    """(stored value, translated label) pairs for a select."""
    return [(value, rq.label(labels, value)) for value in values]


def _echo(names) -> dict:
    return {name: request.args.get(name, "")[:ECHO_MAX] for name in names}


def _page_args(values: dict, names) -> dict:
    """The cleaned criteria a pager link repeats (never the picture code)."""
    return {name: values[name] for name in names if values.get(name)}


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


def _cache_key(page: str, names, *extra) -> str | None:
    """The shared cache entry of this page as asked; None when it is not shared.

    Not shared: a page with a picture code, and an address with parameters the
    page does not read or repeats (endless variants of one page would only push
    the pages people ask for out of the cache).
    """
    if picture_needed() or not _only_parameters(names):
        return None
    conditions = [(name, request.args.get(name, "")[:ECHO_MAX]) for name in names]
    return query_cache.key(page, conditions + list(extra))


def _only_parameters(names) -> bool:
    given = [name for name, _value in request.args.items(multi=True)]
    return len(given) == len(set(given)) and set(names).issuperset(given)


# --- 申请事项办理进度查询（受理发证信息查询） ------------------------------------------------


@queries_bp.route("/progress")
def progress():
    """Never cached: the answer is one applicant's case, as it stands now."""
    context = {
        "title": TITLES["progress"],
        "key": "progress",
        "values": _echo(("number", "name")),
        "errors": {},
        "result": None,
        "searched": False,
        "captcha_error": None,
    }
    status = 200
    if "number" in request.args or "name" in request.args:
        values, errors = rq.clean_progress_query(request.args)
        if _over_rate_limit(valid_query=not errors):
            return _too_many()
        if errors:
            context["errors"], status = errors, 400
        else:
            blocked = _gate()
            if blocked:
                context["captcha_error"], status = blocked
            else:
                context["result"] = rq.progress_lookup(values["number"], values["name"])
                context["searched"] = True
    return _render("progress.html", status, **context)


# --- 企业资质查询 --------------------------------------------------------------------------

ENTERPRISE_FIELDS = ("name", "uscc", "certificate_number", "qualification", "grade", "province")


@queries_bp.route("/enterprises")
def enterprises():
    args = request.args
    kind = args.get("kind", "")
    is_query = any(name in args for name in ENTERPRISE_FIELDS + ("page",))
    title = TITLES["enterprises"]
    context = {
        "title": title,
        "key": "enterprises",
        "kinds": rq.ENTERPRISE_KINDS,
        "kind": None,
        "values": _echo(ENTERPRISE_FIELDS),
        "errors": {},
        "results": None,
        "captcha_error": None,
        "page_args": {},
        "hidden_page": None,
    }
    if not is_query:
        if kind and kind not in rq.ENTERPRISE_KINDS:
            context["errors"] = {"kind": _l("Please choose from the list")}
            return _render("enterprises.html", 400, **context)
        context["kind"] = kind or None
        return _answer(
            "enterprises",
            _cache_key("enterprises-form", ("kind",)),
            lambda: {"title": title, "body": _body("enterprises.html", **context)},
            counted=False,
        )
    values, errors = rq.clean_enterprise_query(args)
    if _over_rate_limit(valid_query=not errors):
        return _too_many()
    context["kind"] = values.get("kind") or None
    if errors:
        context["errors"] = errors
        return _render("enterprises.html", 400, **context)
    blocked = _gate()
    if blocked:
        context["captcha_error"], status = blocked
        context["hidden_page"] = values["page"] if values["page"] > 1 else None
        return _render("enterprises.html", status, **context)

    def produce():
        filters = {name: values[name] or None for name in ("kind",) + ENTERPRISE_FIELDS}
        context["results"] = rq.search_enterprises(**filters, page=values["page"])
        context["page_args"] = _page_args(values, ("kind",) + ENTERPRISE_FIELDS)
        return {"title": title, "body": _body("enterprises.html", **context)}

    return _answer("enterprises", _cache_key("enterprises", ("kind", "page") + ENTERPRISE_FIELDS), produce)


def _detail_page_number():
    try:
        return rq.clean_page(request.args.get("page", "")[:ECHO_MAX]), None
    except rq.QueryInputError as error:
        return 1, error.message


def _gated_detail(key):
    """A detail page is a query too: a response when it may not be shown yet, else None."""
    if _over_rate_limit(valid_query=True):
        return _too_many()
    blocked = _gate()
    if blocked:
        message, status = blocked
        return _render(
            "captcha_gate.html",
            status,
            title=TITLES[key],
            key=key,
            captcha_error=message,
            picture_needed=True,
            page=request.args.get("page", "")[:4],
        )
    return None


@queries_bp.route("/enterprises/<uscc>")
def enterprise_detail(uscc):
    if len(uscc) > 18 or not uscc.isascii() or not uscc.isalnum():
        abort(404)
    stop = _gated_detail("enterprises")
    if stop is not None:
        return stop
    page, page_error = _detail_page_number()

    def produce():
        detail = rq.enterprise_detail(uscc, page=page)
        if detail is None:
            abort(404)
        return {
            "title": detail.name,
            "crumb": detail.name,
            "body": _body(
                "enterprise_detail.html", title=detail.name, key="enterprises", detail=detail, page_error=page_error
            ),
        }

    if page_error:
        entry = produce()
        return _page("enterprises", entry["title"], entry["body"], 400, crumb=entry["crumb"])
    return _answer("enterprises", _cache_key("enterprise-detail", ("page",), ("uscc", uscc)), produce)


# --- 人员资格查询 ---------------------------------------------------------------------------

PEOPLE_FIELDS = ("name", "document_number", "registration_number", "qualification", "specialty", "employer", "province")
DOCUMENT_TOKEN_SECONDS = 1800


def _document_token_redirect():
    """An identity number never stays in a URL or a page: it is swapped for a short-lived token (303).

    The results page (its address, the language links, the pager) then carries
    ``doc=<token>``; the shared store holds the number for half an hour.
    """
    raw = request.args.get("document_number", "")
    if not raw.strip():
        return None
    try:
        number = rq.clean_document_number(raw)
    except rq.QueryInputError:
        return None  # refused beside the field by the page itself
    token = secrets.token_urlsafe(12)
    get_store().set(f"query:document:{token}", number, DOCUMENT_TOKEN_SECONDS)
    args = {name: value for name, value in request.args.items() if name != "document_number"}
    args["doc"] = token
    return redirect(url_for("queries.people", **args), 303)


@queries_bp.route("/people")
def people():
    moved = _document_token_redirect()
    if moved is not None:
        return moved
    query = {name: value for name, value in request.args.items() if name != "document_number"}
    is_query = any(name in request.args for name in PEOPLE_FIELDS + ("page", "doc"))
    values = _echo(PEOPLE_FIELDS)
    values["document_number"] = ""  # never shown back, not even a wrong one
    title = TITLES["people"]
    context = {
        "title": title,
        "key": "people",
        "values": values,
        "errors": {},
        "results": None,
        "captcha_error": None,
        "page_args": {},
        "hidden_page": None,
        "qualifications": QUALIFICATION_NAMES,
        "document_token": None,
        "document_searched": None,
    }
    if not is_query:
        return _answer(
            "people",
            _cache_key("people-form", ()),
            lambda: {"title": title, "body": _body("people.html", **context)},
            counted=False,
        )
    token_errors = {}
    if request.args.get("document_number", "").strip():
        query["document_number"] = request.args["document_number"]  # malformed: refused below
    elif request.args.get("doc"):
        token = request.args["doc"][:32]
        number = get_store().get(f"query:document:{token}") if re.fullmatch(r"[\w-]+", token) else None
        if number is None:
            token_errors["document_number"] = _l("This search has expired: enter the document number again")
        else:
            query["document_number"] = number
            context["document_token"] = token
            context["document_searched"] = rq.mask_document_number(number)
    values, errors = rq.clean_people_query(query)
    if token_errors and errors.get("name") is rq.KEY_FILTER_MESSAGE:
        del errors["name"]  # the expired number is the problem, not a missing condition
    errors.update(token_errors)
    if _over_rate_limit(valid_query=not errors):
        return _too_many()
    if errors:
        context["errors"] = errors
        return _render("people.html", 400, **context)
    blocked = _gate()
    if blocked:
        context["captcha_error"], status = blocked
        context["hidden_page"] = values["page"] if values["page"] > 1 else None
        return _render("people.html", status, **context)

    def produce():
        context["results"] = rq.search_people(
            **{name: values[name] or None for name in PEOPLE_FIELDS}, page=values["page"]
        )
        context["page_args"] = _page_args(values, tuple(name for name in PEOPLE_FIELDS if name != "document_number"))
        if context["document_token"]:
            context["page_args"]["doc"] = context["document_token"]
        return {"title": title, "body": _body("people.html", **context)}

    # A search by identity number is the searcher's own: its page is never shared.
    entry_key = None if context["document_token"] else _cache_key("people", PEOPLE_FIELDS + ("page",))
    return _answer("people", entry_key, produce)


@queries_bp.route("/people/<registration_number>")
def person_detail(registration_number):
    if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{1,40}", registration_number):
        abort(404)
    stop = _gated_detail("people")
    if stop is not None:
        return stop

    def produce():
        detail = rq.person_detail(registration_number)
        if detail is None:
            abort(404)
        return {
            "title": detail.name,
            "crumb": detail.name,
            "body": _body(
                "person_detail.html",
                title=detail.name,
                key="people",
                detail=detail,
                registration_number=registration_number,
            ),
        }

    return _answer("people", _cache_key("person-detail", (), ("registration_number", registration_number)), produce)
