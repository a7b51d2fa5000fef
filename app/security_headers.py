"""Response headers that every page carries: no framing, no sniffing, nothing from another host.

The portal's own pages run only the portal's script files (no inline script);
the back office keeps Flask-AppBuilder's inline scripts, so its policy allows
those, but neither loads anything from another host. Headers a view set itself
(e.g. the face page's ``Referrer-Policy: no-referrer``) are kept.

Whatever is served to a signed-in citizen or officer (but the static files)
carries ``Cache-Control: no-store``: no browser, shared computer or proxy keeps
a copy of a personal page after sign-out. Anonymous public pages that are the same for every visitor without a
cookie carry ``Cache-Control: public, max-age=0, s-maxage=…`` and ``Vary: Cookie`` instead (app/platform/public_cache.py).
"""

from flask import g, request, session

from app.platform import public_cache

PORTAL_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
BACK_OFFICE_POLICY = PORTAL_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def install_security_headers(app, portal_blueprints) -> None:
    public = {blueprint.name for blueprint in portal_blueprints}
    portal = public | {"static", None}
    hsts = "max-age=31536000" if app.config.get("SESSION_COOKIE_SECURE") else None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault(
            "Content-Security-Policy", PORTAL_POLICY if request.blueprint in portal else BACK_OFFICE_POLICY
        )
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)
        static = (request.endpoint or "").rpartition(".")[2] == "static"
        if not static and "no-store" not in headers.get("Cache-Control", "") and _signed_in():
            headers["Cache-Control"] = "no-store"
        elif request.blueprint in public and _public_page(response):
            public_cache.mark(response)
        return response


def _public_page(response) -> bool:
    """The same page for every visitor without a cookie (public_cache.py says which)."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and "Cache-Control" not in response.headers
        and "csrf_token" not in g  # no form token was made for this page
        and public_cache.plain_visitor(session)
        and public_cache.shareable_body(response)
    )


def _signed_in() -> bool:
    """Flask-Login's mark in the session (citizens and staff alike); read without loading the account."""
    return bool(session.get("_user_id"))
