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


def test_one_client_cannot_send_codes_to_many_numbers(app, client, db, known_captcha, monkeypatch, post_sms):
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_HOUR", 5)
    for n in range(5):
        assert post_sms(client, f"1371234000{n}", "register", known_captcha).status_code == 200
    response = post_sms(client, "13712340009", "register", known_captcha)
    assert response.status_code == 429
    assert response.get_json()["message"] == "本网络申请验证码过于频繁，请稍后再试"
    assert db.session.query(SmsOutboxMessage).count() == 5
    # The refusal used up nothing of that phone: from another address it gets its code.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert post_sms(other, "13712340009", "register", known_captcha).status_code == 200


def test_an_ipv6_client_counts_as_its_64_network(app, client, db, known_captcha, monkeypatch, post_sms):
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_HOUR", 2)
    for n, address in enumerate(("2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:abcd::9")):
        client.environ_base["REMOTE_ADDR"] = address
        response = post_sms(client, f"1371234000{n}", "register", known_captcha)
    assert response.status_code == 429
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"
    assert post_sms(client, "13712340008", "register", known_captcha).status_code == 200


def test_the_daily_bound_per_client(app, client, db, known_captcha, monkeypatch, post_sms):
    monkeypatch.setitem(app.config, "SMS_PER_CLIENT_PER_DAY", 3)
    statuses = [post_sms(client, f"1371234000{n}", "register", known_captcha).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_an_empty_picture_code_is_asked_for_and_the_picture_stays_usable(
    client, db, known_captcha, post_sms, new_captcha_id
):
    challenge = new_captcha_id(client)
    response = post_sms(client, "13712340000", "register", "  ", challenge)
    answer = response.get_json()
    assert response.status_code == 400 and answer["field"] == "captcha"
    assert answer["message"] == "请输入图片中的字符"  # not "图形验证码错误，已更换新图片"
    assert answer["keep_picture"] is True
    assert db.session.query(SmsOutboxMessage).count() == 0
    assert post_sms(client, "13712340000", "register", known_captcha, challenge).status_code == 200
