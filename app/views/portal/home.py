"""首页 and the columns whose own issue has not landed yet."""

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

home_bp = Blueprint("home", __name__)

# Top navigation of the manual, in its order: (key, label, endpoint, slug).
# A slug marks a column whose own issue has not landed yet (see ``column``).
NAVIGATION = (
    ("home", _l("Home"), "home.index", None),
    ("services", _l("Online services"), "services.index", None),
    ("notices", _l("Public notices"), "home.column", "notices"),
    ("policies", _l("Policy releases"), "home.column", "policies"),
    ("regulations", _l("Rules and regulations"), "home.column", "regulations"),
    ("user-center", _l("User center"), "user_center.index", None),
)

HOT_SERVICES = (
    ("progress", _l("Application progress query (acceptance and certificate issuance)"), "query-progress"),
    ("enterprise", _l("Enterprise qualification query"), "query-enterprise"),
    ("person", _l("Personnel qualification query"), "query-person"),
)

COLUMN_TITLES = {
    "notices": _l("Public notices"),
    "policies": _l("Policy releases"),
    "regulations": _l("Rules and regulations"),
    "query-progress": HOT_SERVICES[0][1],
    "query-enterprise": HOT_SERVICES[1][1],
    "query-person": HOT_SERVICES[2][1],
}


@home_bp.app_context_processor
def navigation_context():
    return {"portal_navigation": NAVIGATION}


@home_bp.route("/")
def index():
    return render_template("portal/home.html", active_nav="home", hot_services=HOT_SERVICES)


@home_bp.route("/column/<slug>")
def column(slug):
    """A column announced in the navigation whose pages are still being built."""
    title = COLUMN_TITLES.get(slug)
    if title is None:
        abort(404)
    return render_template("portal/coming.html", title=title, active_nav=slug)
