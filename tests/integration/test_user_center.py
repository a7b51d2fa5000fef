"""用户中心 → 账户设置: masked data, change phone (FAQ 7), email, password."""

import re

from app.models import Account


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def signed_in(client, person):
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )


def test_settings_show_masked_identity(client, db, register_person):
    person = register_person()
    signed_in(client, person)
    html = client.get("/user/settings").get_data(as_text=True)
    number = person["document_number"]
    assert number not in html and person["phone"] not in html
    assert number[:4] + "**********" + number[-4:] in html
    assert person["phone"][:3] + "****" + person["phone"][-4:] in html


def test_change_phone_with_sms_to_the_new_phone(client, db, register_person, request_sms):
    person = register_person()
    signed_in(client, person)
    code = request_sms(client, "13566667777", "change_phone")
    response = client.post(
        "/user/settings", data={"action": "phone", "phone-phone": "13566667777", "phone-sms_code": code}
    )
    assert response.status_code == 302
    assert db.session.query(Account).filter_by(phone="13566667777").count() == 1


def test_change_phone_refuses_a_phone_bound_elsewhere(client, db, register_person, personal_form):
    import datetime

    from app.services.accounts.identity_documents import make_resident_id

    first = register_person()
    second = register_person(
        document_number=make_resident_id("110105", datetime.date(1991, 2, 3), 21),
        phone="13522223333",
        email="b@example.cn",
    )
    signed_in(client, second)
    response = client.post(
        "/user/settings", data={"action": "phone", "phone-phone": first["phone"], "phone-sms_code": "123456"}
    )
    assert "该手机号已被其他账号绑定" in text(response)


def test_change_password_needs_the_current_one(client, db, register_person):
    person = register_person()
    signed_in(client, person)
    response = client.post(
        "/user/settings",
        data={
            "action": "password",
            "password-current_password": "nope",
            "password-new_password": "Another2026",
            "password-password_confirm": "Another2026",
        },
    )
    assert "当前密码错误" in text(response)
    response = client.post(
        "/user/settings",
        data={
            "action": "password",
            "password-current_password": person["password"],
            "password-new_password": "Another2026",
            "password-password_confirm": "Another2026",
        },
    )
    assert response.status_code == 302


def test_change_email(client, db, register_person):
    person = register_person()
    signed_in(client, person)
    response = client.post("/user/settings", data={"action": "email", "email-email": "new@example.cn"})
    assert response.status_code == 302
    assert "new@example.cn" in text(client.get("/user/settings"))


# --- 我的消息 ----------------------------------------------------------------------------


def _inbox_of(db, person, count=2):
    from app.models import InboxMessage

    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    for n in range(count):
        db.session.add(InboxMessage(account_id=account.id, title=f"消息{n}", body="正文"))
    db.session.commit()
    return account


def _unread(db, account):
    from app.models import InboxMessage

    db.session.expire_all()
    return db.session.query(InboxMessage).filter_by(account_id=account.id, read_at=None).count()


def test_reading_the_inbox_leaves_messages_unread(client, db, register_person):
    person = register_person()
    account = _inbox_of(db, person)
    signed_in(client, person)
    page = client.get("/user/messages").get_data(as_text=True)
    assert "消息0" in page and "消息1" in page and "全部标为已读" in page
    client.get("/user/messages")
    assert _unread(db, account) == 2


def test_mark_all_read_is_a_post(client, db, register_person):
    person = register_person()
    account = _inbox_of(db, person)
    signed_in(client, person)
    response = client.post("/user/messages/read")
    assert response.status_code == 302 and response.headers["Location"].endswith("/user/messages")
    assert _unread(db, account) == 0
    assert "全部标为已读" not in client.get("/user/messages").get_data(as_text=True)


def test_mark_one_message_read(client, db, register_person):
    from app.models import InboxMessage

    person = register_person()
    account = _inbox_of(db, person)
    first = db.session.query(InboxMessage).filter_by(title="消息0").one()
    signed_in(client, person)
    client.post("/user/messages/read", data={"message_id": first.id})
    db.session.expire_all()
    assert first.read_at is not None
    assert _unread(db, account) == 1


def test_mark_read_touches_only_ones_own_messages(client, db, register_person):
    import datetime

    from app.services.accounts.identity_documents import make_resident_id

    owner = register_person()
    account = _inbox_of(db, owner)
    other = register_person(
        document_number=make_resident_id("110105", datetime.date(1991, 2, 3), 21),
        phone="13522223333",
        email="b@example.cn",
    )
    signed_in(client, other)
    client.post("/user/messages/read")
    assert _unread(db, account) == 2


def test_mark_read_needs_the_csrf_token(app, client, db, register_person):
    person = register_person()
    account = _inbox_of(db, person)
    signed_in(client, person)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/user/messages/read").status_code == 400
        page = client.get("/user/messages").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/user/messages/read", data={"csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _unread(db, account) == 0
