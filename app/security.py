"""The portal's security manager: FAB's, with the parts a ministry cannot use removed."""

from flask import session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView

from app.models import Account, AccountKind

SESSION_VERSION_KEY = "_sv"


class StaffAuthView(AuthDBView):
    """Staff sign in to the back office at /admin/login/, apart from citizens."""

    route_base = "/admin"
    login_template = "admin/login.html"


class PortalSecurityManager(SecurityManager):
    user_model = Account
    authdbview = StaffAuthView
    # FAB's statistics chart loads Google Charts from the internet.
    userstatschartview = None

    def load_user(self, user_id):
        """A cancelled account, or a session older than the last password reset, is signed out."""
        user = super().load_user(user_id)
        if user is None or user.is_cancelled:
            return None
        if session.get(SESSION_VERSION_KEY, 0) != (user.session_version or 0):
            return None
        return user

    def auth_user_db(self, username, password):
        """Only staff sign in to the back office; citizens use the portal's login."""
        user = super().auth_user_db(username, password)
        if user is not None and user.kind != AccountKind.STAFF:
            return None
        return user
