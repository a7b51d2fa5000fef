"""首页 and the top navigation of the manual."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

home_bp = Blueprint("home", __name__)

# Top navigation of the manual, in its order: (key, label, endpoint, slug).
NAVIGATION = (
    ("home", _l("Home"), "home.index", None),
    ("services", _l("Online services"), "services.index", None),
    ("notices", _l("Public notices"), "articles.notices", None),
    ("policies", _l("Policy releases"), "articles.policies", None),
    ("regulations", _l("Rules and regulations"), "articles.regulations", None),
    ("user-center", _l("User center"), "user_center.index", None),
)

HOT_SERVICES = (
    ("progress", _l("Application progress query (acceptance and certificate issuance)"), "queries.progress"),
    ("enterprise", _l("Enterprise qualification query"), "queries.enterprises"),
    ("person", _l("Personnel qualification query"), "queries.people"),
)

# 长辈版: the simplified home page, the services used most, as large tiles: (key, label, endpoint, arguments).
ELDER_SERVICES = (
    ("personal", _l("Personal services"), "services.index", {"category": "personal"}),
    ("enterprise", _l("Company services"), "services.index", {"category": "enterprise"}),
    ("my-cases", _l("My cases"), "cases.index", {}),
    ("progress", _l("Application progress query"), "queries.progress", {}),
    ("person", _l("Personnel qualification query"), "queries.people", {}),
    ("enterprise-query", _l("Enterprise qualification query"), "queries.enterprises", {}),
    ("help", _l("Contact us"), "help.contact", {}),
)


@home_bp.app_context_processor
def navigation_context():
    return {"portal_navigation": NAVIGATION}


@home_bp.route("/")
def index():
    return render_template(
        "portal/home.html", active_nav="home", hot_services=HOT_SERVICES, elder_services=ELDER_SERVICES
    )
