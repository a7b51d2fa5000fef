"""The public portal: thin Flask blueprints, one module per area."""

from app.security_headers import install_security_headers
from app.views.portal.articles import articles_bp
from app.views.portal.auth import auth_bp
from app.views.portal.cases import cases_bp
from app.views.portal.certificates import certificates_bp
from app.views.portal.face import face_bp
from app.views.portal.help import help_bp
from app.views.portal.home import home_bp
from app.views.portal.language import language_bp
from app.views.portal.photo_tool import photo_tool_bp
from app.views.portal.queries import queries_bp
from app.views.portal.real_estate import estate_bp
from app.views.portal.recovery import recovery_bp
from app.views.portal.services import services_bp
from app.views.portal.user_center import user_center_bp
from app.views.portal.verification_api import verification_bp

PORTAL_BLUEPRINTS = (
    home_bp,
    help_bp,
    language_bp,
    auth_bp,
    recovery_bp,
    user_center_bp,
    verification_bp,
    face_bp,
    services_bp,
    estate_bp,
    cases_bp,
    photo_tool_bp,
    articles_bp,
    queries_bp,
    certificates_bp,
)


def register_portal(app):
    for blueprint in PORTAL_BLUEPRINTS:
        app.register_blueprint(blueprint)
    install_security_headers(app, PORTAL_BLUEPRINTS)
