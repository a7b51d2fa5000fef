"""Response headers that every page carries: no framing, no sniffing, nothing from another host.

The portal's own pages run only the portal's script files (no inline script);
the back office keeps Flask-AppBuilder's inline scripts, so its policy allows
those, but neither loads anything from another host. Headers a view set itself
(e.g. the face page's ``Referrer-Policy: no-referrer``) are kept.
"""

from flask import request

PORTAL_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
BACK_OFFICE_POLICY = PORTAL_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def install_security_headers(app, portal_blueprints) -> None:
    portal = {blueprint.name for blueprint in portal_blueprints} | {"static", None}
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
        return response
