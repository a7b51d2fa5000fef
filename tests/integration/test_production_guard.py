"""Production never runs with the demonstration passwords printed in the README (issue 14, item 9)."""

import logging
import sys

import pytest

from app import DemoPasswordsActive, create_app
from app.models import Account


@pytest.fixture
def production_config(app, tmp_path):
    return {
        "ENV_NAME": "production",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "CERTIFICATE_SIGNING_KEY_PATH": app.config["CERTIFICATE_SIGNING_KEY_PATH"],
        "CERTIFICATE_CACHE_DIR": str(tmp_path / "certificates"),
        "NOTICE_CACHE_DIR": str(tmp_path / "notices"),
    }


def test_production_refuses_to_start_while_a_demo_password_is_active(app, db, staff_factory, production_config):
    staff_factory("Admin", username="admin", password="Admin@2026demo")
    db.session.commit()
    with pytest.raises(DemoPasswordsActive) as refused:
        create_app(production_config)
    assert "admin" in str(refused.value)

    app.appbuilder.sm.reset_password(db.session.query(Account).filter_by(username="admin").one().id, "Chosen2026secret")
    db.session.commit()
    assert create_app(production_config).config["ENV_NAME"] == "production"


def test_production_starts_without_demo_accounts_and_development_starts_with_them(
    app, db, staff_factory, production_config
):
    assert create_app(production_config) is not None
    staff_factory("Admin", username="admin", password="Admin@2026demo")
    db.session.commit()
    assert create_app({**production_config, "ENV_NAME": "development"}) is not None


def test_flask_commands_only_warn_so_that_an_operator_can_fix_the_accounts(
    app, db, staff_factory, production_config, monkeypatch, caplog
):
    staff_factory("Admin", username="admin", password="Admin@2026demo")
    db.session.commit()
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr(sys, "argv", ["flask", "fab", "reset-password"])
    with caplog.at_level(logging.WARNING):
        assert create_app(production_config) is not None
    assert "admin" in caplog.text
    for serving in (["flask", "run"], ["flask", "--app", "run.py", "run", "--port", "5000"]):
        monkeypatch.setattr(sys, "argv", serving)
        with pytest.raises(DemoPasswordsActive):
            create_app(production_config)


def test_seed_demo_refuses_to_run_in_production(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["portal", "seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert app.appbuilder.sm.find_user(username="admin") is None
