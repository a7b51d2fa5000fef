"""Redis configured but down: the portal keeps serving; SMS codes fail closed with a clear message.

A private ``redis-server`` (its own free port, no persistence, data in tmp_path) is
started for each test and stopped by its own PID — never the machine's Redis.
"""

import datetime
import socket
import subprocess
import time

import pytest

from app.models import SmsOutboxMessage
from app.platform import cache as portal_cache
from app.services.accounts.identity_documents import make_resident_id

UNAVAILABLE = "短信服务暂时不可用，请稍后再试"


class PrivateRedis:
    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_redis(app, db, redis_server, monkeypatch):
    """The application with REDIS_URL set to the private server (store and shared cache)."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    saved_store = app.extensions.pop("portal_shared_store", None)
    saved_caches = dict(app.extensions["cache"])
    portal_cache.cache.init_app(
        app,
        config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_server.url, "CACHE_KEY_PREFIX": "portal:cache:"},
    )
    try:
        yield redis_server
    finally:
        app.extensions.pop("portal_shared_store", None)
        if saved_store is not None:
            app.extensions["portal_shared_store"] = saved_store
        app.extensions["cache"].clear()
        app.extensions["cache"].update(saved_caches)


def sms_request(client, phone, purpose, captcha, captcha_id):
    return client.post(
        "/verify/sms", data={"phone": phone, "purpose": purpose, "captcha": captcha, "captcha_id": captcha_id}
    )


def test_the_portal_keeps_serving_when_redis_stops(
    app, client, db, registers, on_redis, register_person, known_captcha, staff_factory, personal_form
):
    person = register_person()  # through the pages, with Redis up
    staff_factory("ReviewOfficer", username="officer")
    on_redis.stop()

    pages = [
        "/",
        "/account/login",
        "/account/register/personal",
        "/account/register/legal",
        "/account/forgot",
        "/verify/captcha",
        "/query/enterprises",
        "/query/people",
        "/query/progress",
        "/admin/login/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    # A public query, twice (the second time through the shared cache, which is down too).
    for _ in range(2):
        found = client.get("/query/people", query_string={"name": "陈立", "qualification": "constructor_1"})
        assert found.status_code == 200 and "陈立新" in found.get_data(as_text=True)

    # The picture code works from the in-process store meanwhile.
    challenge = client.get("/verify/captcha").get_json()["id"]
    assert challenge

    # Citizen sign-in (and its failure counters).
    wrong = client.post("/account/login", data={"kind": "personal", "identifier": person["phone"], "password": "x"})
    assert wrong.status_code == 200
    right = client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    assert right.status_code == 302
    for page in ("/user/", "/user/cases", "/user/certificates", "/face/online_service?next=/user/"):
        assert client.get(page).status_code < 500, page
    client.post("/account/logout")

    # Staff sign-in.
    assert client.post("/admin/login/", data={"username": "officer", "password": "Staff@2026pass"}).status_code == 302
    client.get("/logout/")

    # The SMS button: a JSON refusal the page's script shows, and no message sent.
    outbox_before = db.session.query(SmsOutboxMessage).count()
    response = sms_request(
        client, "13712349999", "register", known_captcha, client.get("/verify/captcha").get_json()["id"]
    )
    assert response.status_code == 503 and response.is_json
    assert response.get_json() == {"ok": False, "field": "sms_code", "retry_after": 0, "message": UNAVAILABLE}
    assert db.session.query(SmsOutboxMessage).count() == outbox_before

    # Registering: the code cannot be checked, so the form says so by its field.
    form = personal_form(phone="13712349999", document_number=make_resident_id("110105", datetime.date(1990, 1, 1), 7))
    form["sms_code"] = "123456"
    response = client.post("/account/register/personal", data=form)
    assert response.status_code == 200
    assert UNAVAILABLE in response.get_data(as_text=True)
