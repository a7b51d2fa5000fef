"""Stolen sessions and a stopped Redis.

* A copy of a session cookie (a stolen one) is worth nothing after sign-out or a password change: every page
  of the user centre and of the back office turns it away.
* Redis stopped (a private ``redis-server``, started and stopped by its own PID — never the machine's): every
  page of the URL map still answers, without a 5xx, to a stranger, a citizen and an administrator.
"""

from app.roles import ADMIN
from tests import private_redis
from tests.routes import methods_of, routes, url_for_rule

redis_server = private_redis.redis_server
on_redis = private_redis.on_redis


def copy_of(app, client):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def user_centre_urls(app, world):
    for rule in routes(app):
        if rule.rule.startswith("/user/") and "GET" in rule.methods:
            yield url_for_rule(rule, 1, "pdf", world.ids)


def back_office_urls(app):
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        if hasattr(view, "__self__") and "GET" in rule.methods and "<" not in rule.rule:
            yield rule.rule


def test_a_copied_citizen_session_is_worthless_after_sign_out(app, world):
    a = world.clients["citizen A"]
    stolen = copy_of(app, a)
    assert stolen.get("/user/").status_code == 200
    a.post("/account/logout")
    for url in user_centre_urls(app, world):
        response = stolen.get(url)
        assert response.status_code != 200 and response.status_code < 500, url
    assert stolen.post("/user/messages/read", data={}).status_code == 302
    assert stolen.get("/user/").headers["Location"].startswith("/account/login")


def test_a_copied_citizen_session_is_worthless_after_a_password_change(app, world):
    a = world.clients["citizen A"]
    stolen = copy_of(app, a)
    response = a.post(
        "/user/settings",
        data={
            "action": "password",
            "password-current_password": "Attack2026pass",
            "password-new_password": "Renewed2026pass",
            "password-password_confirm": "Renewed2026pass",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert a.get("/user/").status_code == 200
    for url in user_centre_urls(app, world):
        response = stolen.get(url)
        assert response.status_code != 200 and response.status_code < 500, url


def test_a_copied_staff_session_is_worthless_after_sign_out(app, world):
    admin = world.clients[ADMIN]
    stolen = copy_of(app, admin)
    assert stolen.get("/users/userinfo/").status_code == 200
    admin.post("/admin/logout/")
    for url in back_office_urls(app):
        response = stolen.get(url)
        # the REST API's specification is public by design (app/views/api)
        assert response.status_code != 200 or url in ("/admin/", "/admin/login/", "/back", "/api/v1/openapi.json"), url
        assert response.status_code < 500, url


def test_every_page_answers_without_a_5xx_while_redis_is_stopped(app, world, on_redis):
    visitors = {who: world.clients[who] for who in ("anonymous", "citizen A", ADMIN)}  # signed in with Redis up
    on_redis.stop()
    assert on_redis.process.poll() is not None, "the private redis-server is stopped"
    failed, tried = [], 0
    for rule in routes(app):
        url = url_for_rule(rule, 1, "x", {"code": world.case.item.code, **world.ids, "purpose": "online_service"})
        for who, client in visitors.items():
            for method in methods_of(rule):
                tried += 1
                status = client.open(url, method=method).status_code
                if status >= 500 and not (rule.endpoint == "verification.send_sms_code" and status == 503):
                    failed.append(f"{who} {method} {url}: {status}")
    assert tried > 500 and not failed, "\n".join(failed)
    assert visitors["citizen A"].get("/user/").status_code == 200
