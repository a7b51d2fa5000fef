"""Signed-cookie sessions that static files never rewrite.

A page's CSS, scripts and images are fetched alongside requests that change
the session; if their responses set the cookie too, the older copy can win.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface

STATIC_ENDPOINTS = {"static", "appbuilder.static"}


class PortalSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session):
        if request.endpoint in STATIC_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)
