"""PORTAL_SETTINGS: a deployment's file of settings that have no environment variable of their own (deploy/README.md)."""

from app import create_app
from config import TestConfig


def test_the_file_named_by_portal_settings_is_read_after_the_configuration_class(app, tmp_path, monkeypatch):
    settings = tmp_path / "settings.py"
    settings.write_text("QUERY_CAPTCHA_AFTER = 42\nLOGIN_LOCK_MINUTES = 45\n")
    monkeypatch.setenv("PORTAL_SETTINGS", str(settings))
    built = create_app(TestConfig)
    assert built.config["QUERY_CAPTCHA_AFTER"] == 42
    assert built.config["LOGIN_LOCK_MINUTES"] == 45


def test_a_mapping_passed_in_is_not_overridden_by_the_file(app, tmp_path, monkeypatch):
    settings = tmp_path / "settings.py"
    settings.write_text("LOGIN_LOCK_MINUTES = 45\n")
    monkeypatch.setenv("PORTAL_SETTINGS", str(settings))
    built = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert built.config["LOGIN_LOCK_MINUTES"] == 30
