"""Repeated public query pages, answered in front of Flask to visitors who have not signed in.

Why it exists: a recurring query page taken from the shared cache still goes
through Flask's request machinery, the session, the query views' checks and the
layout around the cached middle, which is then most of its cost. bench/queries.py
(SQLite, 20,000 persons and 4,000 enterprises, 2 gunicorn sync workers, wrk,
800 recurring query pages, on a busy 2-core machine; ``QUERY_FAST_PATH`` off
then on): 128.6 query pages a second through Flask with the shared cache,
848.4 from this fast path (bare Flask endpoint about 1,100 a second; without
any cache 53.8). Per request through the test client, p50: 7.2 ms through Flask
with the shared cache, 1.7 ms from the fast path (bare endpoint 0.4 ms).
Turn it off with ``QUERY_FAST_PATH = False``; the pages stay the same.

A recurring 企业资质查询 / 人员资格查询 page is the same for every visitor who has
not signed in (queries.py marks it so: no picture code, no error, no identity
number, no message waiting). Rendering it once per server process is cheap
(query_cache.py shares its middle); what is left of such a request is Flask's
own machinery around it, which this WSGI middleware skips:

* a GET of ``/query/enterprises…`` or ``/query/people…`` from a visitor with no
  session cookie, or one whose (signed, unexpired) session holds nothing but a
  language, a form token and the idle-timeout flag, and no remember-me cookie;
* looked up by the registers' generation, the site settings' version, the
  visitor's language, the address prefix (``SCRIPT_NAME``), the path and the
  query string as sent (hashed: no name searched for is kept in clear);
* still counted like any query (query_limits.py, one round trip to the shared
  store): when the count calls for the 429 page or a picture code, Flask answers
  with the counts already taken (``COUNTS`` in the environ), never twice.

Anything else goes to Flask, and a page Flask marks shareable (``may_share``:
not for an address with parameters the page does not read) is kept here, with
its headers but without its cookie, if Flask rendered it in the key's language. A cookie-carrying visitor's
session is re-issued as Flask would, so the idle timeout still starts again.
"""

import hashlib
import logging
import time

from flask import current_app
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.http import dump_cookie, parse_cookie

from app import log_context
from app.platform import display_mode, public_cache, query_cache, site_settings
from app.services.platform.shared_store import get_store
from app.services.registers import generation as register_generation
from app.services.registers import query_limits

COUNTS = "portal.query_counts"  # environ: this request has been counted; the view must not count it again
SHAREABLE = "portal.query_shareable"  # environ, set by the view: the page is every visitor's (value: counted?)
PATHS = ("/query/enterprises", "/query/people")
VISITOR_SESSION_KEYS = frozenset({"locale", "csrf_token", "_permanent", "_fresh"})  # flask-login: "_fresh": False

_PER_ANSWER = frozenset({"set-cookie", "cache-control", "vary", "x-request-id"})

log = logging.getLogger(__name__)


def installed(app) -> "QueryFastPath | None":
    """The fast path among the application's WSGI layers (the request observer wraps it), or None."""
    layer = app.wsgi_app
    while layer is not None and not isinstance(layer, QueryFastPath):
        layer = getattr(layer, "wsgi_app", None)
    return layer


def may_share(environ, counted: bool, locale: str) -> None:
    """The view's word that this page, rendered in ``locale``, is the same for every visitor who has not signed in."""
    environ[SHAREABLE] = (counted, locale)


