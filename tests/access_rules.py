"""What app/roles.py grants each back-office role, and FAB's refusal: shared by the access tests and the attack
suite (tests/security)."""

import re

from app.roles import ADMIN, ROLE_PERMISSIONS

# Routes that are public by design (sign-in, sign-out, language, the index that sends
# strangers to the sign-in page) and FAB's list actions, which check the action's own
# permission inside.
PUBLIC_ENDPOINTS = {
    "AdminIndexView.index",
    "UtilView.back",
    "LocaleView.index",
    "StaffAuthView.login",
    "StaffAuthView.logout",
}
ACTION_METHODS = {"action", "action_post"}
FILE_COLUMN_DOWNLOAD = "/download/<string:filename>"  # FAB's FileColumn route: not found for everyone (below)
STAFF_ROLES = [ADMIN, *[role for role in ROLE_PERMISSIONS if role not in ("Citizen", "LegalEntity")]]


def back_office_routes(app):
    """(endpoint, url, methods, (view name, permission)) of every route of a FAB view."""
    views = {view.__class__.__name__: view for view in app.appbuilder.baseviews}
    routes = []
    for rule in app.url_map.iter_rules():
        view_name, _, method = rule.endpoint.partition(".")
        if view_name not in views or rule.endpoint in PUBLIC_ENDPOINTS or method in ACTION_METHODS:
            continue
        if rule.rule.endswith(FILE_COLUMN_DOWNLOAD):
            continue
        view = views[view_name]
        function = getattr(view, method)
        assert hasattr(function, "_permission_name"), f"{rule.endpoint} ({rule.rule}) has no access check"
        permission = "can_" + view.method_permission_name.get(method, function._permission_name)
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "1" if m.group(1) != "filename" else "x.csv", rule.rule)
        # A route whose permission the view does not declare (a read-only view's add/edit/delete) is
        # refused to everyone, Admin included.
        declared = permission in (view.base_permissions or [])
        routes.append(
            (rule.endpoint, url, rule.methods - {"HEAD", "OPTIONS"}, (view.class_permission_name, permission, declared))
        )
    return routes


def granted(role, view_name, permission, declared) -> bool:
    if not declared:
        return False
    if role == ADMIN:
        return True
    return any(
        re.match(view_rule, view_name) and re.match(permission_rule, permission)
        for view_rule, permission_rule in ROLE_PERMISSIONS.get(role, [])
    )


def refused(response, signed_in=True) -> bool:
    """FAB's refusal: 403 to a signed-in user without the permission; a stranger is sent to the
    sign-in page (an API route answers 401)."""
    if signed_in:
        return response.status_code == 403
    if response.request.path.startswith("/api/"):
        return response.status_code == 401
    return response.status_code == 302 and response.headers["Location"].startswith("/admin/login/")
