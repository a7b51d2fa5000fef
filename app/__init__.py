"""The 住建政务服务门户 application factory."""

import logging
import os

from flask import Flask
from flask_appbuilder import AppBuilder

import config as config_module
from app import log_format
from app.extensions import csrf, db, migrate
from app.platform import cache as platform_cache
from app.secrets import load_or_create_secret_key
from app.sessions import session_interface

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIG_BY_ENV = {
    "production": config_module.Config,
    "development": config_module.DevelopmentConfig,
    "test": config_module.TestConfig,
}


def create_app(config=None) -> Flask:
    """Build the portal.

    ``config`` may be a config class, a mapping of overrides, or None (the
    class named by ``PORTAL_ENV``, production by default).
    """
    app = Flask(
        __name__,
        instance_path=config_module.INSTANCE_DIR,
        template_folder=os.path.join(PROJECT_DIR, "templates"),
        static_folder="static",
    )
    _load_config(app, config)
    _check_audit_retention(app)
    app.session_interface = session_interface(app)
    from app.views.input_guard import install_input_guard

    install_input_guard(app)  # before any route exists: it bounds <int:...>

    from app import models  # noqa: F401  (register every table on Model.metadata)
    from app.services.cases import catalogue, evaluations, report_cache
    from app.services.content import article_generation
    from app.services.content import site_settings as settings_generation
    from app.services.platform import jobs
    from app.services.registers import generation as register_generation

    csrf.init_app(app)
    platform_cache.init_app(app)
    jobs.init_app(app)  # background jobs: Celery when CELERY_BROKER_URL is set, else run in the request
    register_generation.install()  # a register change retires the cached query pages
    settings_generation.install()  # a settings change retires the settings and chrome every process keeps
    report_cache.install()  # a change to the cases retires the kept statistics reports
    article_generation.install()  # a change to an article retires the home page's kept 最新 block
    catalogue.GENERATION.install()  # a change to the catalogue retires its kept list and 办事指南
    evaluations.GENERATION.install()  # a new rating retires the 办事指南 that shows the item's satisfaction
    with app.app_context():
        db.init_app(app)
        migrate.init_app(app, db, directory=os.path.join(PROJECT_DIR, "migrations"))
        appbuilder = AppBuilder(update_perms=app.config["FAB_UPDATE_PERMS"] and _security_ready(app))
        appbuilder.init_app(app, db.session)
        from app.i18n import install_form_translations, install_locale_selector, install_translation_cache

        install_translation_cache(app)
        install_form_translations()
        install_locale_selector(app)
        _register_views(app, appbuilder)
    if app.config.get("QUERY_FAST_PATH", True):
        from app.platform.query_fast_path import QueryFastPath

        QueryFastPath.install(app)
    _observe_requests(app)

    _register_template_helpers(app)
    from app.cli import register_cli

    register_cli(app)
    _trust_proxies(app)
    if app.config.get("ENV_NAME") == "production":
        _refuse_demo_passwords(app)
    return app


def _security_ready(app: Flask) -> bool:
    """Before the first ``flask db upgrade`` FAB's tables do not exist, and before ``flask portal bootstrap`` the
    Admin role does not: asked to write its permissions at start-up (development), FAB would log a traceback per
    view (`make run`'s first start). ``flask portal bootstrap`` syncs the roles and permissions itself."""
    from sqlalchemy import inspect, text

    if not inspect(db.engine).has_table("ab_role"):
        return False
    with db.engine.connect() as connection:
        admin = connection.execute(
            text("SELECT 1 FROM ab_role WHERE name = :name"), {"name": app.config.get("AUTH_ROLE_ADMIN", "Admin")}
        )
        return admin.first() is not None


MINIMUM_AUDIT_RETENTION_DAYS = 180  # 等保 (GB/T 22239): logs kept for at least six months


def _check_audit_retention(app: Flask) -> None:
    days = int(app.config.get("AUDIT_RETENTION_DAYS", MINIMUM_AUDIT_RETENTION_DAYS))
    if days < MINIMUM_AUDIT_RETENTION_DAYS:
        raise ValueError(
            f"AUDIT_RETENTION_DAYS={days}: the audit trail must be kept at least "
            f"{MINIMUM_AUDIT_RETENTION_DAYS} days (等保: six months)"
        )


