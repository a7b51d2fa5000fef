"""The public portal: thin Flask blueprints, one module per area."""

from app.views.portal.help import help_bp
from app.views.portal.home import home_bp
from app.views.portal.language import language_bp

PORTAL_BLUEPRINTS = (home_bp, help_bp, language_bp)


def register_portal(app):
    for blueprint in PORTAL_BLUEPRINTS:
        app.register_blueprint(blueprint)
