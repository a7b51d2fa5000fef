"""The 获取短信验证码 button: picture code first, then the SMS limits."""

from app.models import SmsOutboxMessage


def test_sms_needs_the_picture_code(client, db, known_captcha):
    client.get("/verify/captcha.png")
    response = client.post("/verify/sms", data={"phone": "13712340000", "purpose": "register", "captcha": "XXXX"})
    assert response.status_code == 400 and response.get_json()["field"] == "captcha"
    assert db.session.query(SmsOutboxMessage).count() == 0


def test_picture_code_is_single_use(client, db, known_captcha):
    client.get("/verify/captcha.png")
    assert client.post("/verify/sms", data={"phone": "13712340000", "purpose": "register",
                                            "captcha": known_captcha}).status_code == 200
    response = client.post("/verify/sms", data={"phone": "13712340001", "purpose": "register",
                                                "captcha": known_captcha})
    assert response.status_code == 400


def test_second_send_within_a_minute_is_refused(app, client, db, known_captcha, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    for expected in (200, 429):
        client.get("/verify/captcha.png")
        response = client.post("/verify/sms", data={"phone": "13712340000", "purpose": "register",
                                                    "captcha": known_captcha})
        assert response.status_code == expected
    assert response.get_json()["retry_after"] > 0
    assert "秒" in response.get_json()["message"]
    assert db.session.query(SmsOutboxMessage).count() == 1


def test_unknown_purpose_and_bad_phone_are_refused(client, db, known_captcha):
    client.get("/verify/captcha.png")
    assert client.post("/verify/sms", data={"phone": "13712340000", "purpose": "anything",
                                            "captcha": known_captcha}).status_code == 400
    client.get("/verify/captcha.png")
    response = client.post("/verify/sms", data={"phone": "1371234", "purpose": "register", "captcha": known_captcha})
    assert response.status_code == 400 and response.get_json()["field"] == "phone"


def test_change_phone_code_needs_a_signed_in_citizen(client, db, known_captcha):
    client.get("/verify/captcha.png")
    assert client.post("/verify/sms", data={"phone": "13712340000", "purpose": "change_phone",
                                            "captcha": known_captcha}).status_code == 401


def test_captcha_image_is_a_png(client, db):
    response = client.get("/verify/captcha.png")
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "no-store"
