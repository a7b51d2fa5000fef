"""The back office's home page, at /admin/."""

from flask import abort, g, redirect, url_for
from flask_appbuilder import IndexView, expose

from app.models import AccountKind


class AdminIndexView(IndexView):
    route_base = "/admin"
    index_template = "admin/index.html"

    @expose("/")
    def index(self):
        if g.user is None or not g.user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"))
        if g.user.kind != AccountKind.STAFF:
            abort(403)
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
