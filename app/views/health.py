"""Health checks for load balancers, nginx and systemd/Compose: ``/healthz`` and ``/readyz``.

``/healthz``: the process answers (nothing else is touched: no database, no session).
``/readyz``: the instance can serve (database, Redis when configured, file store, broker when configured);
503 with the names of what failed otherwise. Neither reads or writes a session, sets a cookie, takes
a CSRF token or counts towards a rate limit (app/sessions.py skips HEALTH_PATHS).
"""

from flask import Blueprint, jsonify

from app.extensions import csrf
from app.services.platform import health

health_bp = Blueprint("health", __name__)


def _no_store(response, status: int = 200):
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@health_bp.route("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


@health_bp.route("/readyz")
def readyz():
    readiness = health.readiness()
    return _no_store(jsonify(readiness.as_json()), 200 if readiness.ready else 503)


def register_health(app) -> None:
    csrf.exempt(health_bp)
    app.register_blueprint(health_bp)