class DemoPasswordsActive(RuntimeError):
    """Production does not start while anyone can sign in with a password printed in the README."""


def _refuse_demo_passwords(app: Flask) -> None:
    """Serving stops here; ``flask`` commands only warn, so that an operator can still migrate and fix the accounts."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.seed.demo_data import accounts_with_demo_passwords

    with app.app_context():
        try:
            accounts = accounts_with_demo_passwords()
        except SQLAlchemyError:  # no schema yet (before the first ``flask db upgrade``): no accounts either
            accounts = []
        finally:
            db.session.remove()
    if not accounts:
        return
    message = (
        "PORTAL_ENV=production, but these demonstration accounts still have their published passwords: "
        + ", ".join(accounts)
        + ". Change their passwords or cancel them (e.g. `flask fab reset-password`), then start again."
    )
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" and not _serving_command():
        logging.getLogger(__name__).warning(message)
        return
    logging.getLogger(__name__).critical(message)
    raise DemoPasswordsActive(message)


def _serving_command() -> bool:
    import sys

    return "run" in sys.argv[1:]  # ``flask run``, ``flask --app run.py run``


def _observe_requests(app: Flask) -> None:
    """Metrics and the request log around everything but the proxy fix (app/platform/request_observer.py)."""
    from app.platform.metrics_endpoint import instrument_pool
    from app.platform.request_observer import RequestObserver

    RequestObserver.install(app)
    with app.app_context():
        instrument_pool(db.engine)


def _trust_proxies(app: Flask) -> None:
    """Outermost, so that every limit (and the query fast path) sees the visitor's own address."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Not X-Forwarded-Host: proxies pass the Host header itself, and one they do not set would be the client's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _load_config(app: Flask, config) -> None:
    if config is None or isinstance(config, dict):
        env_name = os.environ.get("PORTAL_ENV", "production")
        app.config.from_object(CONFIG_BY_ENV.get(env_name, config_module.Config))
        if isinstance(config, dict):
            app.config.update(config)
    else:
        app.config.from_object(config)
    if os.environ.get("PORTAL_SETTINGS") and not isinstance(config, dict):
        # A deployment's own settings file (Python, UPPERCASE names), for values without an environment
        # variable of their own (deploy/README.md); not read when a mapping is passed in (tests).
        app.config.from_envvar("PORTAL_SETTINGS")
    from app.roles import ROLE_PERMISSIONS

    app.config.setdefault("FAB_ROLES", ROLE_PERMISSIONS)
    from app.security import staff_password_policy

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_ENABLED", True)
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", staff_password_policy)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    log_format.configure(app.config, debug=app.debug)
    if app.config.get("ENV_NAME") == "development":
        # `make run`: the built-in SMS gateway's codes appear in the server log (README), WARNING elsewhere.
        logging.getLogger("app.services.platform.sms").setLevel(logging.INFO)


def _register_views(app: Flask, appbuilder: AppBuilder) -> None:
    from app.views.admin import register_admin_views
    from app.views.api import register_api
    from app.views.errors import register_error_handlers
    from app.views.health import register_health
    from app.views.portal import register_portal

    register_health(app)
    register_admin_views(appbuilder)
    register_portal(app)
    register_api(app)
    register_error_handlers(app)


def _register_template_helpers(app: Flask) -> None:
    from app.views.context import register_context

    register_context(app)
    _keep_compiled_templates(app)


def _keep_compiled_templates(app: Flask) -> None:
    """Jinja's bytecode cache on disk: each worker compiles a template once in the process anyway (Jinja keeps
    it in memory); this spares the compiling to every new worker (gunicorn restarts them, max_requests)."""
    directory = app.config.get("JINJA_BYTECODE_CACHE_DIR") or os.path.join(app.instance_path, "cache", "jinja")
    if directory == "off":
        return
    from jinja2 import FileSystemBytecodeCache

    os.makedirs(directory, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(directory)
