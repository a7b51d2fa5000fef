"""The 获取短信验证码 button: picture code first, then the SMS limits."""

import base64

import pytest

from app.models import SmsOutboxMessage


@pytest.fixture
def post_sms(new_captcha_id):
    def post(client, phone, purpose, captcha, captcha_id=None):
        return client.post(
            "/verify/sms",
            data={
                "phone": phone,
                "purpose": purpose,
                "captcha": captcha,
                "captcha_id": captcha_id or new_captcha_id(client),
            },
        )

    return post


def test_sms_needs_the_picture_code(client, db, known_captcha, post_sms):
    response = post_sms(client, "13712340000", "register", "XXXX")
    assert response.status_code == 400 and response.get_json()["field"] == "captcha"
    assert db.session.query(SmsOutboxMessage).count() == 0


def test_picture_code_is_single_use(client, db, known_captcha, post_sms, new_captcha_id):
    challenge = new_captcha_id(client)
    assert post_sms(client, "13712340000", "register", known_captcha, challenge).status_code == 200
    response = post_sms(client, "13712340001", "register", known_captcha, challenge)
    assert response.status_code == 400


def test_second_send_within_a_minute_is_refused(app, client, db, known_captcha, monkeypatch, post_sms):
    monkeypatch.setitem(app.config, "SMS_RESEND_SECONDS", 60)
    for expected in (200, 429):
        response = post_sms(client, "13712340000", "register", known_captcha)
        assert response.status_code == expected
    assert response.get_json()["retry_after"] > 0
    assert "秒" in response.get_json()["message"]
    assert db.session.query(SmsOutboxMessage).count() == 1


def test_unknown_purpose_and_bad_phone_are_refused(client, db, known_captcha, post_sms):
    assert post_sms(client, "13712340000", "anything", known_captcha).status_code == 400
    response = post_sms(client, "1371234", "register", known_captcha)
    assert response.status_code == 400 and response.get_json()["field"] == "phone"


def test_change_phone_code_needs_a_signed_in_citizen(client, db, known_captcha, post_sms):
    assert post_sms(client, "13712340000", "change_phone", known_captcha).status_code == 401


def test_picture_code_is_a_png(client, db):
    response = client.get("/verify/captcha")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    src = response.get_json()["src"]
    assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")


def test_pages_carry_their_picture_code(client, db):
    html = client.get("/account/register/personal").get_data(as_text=True)
    assert 'name="captcha_id"' in html and 'src="data:image/png;base64,' in html
