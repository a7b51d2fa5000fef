"""The portal's security manager: FAB's, with the parts a ministry cannot use removed."""

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView

from app.models import Account


class StaffAuthView(AuthDBView):
    """Staff sign in to the back office at /admin/login/, apart from citizens."""

    route_base = "/admin"
    login_template = "admin/login.html"


class PortalSecurityManager(SecurityManager):
    user_model = Account
    authdbview = StaffAuthView
    # FAB's statistics chart loads Google Charts from the internet.
    userstatschartview = None
