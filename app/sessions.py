"""Sessions: signed cookies (the default, one process or many sharing SECRET_KEY), or kept in Redis.

Static files never rewrite the session: a page's CSS, scripts and images are
fetched alongside requests that change the session; if their responses set the
cookie too, the older copy can win.

With ``SESSION_BACKEND=redis`` (chosen explicitly: signed cookies keep visitors signed in
while Redis is down, and ``session_version`` already ends sessions on every instance) the cookie
holds only a random, signed session id; the data lives in Redis under
``portal:session:<id>`` for ``PERMANENT_SESSION_LIFETIME`` after the last
request, so every instance sees the same session and sign-out deletes it
everywhere. Clearing a session (sign-in, sign-out) gives it a new id, so an id
planted or copied before cannot follow the new sign-in. The data is serialised
exactly as the signed cookie serialises it (Flask's tagged JSON), so translated
flash messages, Markup and bytes behave the same on both.

Revocation per account (``session_version``, app/security.py) is checked in
the session data and works on both.

Every session that holds something (a sign-in, a language, a form token) is made permanent when it is saved,
so that it ends after ``PERMANENT_SESSION_LIFETIME`` idle; an empty one is neither made permanent nor written:
an anonymous visitor who needs no session gets no cookie and costs no signature (issue 20).
"""

import hashlib
import logging
import secrets
from datetime import timedelta

import redis
from flask import request
from flask.sessions import SecureCookieSessionInterface, SessionInterface, SessionMixin, session_json_serializer
from itsdangerous import BadSignature, Signer
from werkzeug.datastructures import CallbackDict

from app.platform import public_cache

log = logging.getLogger(__name__)

STATIC_ENDPOINTS = {"static", "appbuilder.static"}
# The health checks (app/views/health.py) neither read nor write a session: a probe every few seconds
# must not touch Redis or hand out cookies.
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})


def _static_request() -> bool:
    return request.endpoint in STATIC_ENDPOINTS or request.path in HEALTH_PATHS


def idle_timeout(session) -> None:
    """A session with anything in it ends after PERMANENT_SESSION_LIFETIME idle (its cookie is written again on every
    request, which restarts the time); an empty session stays empty, so no cookie is sent for it."""
    if session and not session.permanent:
        session.permanent = True


class PortalSessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        idle_timeout(session)
        return super().save_session(app, session, response)

    def should_set_cookie(self, app, session):
        if _static_request() or public_cache.marked(session):  # a public page goes without a cookie (nothing in it)
            return False
        return super().should_set_cookie(app, session)


class RedisSession(CallbackDict, SessionMixin):
    """A session whose data is in Redis under ``sid``; ``clear()`` also asks for a new id."""

    def __init__(self, initial=None, sid: str | None = None, new: bool = False):
        def on_update(self):
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.sid = sid or secrets.token_urlsafe(32)
        self.new = new
        self.modified = False
        self.accessed = False
        self.renewed = False
        self.old_sid: str | None = None

    def __getitem__(self, key):
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key, default=None):
        self.accessed = True
        return super().setdefault(key, default)

    def clear(self):
        super().clear()
        self.renew()

    def renew(self) -> None:
        """A new id for this session (the old one is deleted when the response is saved)."""
        if not self.renewed:
            self.old_sid = self.sid
        self.sid = secrets.token_urlsafe(32)
        self.renewed = True
        self.modified = True


class RedisSessionInterface(SessionInterface):
    """Server-side sessions in Redis (a small interface: Flask-Session 0.8 serialises with msgspec, which refuses
    the lazily translated strings the portal flashes; this one keeps Flask's own serializer)."""

    serializer = session_json_serializer
    session_class = RedisSession
    key_prefix = "portal:session:"
    salt = "portal-session-id"

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def should_set_cookie(self, app, session):
        if public_cache.marked(session):  # a public page: nothing worth a session is in it
            return False
        return super().should_set_cookie(app, session)

    def _key(self, sid: str) -> str:
        # Stored under a digest of the id: reading Redis does not give a usable cookie.
        return self.key_prefix + hashlib.sha256(sid.encode()).hexdigest()

    def _signer(self, app) -> Signer:
        return Signer(app.secret_key, salt=self.salt, key_derivation="hmac", digest_method=hashlib.sha256)

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or request.path in HEALTH_PATHS:
            return self.session_class(new=True)
        try:
            sid = self._signer(app).unsign(cookie).decode()
        except BadSignature:
            return self.session_class(new=True)
        try:
            raw = self.client.get(self._key(sid))
        except redis.RedisError:
            log.warning("Sessions unavailable: Redis does not answer; the visitor is treated as signed out")
            return self.session_class(new=True)
        if raw is None:  # expired, signed out, or never existed: a new id, never the one presented
            return self.session_class(new=True)
        try:
            data = self.serializer.loads(raw.decode())
        except ValueError:
            return self.session_class(new=True)
        return self.session_class(data, sid=sid)

    def save_session(self, app, session, response):
        if _static_request():
            return
        idle_timeout(session)
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.accessed:
            response.vary.add("Cookie")
        try:
            if session.old_sid:
                self.client.delete(self._key(session.old_sid))
            if not session:
                if session.modified or session.old_sid:
                    self.client.delete(self._key(session.sid))
                    response.delete_cookie(name, domain=domain, path=path)
                    response.vary.add("Cookie")
                return
            if not self.should_set_cookie(app, session):
                return
            lifetime = app.permanent_session_lifetime
            seconds = int(lifetime.total_seconds() if isinstance(lifetime, timedelta) else lifetime)
            self.client.set(self._key(session.sid), self.serializer.dumps(dict(session)), ex=max(seconds, 1))
        except redis.RedisError:
            log.warning("Session not saved: Redis does not answer")
            return
        response.set_cookie(
            name,
            self._signer(app).sign(session.sid).decode(),
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=domain,
            path=path,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )
        response.vary.add("Cookie")


def renew(session) -> None:
    """Give this browser's session a new id (sessions in Redis): a copy of the old cookie then holds nothing.

    For a browser that stays signed in while the account's other sessions end (a password change); a signed
    cookie needs nothing, its copy keeps the old session version.
    """
    if isinstance(session, RedisSession):
        session.renew()


def session_interface(app) -> SessionInterface:
    """Redis sessions when SESSION_BACKEND is "redis", signed cookies otherwise (also when REDIS_URL is set:
    the counters' fallback keeps the portal serving while Redis is down, and Redis sessions would not)."""
    backend = (app.config.get("SESSION_BACKEND") or "").lower()
    url = app.config.get("SESSION_REDIS_URL") or app.config.get("REDIS_URL")
    if not backend:
        backend = "cookie"
    if backend == "cookie":
        return PortalSessionInterface()
    if backend != "redis":
        raise ValueError(f"SESSION_BACKEND must be 'cookie' or 'redis', not {backend!r}")
    if not url:
        raise ValueError("SESSION_BACKEND=redis needs SESSION_REDIS_URL or REDIS_URL")
    return RedisSessionInterface(url)
