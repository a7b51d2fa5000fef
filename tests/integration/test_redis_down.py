"""Redis configured but down: the portal keeps serving; SMS codes fail closed with a clear message.

A private ``redis-server`` (its own free port, no persistence, data in tmp_path) is
started for each test and stopped by its own PID — never the machine's Redis.
"""

import datetime

from app.models import SmsOutboxMessage
from app.services.accounts.identity_documents import make_resident_id
from tests import private_redis

UNAVAILABLE = "短信服务暂时不可用，请稍后再试"

redis_server = private_redis.redis_server
on_redis = private_redis.on_redis


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
