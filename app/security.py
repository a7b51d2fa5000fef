"""The portal's security manager: FAB's, with the parts a ministry cannot use removed."""

from flask import abort, g, has_request_context, redirect, request, session
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import Role
from flask_appbuilder.security.views import (
    AuthDBView,
    PermissionViewModelView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
)
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import HiddenField, SelectField, StringField, ValidationError

from app.formatting import beijing_time
from app.models import Account, AccountKind
from app.regions import PROVINCES
from app.sessions import renew
from app.views.admin.display import PlainValuesMixin
from app.views.input_guard import is_database_id

SESSION_VERSION_KEY = "_sv"


class StaffLoginForm(LoginForm_db):
    captcha = StringField(_l("Picture code"))
    captcha_id = HiddenField()


class StaffAuthView(AuthDBView):
    """Staff sign in to the back office at /admin/login/, apart from citizens, under the citizens' rules:
    picture code after failures, per-account lock-out, audit (app/services/accounts/login.py)."""

    route_base = "/admin"
    login_template = "admin/login.html"

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        from app.services.accounts import login as login_service
        from app.services.platform import captcha
        from app.services.unit_of_work import unit_of_work
        from app.views.portal.session import sign_in

        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = StaffLoginForm()
        username = form.username.data or ""
        show_captcha = login_service.captcha_required(AccountKind.STAFF, username)
        if form.validate_on_submit():
            answered = bool(form.captcha_id.data and form.captcha.data)
            with unit_of_work():  # a failed attempt is counted too
                outcome = login_service.authenticate(
                    AccountKind.STAFF,
                    username,
                    form.password.data,
                    captcha_passed=answered and captcha.check(form.captcha_id.data, form.captcha.data),
                    ip=request.remote_addr or "",
                )
            if outcome.account is not None:
                sign_in(outcome.account)
                return redirect(get_safe_redirect(request.args.get("next", "")))
            form[outcome.field].errors = [outcome.error]
            show_captcha = outcome.captcha_required
        form.password.data = ""
        form.captcha.data = ""
        return self.render_template(
            self.login_template, title=self.title, form=form, appbuilder=self.appbuilder, show_captcha=show_captcha
        )

    @expose("/logout/", methods=["POST"])
    def logout(self):
        """A POST (CSRF-checked) that ends every session of the staff member; a GET or a link does nothing."""
        from app.services.accounts import login as login_service
        from app.services.unit_of_work import unit_of_work
        from app.views.portal.session import sign_out

        if g.user is not None and g.user.is_authenticated:
            with unit_of_work():
                login_service.sign_out(g.user)
        sign_out()
        return redirect(self.appbuilder.get_url_for_login)


def _known_groups(form, field):
    from app.services.cases import scope as case_scope

    unknown = case_scope.unknown_groups(field.data)
    if unknown:
        # FAB's form template shows each error as ``{{ _(error) }}``: Jinja's ``_()`` marks it safe markup and
        # applies ``%`` to it. The groups are what was typed: escaped here, and a typed "%" doubled.
        message = gettext("Unknown item group: %(groups)s", groups=str(escape("、".join(unknown))))
        raise ValidationError(message.replace("%", "%%"))


SCOPE_FIELDS = {
    "case_groups": StringField(
        _l("Item groups handled"),
        validators=[_known_groups],
        description=_l("Comma-separated, e.g. 建造师,注册建筑师; empty: every group"),
    ),
    "case_province": SelectField(
        _l("Province handled"),
        choices=[("", _l("Every province"))] + [(p, p) for p in PROVINCES],
        description=_l("Cases of this province only; empty: every province"),
    ),
}


