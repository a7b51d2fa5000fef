"""登录 (manual 二.2): tabs, captcha after 3 failures, lock-out after 5, audit, sessions."""

import datetime
import re

from app import clock
from app.models import Account, AuditRecord


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def login(client, identifier, password, kind="personal", **extra):
    return client.post("/account/login", data={"kind": kind, "identifier": identifier, "password": password, **extra})


def test_login_page_has_both_tabs_and_links(client):
    page = text(client.get("/account/login"))
    for label in ("个人用户登录", "法人用户登录", "忘记密码", "立即注册账号"):
        assert label in page
    assert "统一社会信用代码" in text(client.get("/account/login?tab=legal"))
    assert "data-toggle-password" in client.get("/account/login").get_data(as_text=True)


def test_login_with_document_number_and_with_phone(client, db, register_person):
    person = register_person()
    response = login(client, person["document_number"].lower(), person["password"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/user/")
    client.post("/account/logout")
    assert login(client, person["phone"], person["password"]).status_code == 302
    events = [e for (e,) in db.session.query(AuditRecord.event).filter(AuditRecord.event == "login.success")]
    assert len(events) == 2


def test_legal_login_with_uscc(client, db, request_sms, legal_form):
    data = legal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    client.post("/account/register/legal", data=data)
    client.post("/account/logout")
    assert login(client, data["uscc"], data["password"], kind="legal").status_code == 302
    assert "杭州示范建筑工程有限公司" in text(client.get("/user/"))


def test_personal_tab_does_not_accept_a_uscc(client, db, request_sms, legal_form):
    data = legal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    client.post("/account/register/legal", data=data)
    client.post("/account/logout")
    assert login(client, data["uscc"], data["password"], kind="personal").status_code == 200


def test_failures_are_audited_with_ip_and_masked_identifier(client, db, register_person):
    person = register_person()
    login(client, person["document_number"], "Wrong2026pass")
    record = db.session.query(AuditRecord).filter_by(event="login.failure").one()
    assert record.ip_address == "127.0.0.1"
    assert person["document_number"] not in record.subject
    assert record.subject.startswith(person["document_number"][:4])


def test_captcha_after_three_failures(client, db, register_person, known_captcha, new_captcha_id):
    person = register_person()
    for _ in range(3):
        response = login(client, person["document_number"], "Wrong2026pass")
    assert "图形验证码" in text(response)
    # The right password alone is no longer enough.
    response = login(client, person["document_number"], person["password"])
    assert response.status_code == 200 and "请输入图片中的字符" in text(response)
    response = login(
        client, person["document_number"], person["password"], captcha=known_captcha, captcha_id=new_captcha_id(client)
    )
    assert response.status_code == 302


def test_lockout_after_five_failures_says_until_when(client, db, register_person, known_captcha, new_captcha_id):
    person = register_person()
    for _ in range(5):
        response = login(
            client, person["document_number"], "Wrong2026pass", captcha=known_captcha, captcha_id=new_captcha_id(client)
        )
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    assert account.locked_until is not None
    shown = account.locked_until + datetime.timedelta(hours=8)  # stored in UTC, shown in Beijing time
    assert shown.strftime("%Y-%m-%d %H:%M") in text(response)
    response = login(
        client, person["document_number"], person["password"], captcha=known_captcha, captcha_id=new_captcha_id(client)
    )
    assert response.status_code == 200 and "锁定" in text(response)
    # recorded when the fifth failure locks the account, and again when it is tried while locked
    assert db.session.query(AuditRecord).filter_by(event="login.locked").count() == 2
    locked = (
        db.session.query(AuditRecord)
        .filter_by(event="login.locked", account_id=account.id)
        .order_by(AuditRecord.id)
        .first()
    )
    # The audit trail states the lock's end in Beijing time, with its offset, like every time it shows.
    assert shown.strftime("%Y-%m-%dT%H:%M+08:00") in str(locked.detail)


def test_lock_expires_after_thirty_minutes(client, db, register_person, known_captcha):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    account.locked_until = clock.now() - datetime.timedelta(seconds=1)
    db.session.commit()
    assert login(client, person["phone"], person["password"]).status_code == 302


def test_staff_can_unlock(client, db, register_person, staff_factory, login_staff, known_captcha):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    account.locked_until = clock.now() + datetime.timedelta(minutes=30)
    db.session.commit()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    response = client.post("/portalaccountadminview/action_post", data={"action": "unlock", "rowid": [str(account.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Account, account.id).locked_until is None
    assert db.session.query(AuditRecord).filter_by(event="account.unlocked", account_id=account.id).count() == 1
    client.get("/logout/")
    other = client.application.test_client()
    assert login(other, person["phone"], person["password"]).status_code == 302


def test_session_is_permanent_with_idle_lifetime(app, client, db, register_person):
    person = register_person()
    login(client, person["phone"], person["password"])
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None


def test_citizen_cannot_use_the_back_office(client, db, register_person):
    person = register_person()
    login(client, person["phone"], person["password"])
    assert client.get("/admin/").status_code == 403
    assert client.get("/portalaccountadminview/list/").status_code == 403


def test_citizen_cannot_sign_in_to_the_back_office(client, db, register_person):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    client.post("/admin/login/", data={"username": account.username, "password": person["password"]})
    assert client.get("/admin/").status_code == 302


def test_user_center_requires_login(client):
    response = client.get("/user/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_login_next_never_leaves_the_site(client, db, register_person):
    person = register_person()
    response = client.post(
        "/account/login?next=https://evil.example/",
        data={"kind": "personal", "identifier": person["phone"], "password": person["password"]},
    )
    assert response.headers["Location"] == "/user/"


def _error_of(response) -> str:
    """The form's answer (the page without the attributes, e.g. the identifier typed)."""
    assert response.status_code == 200
    return text(response)


def test_an_unknown_account_gets_the_same_answers_as_a_wrong_password(
    app, db, register_person, known_captcha, new_captcha_id
):
    """Issue 14, item 6: message by message up to and after the lock, nothing tells whether the account exists."""
    import time_machine

    from app.services.accounts.identity_documents import make_resident_id

    person = register_person()
    unknown = make_resident_id("110105", datetime.date(1991, 2, 3), 21)
    known_client, unknown_client = app.test_client(), app.test_client()
    with time_machine.travel(datetime.datetime(2026, 12, 3, 2, 0, tzinfo=datetime.UTC), tick=False):
        for attempt in range(7):
            answers = []
            for client, identifier in ((known_client, person["document_number"]), (unknown_client, unknown)):
                extra = {"captcha": known_captcha, "captcha_id": new_captcha_id(client)} if attempt >= 3 else {}
                answers.append(_error_of(login(client, identifier, "Wrong2026pass", **extra)))
            assert answers[0] == answers[1], f"attempt {attempt + 1}"
            assert "账号或密码错误" in answers[0] or "锁定" in answers[0]
    assert "锁定" in answers[0]


def test_an_unknown_account_costs_the_same_password_hash(client, db, register_person, monkeypatch):
    from app.services.accounts import login as login_service

    calls = []
    real = login_service.check_password_hash
    monkeypatch.setattr(login_service, "check_password_hash", lambda *args: calls.append(args) or real(*args))
    person = register_person()
    login(client, person["document_number"], "Wrong2026pass")
    login(client, "110105199102030213", "Wrong2026pass")
    assert len(calls) == 2
    assert calls[1][0].startswith(calls[0][0].split("$")[0]), "the dummy hash uses the accounts' method"
