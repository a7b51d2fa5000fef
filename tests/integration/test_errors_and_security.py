"""Error pages, CSRF, cookies and secrets."""

import re

import pytest
from flask import abort

from app import create_app


def test_not_found_page_is_translated_and_in_the_portal_look(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html
    assert "住房和城乡建设部政务服务门户" in html
    assert "返回首页" in html


@pytest.fixture
def bare_app():
    """A separate app, so that test-only routes can be added before its first request."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False})


def test_server_error_shows_no_stack_trace(bare_app):
    @bare_app.route("/__boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = bare_app.test_client().get("/__boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "服务暂时不可用" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_forbidden_page_is_translated(bare_app):
    @bare_app.route("/__forbidden")
    def forbidden():
        abort(403)

    response = bare_app.test_client().get("/__forbidden")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


def test_error_page_in_english_after_switch(client):
    client.get("/language/en")
    assert "Page not found" in client.get("/missing").get_data(as_text=True)


def test_forms_are_protected_against_csrf(app, db, staff_factory):
    staff_factory("Admin", username="csrfadmin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/admin/login/", data={"username": "csrfadmin", "password": "Staff@2026pass"})
        assert response.status_code == 400
        assert "页面已过期" in response.get_data(as_text=True)
        page = client.get("/admin/login/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/admin/login/", data={"username": "csrfadmin", "password": "Staff@2026pass", "csrf_token": token}
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_is_httponly_and_samesite(client):
    client.get("/")
    response = client.get("/language/zh")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookie_when_configured(monkeypatch, tmp_path):
    app = create_app({"SESSION_COOKIE_SECURE": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/language/zh")
    assert "Secure" in response.headers.get("Set-Cookie", "")


def test_secret_key_is_generated_into_instance_when_missing(tmp_path):
    from app.secrets import load_or_create_secret_key

    first = load_or_create_secret_key(str(tmp_path))
    second = load_or_create_secret_key(str(tmp_path))
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    import importlib

    import config

    importlib.reload(config)
    try:
        assert config.Config.SECRET_KEY == "from-the-environment"
    finally:
        monkeypatch.delenv("SECRET_KEY")
        importlib.reload(config)


@pytest.mark.parametrize("name", ["RECAPTCHA_PUBLIC_KEY"])
def test_no_google_recaptcha(app, name):
    assert not app.config[name]
    assert app.appbuilder.sm.userstatschartview is None


# --- response headers (app/security_headers.py) ------------------------------------------


def test_portal_pages_run_no_inline_script_and_cannot_be_framed(client):
    for path in ("/", "/query/people", "/no-such-page", "/account/login"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "default-src 'self'" in policy, path
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert headers["X-Frame-Options"] == "SAMEORIGIN" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_the_back_office_keeps_its_inline_scripts_but_nothing_from_another_host(client):
    policy = client.get("/admin/login/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline';" in policy and "default-src 'self'" in policy


def test_a_page_that_sets_its_own_referrer_policy_keeps_it(client):
    assert client.get("/face/m/unknown-token").headers["Referrer-Policy"] == "no-referrer"


def test_pages_answered_before_flask_carry_the_same_headers(app, db, monkeypatch):
    from app.seed.demo_registers import seed_demo_registers

    seed_demo_registers()
    db.session.commit()
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1000)
    first, again = (app.test_client().get("/query/people", query_string={"name": "陈立"}) for _ in range(2))
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert again.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_https_deployments_ask_browsers_to_stay_on_https(tmp_path):
    secure = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SESSION_COOKIE_SECURE": True})
    with secure.app_context():
        from app.extensions import db

        db.create_all()
    assert secure.test_client().get("/no-such-page").headers["Strict-Transport-Security"] == "max-age=31536000"