class StaffUserView(PlainValuesMixin, UserDBModelView):
    """FAB's user list, for staff only (citizens are managed under 门户账号), with each officer's data scope."""

    base_filters = [["kind", FilterEqual, AccountKind.STAFF]]
    add_columns = [*UserDBModelView.add_columns, "case_groups", "case_province"]
    edit_columns = [*UserDBModelView.edit_columns, "case_groups", "case_province"]
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, **SCOPE_FIELDS}
    edit_form_extra_fields = dict(SCOPE_FIELDS)
    show_fieldsets = [
        *UserDBModelView.show_fieldsets,
        (_l("Data scope"), {"fields": ["case_groups", "case_province"], "expanded": True}),
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "case_groups": _l("Item groups handled"),
        "case_province": _l("Province handled"),
    }
    # FAB's own descriptions are English only in its Chinese catalogue.
    description_columns = {
        **UserDBModelView.description_columns,
        "username": _l("The name the staff member signs in with"),
        "password": _l("The staff member's password"),
        "active": _l("Do not delete a staff account: make it inactive instead"),
        "email": _l("The staff member's e-mail address"),
        "roles": _l("The roles decide what the staff member may see and do"),
        "groups": _l("A group gives its members the roles of the group"),
        "first_name": _l("The surname"),
        "last_name": _l("The given name"),
    }
    formatters_columns = {"created_on": beijing_time, "changed_on": beijing_time, "last_login": beijing_time}

    @action("resetpasswords", _l("Reset Password"), "", "fa-lock", multiple=False)
    def resetpasswords(self, item):
        """FAB's single-record action loads the row without this view's filter: an unknown id or a citizen's
        account is not found here."""
        if item is None or item.kind != AccountKind.STAFF:
            abort(404)
        return super().resetpasswords(item)


def staff_password_policy(password: str) -> None:
    """FAB's password forms (a staff member's own, an administrator's reset, a new user) apply the portal's policy."""
    from app.services.accounts.registration import password_problem

    problem = password_problem(password or "")
    if problem is not None:
        raise PasswordComplexityValidationError(str(problem))


class StaffPermissionPairView(PermissionViewModelView):
    """FAB's permissions on views, in the page's language."""

    label_columns = {**PermissionViewModelView.label_columns, "role": _l("Role")}


class StaffRoleView(PlainValuesMixin, RoleModelView):
    """FAB's role list, in the page's language."""

    label_columns = {**RoleModelView.label_columns, "user": _l("Staff"), "groups": _l("Groups")}


class StaffGroupView(UserGroupModelView):
    """FAB's user groups, in the page's language."""

    label_columns = {
        "name": _l("Name"),
        "label": _l("Label"),
        "description": _l("Description"),
        "users": _l("Staff"),
        "roles": _l("Roles"),
    }


class NoSecurityApi(SecurityApi):
    """FAB's JWT login API is not offered: it would sign staff in without the picture code, the lock-out and
    the audit trail of the login page. (Methods without ``@expose`` are not routed.)"""

    def login(self):
        raise NotImplementedError

    def refresh(self):
        raise NotImplementedError


def _role_label(role) -> str:
    """A role as staff read it in the forms' lists (事项管理员), its code name kept in the role list."""
    from app.roles import ROLE_LABELS

    label = ROLE_LABELS.get(role.name)
    return str(label) if label is not None else role.name


Role.__str__ = _role_label  # type: ignore[method-assign]


class PortalSecurityManager(SecurityManager):
    user_model = Account
    authdbview = StaffAuthView
    security_api = NoSecurityApi
    userdbmodelview = StaffUserView
    rolemodelview = StaffRoleView
    groupmodelview = StaffGroupView
    permissionviewmodelview = StaffPermissionPairView
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

    def reset_password(self, userid, password):
        """A staff password set through FAB's forms ends the account's other sessions (and any session,
        when an administrator sets someone else's, or `flask fab reset-password` does); the staff member who changed
        their own stays signed in."""
        from flask_login import current_user

        from app.services.accounts.login import end_all_sessions

        # FAB's /resetpassword/form takes the account from ``?pk=``: none, not an id, or no staff member's → 404
        # (the portal's citizens change their passwords through the portal).
        user = self.get_user_by_id(userid) if is_database_id(userid) else None
        if user is None or (has_request_context() and user.kind != AccountKind.STAFF):
            abort(404)
        end_all_sessions(user)
        super().reset_password(userid, password)  # commits
        if has_request_context() and current_user.is_authenticated and current_user.id == user.id:
            renew(session)
            session[SESSION_VERSION_KEY] = user.session_version

    def auth_user_db(self, username, password):
        """Only staff sign in to the back office; citizens use the portal's login."""
        user = super().auth_user_db(username, password)
        if user is not None and user.kind != AccountKind.STAFF:
            return None
        return user