def _page_key(*parts: str) -> str:
    # Hashed: the conditions (names searched for) are not kept in clear.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class QueryFastPath:
    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    @classmethod
    def install(cls, app) -> None:
        app.wsgi_app = cls(app, app.wsgi_app)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("PATH_INFO", "").startswith(PATHS):
            return self.wsgi_app(environ, start_response)
        with self.app.app_context():
            try:
                key, locale, answer = self._look_up(environ)
            except Exception:  # the shared store is down: Flask answers (and shows its own error page)
                self._log_unavailable()
                key, locale, answer = None, None, None
        if answer is not None:
            headers, body = answer
            start_response("200 OK", headers)
            return [body]
        if key is None:
            return self.wsgi_app(environ, start_response)
        return self._keep(environ, start_response, key, locale)

    def _look_up(self, environ):
        """(key under which Flask's page may be kept, or None; the language it must be in; the cached answer)."""
        if not query_cache.enabled():
            return None, None, None
        session = self._visitor_session(environ)
        if session is None:
            return None, None, None
        locale = session.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
        # SCRIPT_NAME: every link on the page starts with it (gunicorn takes it from a request header).
        key = _page_key(
            str(register_generation.current()),
            str(site_settings.version()),
            locale,
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            "elder" if display_mode.elder(parse_cookie(environ)) else "standard",  # 长辈版 has its own look
        )
        entry = query_cache.get_page(key)
        if entry is None:
            return key, locale, None
        headers, body, counted = entry
        config, store = current_app.config, get_store()
        client = query_limits.client_key(environ.get("REMOTE_ADDR"))
        if counted:
            counts = environ[COUNTS] = query_limits.count(store, config, client, is_query=True)
            if query_limits.over_rate_limit(config, counts) or query_limits.picture_due(config, counts.in_window):
                return None, None, None  # Flask shows the 429 page or the picture code, with these counts
            del environ[COUNTS]
        elif query_limits.picture_due(config, query_limits.queries_in_window(store, config, client)):
            return None, None, None  # the empty form then shows the picture code
        if session and not public_cache.plain_visitor(session):
            headers = headers + [("Set-Cookie", self._session_cookie(session))]
        elif public_cache.header():  # as Flask marks it (public_cache.py): a proxy may keep it; no cookie
            headers = headers + [("Cache-Control", public_cache.header())]
        offered = environ.get("HTTP_X_REQUEST_ID")
        headers = headers + [("Vary", "Cookie"), ("X-Request-Id", log_context.new_request_id(offered))]
        return key, locale, (headers, body)

    _unavailable_logged_at = 0.0

    def _log_unavailable(self) -> None:
        """Once a minute at most: while the shared store is down every query would say so."""
        now = time.monotonic()
        if now - QueryFastPath._unavailable_logged_at >= 60:
            QueryFastPath._unavailable_logged_at = now
            log.warning("query fast path unavailable", exc_info=True)

    def _visitor_session(self, environ) -> dict | None:
        """The session of a visitor who has not signed in ({} without a cookie); None for anyone else."""
        app = self.app
        cookies = parse_cookie(environ)
        if app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return None
        raw = cookies.get(app.config["SESSION_COOKIE_NAME"])
        if raw is None:
            return {}
        if not isinstance(app.session_interface, SecureCookieSessionInterface):
            return None  # sessions in Redis: a visitor with a cookie goes through Flask
        serializer = app.session_interface.get_signing_serializer(app)
        try:
            session = serializer.loads(raw, max_age=int(app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None
        if not isinstance(session, dict) or not VISITOR_SESSION_KEYS.issuperset(session):
            return None
        return session

    def _session_cookie(self, data: dict) -> str:
        """The visitor's session cookie as Flask would set it again (permanent: the idle timeout restarts)."""
        app, interface = self.app, self.app.session_interface
        session = interface.session_class(data)
        session.permanent = True
        return dump_cookie(
            interface.get_cookie_name(app),
            interface.get_signing_serializer(app).dumps(dict(session)),
            expires=interface.get_expiration_time(app, session),
            path=interface.get_cookie_path(app),
            domain=interface.get_cookie_domain(app),
            secure=interface.get_cookie_secure(app),
            httponly=interface.get_cookie_httponly(app),
            samesite=interface.get_cookie_samesite(app),
            partitioned=interface.get_cookie_partitioned(app),
        )

    def _keep(self, environ, start_response, key: str, locale: str):
        """Let Flask answer; keep its page under ``key`` when the view said it is every visitor's.

        Only when Flask rendered it in the language the key says (the session
        can expire between the two looks at it).
        """
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember)
        shareable = environ.get(SHAREABLE)
        if shareable is None or shareable[1] != locale or not seen.get("status", "").startswith("200 "):
            return body
        counted = shareable[0]
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        # Without what belongs to one visitor or one request (added again when the page is served).
        headers = [(name, value) for name, value in seen["headers"] if name.lower() not in _PER_ANSWER]
        with self.app.app_context():
            query_cache.put_page(key, (headers, data, counted))
        return [data]
