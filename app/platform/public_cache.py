"""Anonymous public pages that a reverse proxy (nginx ``proxy_cache``) may keep: ``Cache-Control: public``.

A page is marked ``Cache-Control: public, max-age=0, s-maxage=PUBLIC_CACHE_SECONDS`` (default 60; 0 turns it
off) and ``Vary: Cookie`` only when it is the same for every visitor who has no cookie. ``s-maxage`` is for the
shared proxy (nginx honours it before max-age); the browser itself keeps nothing (max-age=0), because its cache
would show the page it kept before the visitor pressed 长辈版 or English (both switches set a cookie and
redirect back to the same address, and Chromium does not tell pages apart by their cookie):

* a 200 answer to a GET or HEAD of a portal page (never the back office, never a file download or a page whose
  view chose its own ``Cache-Control``);
* nobody signed in, and the session holds nothing but what every such visitor gets (the default language, the
  permanent flag): no form token, no flashed message, no other language;
* no form token was made for the page, and the page holds no form that posts and no picture code.

Such a page is sent without a session cookie (there is nothing in it to keep), so a proxy may store it.
``Vary: Cookie``, not ``Accept-Language``: the language is chosen with the 中文/English switch, which keeps it
in the session cookie; the portal never reads Accept-Language. A visitor who switched to English therefore has a
cookie and is answered by the portal (their pages are not marked public). Everything else keeps the headers
it had: signed-in pages carry ``no-store`` (security_headers.py).

A kept page may be up to ``PUBLIC_CACHE_SECONDS`` old behind a proxy: register changes and settings reach
visitors through the proxy within that time (the portal's own caches retire at once, query_cache.py).
"""

from flask import current_app, session

PUBLIC_FLAG = "portal_public_page"  # on this request's session object: its page is public, no cookie is sent
VISITOR_KEYS = frozenset({"_permanent", "_fresh", "locale"})
_NOT_SHAREABLE = (b'method="post"', b"method='post'", b"captcha")


def seconds() -> int:
    try:
        return max(int(current_app.config.get("PUBLIC_CACHE_SECONDS", 60)), 0)
    except (TypeError, ValueError):
        return 0


def header() -> str | None:
    """The Cache-Control value of a public page, or None when public caching is off."""
    n = seconds()
    return f"public, max-age=0, s-maxage={n}" if n > 0 else None


def plain_visitor(session) -> bool:
    """A session every visitor without a cookie gets: nothing but the default language and flags."""
    if not VISITOR_KEYS.issuperset(session.keys()):
        return False
    return session.get("locale") in (None, current_app.config["BABEL_DEFAULT_LOCALE"])


def shareable_body(response) -> bool:
    if response.direct_passthrough or response.is_streamed or response.mimetype != "text/html":
        return False
    body = response.get_data().lower()
    return not any(marker in body for marker in _NOT_SHAREABLE)


def mark(response) -> bool:
    """Mark ``response`` public; the session interface then sends no cookie with it."""
    value = header()
    if value is None:
        return False
    response.headers["Cache-Control"] = value
    response.vary.add("Cookie")
    setattr(session._get_current_object(), PUBLIC_FLAG, True)  # noqa: B010  (an attribute, not a session key)
    return True


def marked(session_object) -> bool:
    """Whether the page this session was answered with is public (the session interface then sends no cookie)."""
    return bool(getattr(session_object, PUBLIC_FLAG, False))
