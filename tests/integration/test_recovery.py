"""忘记密码, 账号注销, 法人变更 (manual 二.3–二.5)."""

import re

from app.models import Account, AccountStatus, AuditRecord


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def login(client, identifier, password, kind="personal"):
    return client.post("/account/login", data={"kind": kind, "identifier": identifier, "password": password})


def test_reset_password_ends_all_sessions(app, client, db, register_person, request_sms):
    person = register_person()
    other_browser = app.test_client()
    assert login(other_browser, person["phone"], person["password"]).status_code == 302
    assert other_browser.get("/user/").status_code == 200

    code = request_sms(client, person["phone"], "reset_password")
    response = client.post(
        "/account/forgot",
        data={"kind": "personal", "identifier": person["document_number"], "phone": person["phone"], "sms_code": code},
    )
    assert response.headers["Location"].endswith("/account/forgot/reset")
    response = client.post(
        "/account/forgot/reset", data={"password": "Renewed2026pass", "password_confirm": "Renewed2026pass"}
    )
    assert response.status_code == 302

    assert other_browser.get("/user/").status_code == 302, "the other session has ended"
    assert login(client, person["phone"], person["password"]).status_code == 200
    assert login(client, person["phone"], "Renewed2026pass").status_code == 302
    assert db.session.query(AuditRecord).filter_by(event="account.password_reset").count() == 1


def test_reset_refuses_wrong_phone_without_telling_which(client, db, register_person):
    person = register_person()
    response = client.post(
        "/account/forgot",
        data={
            "kind": "personal",
            "identifier": person["document_number"],
            "phone": "13900000001",
            "sms_code": "123456",
        },
    )
    assert "没有与该号码和手机号匹配的账号" in text(response)


def test_reset_page_needs_the_security_check(client):
    response = client.get("/account/forgot/reset")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/forgot")


def test_reset_refuses_a_weak_password(client, db, register_person, request_sms):
    person = register_person()
    code = request_sms(client, person["phone"], "reset_password")
    client.post(
        "/account/forgot",
        data={"kind": "personal", "identifier": person["phone"], "phone": person["phone"], "sms_code": code},
    )
    response = client.post("/account/forgot/reset", data={"password": "short1", "password_confirm": "short1"})
    assert response.status_code == 200 and "8" in text(response)


def test_security_page_offers_cancellation_and_legal_rep_change(client):
    page = text(client.get("/account/forgot"))
    assert "账号注销" in page and "法人变更" in page


def test_cancelled_account_cannot_sign_in_and_document_can_register_again(
    client, db, register_person, request_sms, personal_form
):
    person = register_person()
    code = request_sms(client, person["phone"], "cancel_account")
    response = client.post(
        "/account/cancel",
        data={
            "kind": "personal",
            "identifier": person["document_number"],
            "phone": person["phone"],
            "sms_code": code,
            "confirm": "y",
        },
    )
    assert response.status_code == 302
    account = db.session.query(Account).filter_by(document_number=person["document_number"]).one()
    assert account.status == AccountStatus.CANCELLED and account.cancelled_at is not None
    assert login(client, person["phone"], person["password"]).status_code == 200

    again = personal_form(phone="13733334444")
    again["sms_code"] = request_sms(client, again["phone"], "register")
    assert client.post("/account/register/personal", data=again).status_code == 302
    assert db.session.query(Account).filter_by(document_number=person["document_number"]).count() == 2


def test_cancellation_needs_explicit_confirmation(client, db, register_person, request_sms):
    person = register_person()
    code = request_sms(client, person["phone"], "cancel_account")
    response = client.post(
        "/account/cancel",
        data={"kind": "personal", "identifier": person["document_number"], "phone": person["phone"], "sms_code": code},
    )
    assert response.status_code == 200 and "请确认" in text(response)
    assert db.session.query(Account).filter_by(phone=person["phone"]).one().status == AccountStatus.ACTIVE


def test_cancellation_with_wrong_sms_code_is_refused(client, db, register_person, request_sms):
    person = register_person()
    request_sms(client, person["phone"], "cancel_account")
    response = client.post(
        "/account/cancel",
        data={
            "kind": "personal",
            "identifier": person["document_number"],
            "phone": person["phone"],
            "sms_code": "000001",
            "confirm": "y",
        },
    )
    assert response.status_code == 200
    assert db.session.query(Account).filter_by(phone=person["phone"]).one().status == AccountStatus.ACTIVE


def _copy_of(app, client):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_one_verification_one_reset_a_copied_cookie_cannot_reset_again(app, client, db, register_person, request_sms):
    person = register_person()
    code = request_sms(client, person["phone"], "reset_password")
    client.post(
        "/account/forgot",
        data={"kind": "personal", "identifier": person["document_number"], "phone": person["phone"], "sms_code": code},
    )
    copy = _copy_of(app, client)
    response = client.post(
        "/account/forgot/reset", data={"password": "Renewed2026pass", "password_confirm": "Renewed2026pass"}
    )
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    replay = copy.post(
        "/account/forgot/reset", data={"password": "Hijacked2026pass", "password_confirm": "Hijacked2026pass"}
    )
    assert replay.status_code == 302 and replay.headers["Location"].endswith("/account/forgot")
    assert copy.get("/account/forgot/reset").headers["Location"].endswith("/account/forgot")
    assert login(client, person["phone"], "Hijacked2026pass").status_code == 200
    assert login(client, person["phone"], "Renewed2026pass").status_code == 302
    assert db.session.query(AuditRecord).filter_by(event="account.password_reset").count() == 1
