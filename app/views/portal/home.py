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


@home_bp.app_context_processor
def navigation_context():
    return {"portal_navigation": NAVIGATION}


@home_bp.route("/")
def index():
    return render_template("portal/home.html", active_nav="home", hot_services=HOT_SERVICES)
