"""The staff back office (Flask-AppBuilder), under /admin."""

from flask_babel import lazy_gettext as _l

from app.views.admin.content import FaqEntryAdminView, SiteSettingAdminView


def register_admin_views(appbuilder):
    appbuilder.add_view(
        FaqEntryAdminView,
        "FAQ",
        label=_l("FAQ"),
        icon="fa-question-circle",
        category="Portal content",
        category_label=_l("Portal content"),
        category_icon="fa-newspaper-o",
    )
    appbuilder.add_view(
        SiteSettingAdminView,
        "Site settings",
        label=_l("Site settings"),
        icon="fa-cog",
        category="Portal content",
    )
