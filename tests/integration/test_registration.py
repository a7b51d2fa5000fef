"""个人注册 and 法人注册 (manual 二.1): every refusal, nothing saved half-way."""

import re

import pytest

from app.models import Account, AccountKind, AuditRecord, Enterprise
from app.services.accounts.identity_documents import make_uscc


def page_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def field_error(response, field_id):
    match = re.search(rf'id="{field_id}-error" role="alert">([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else None


def accounts(db):
    return db.session.query(Account).filter(Account.kind != AccountKind.STAFF).count()


def test_register_offers_personal_and_legal(client):
    page = page_text(client.get("/"))
    assert "个人注册" in page and "法人注册" in page
    choice = page_text(client.get("/account/register"))
    assert "个人注册" in choice and "法人注册" in choice


def test_personal_form_has_the_manual_fields(client):
    html = client.get("/account/register/personal").get_data(as_text=True)
    text = page_text(client.get("/account/register/personal"))
    assert "为提高账号安全性和体验级别，请务必填写本人的证件信息。" in text
    for label in (
        "居民身份证",
        "普通护照",
        "台湾居民来往大陆通行证",
        "港澳居民来往内地通行证",
        "外国人永久居留身份证",
        "5年",
        "10年",
        "20年",
        "长期有效",
        "获取短信验证码",
        "我已阅读并同意",
        "用户协议",
        "隐私政策",
        "确认密码",
        "邮箱",
    ):
        assert label in text, label
    assert 'name="valid_from"' in html and 'name="valid_to"' in html


def test_personal_registration_end_to_end(client, db, request_sms, personal_form):
    data = personal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    assert response.status_code == 302
    account = db.session.query(Account).filter_by(phone=data["phone"]).one()
    assert account.kind == AccountKind.PERSONAL
    assert account.document_number == data["document_number"]
    assert account.birth_date.isoformat() == "1986-04-02" and account.gender == "M"
    assert account.document_valid_to.isoformat() == "2036-04-02"
    assert account.password != data["password"] and account.password.startswith(("scrypt", "pbkdf2"))
    assert data["document_number"] not in account.username
    assert db.session.query(AuditRecord).filter_by(event="account.registered", account_id=account.id).count() == 1
    assert "刘德明" in page_text(client.get("/user/"))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"document_number": "110105194912310021"}, "document_number", "校验位错误"),
        ({"document_number": "110105860402131"}, "document_number", "15位"),
        ({"document_number": "1101 0519491231002X"}, "document_number", "空格"),
        ({"gender": "F"}, "gender", "性别与证件号码不一致"),
        ({"birth_date": "1986-04-03"}, "birth_date", "出生日期与证件号码不一致"),
        ({"valid_from": "2000-01-01", "validity": "10"}, "valid_to", "过期"),
        ({"phone": "12345678901"}, "phone", "手机号"),
        ({"password": "abcdefgh", "password_confirm": "abcdefgh"}, "password", "字母和数字"),
        ({"password": "Ab1", "password_confirm": "Ab1"}, "password", "8"),
        ({"password": "password1", "password_confirm": "password1"}, "password", "过于常见"),
        ({"password": "a1a1a1a1", "password_confirm": "a1a1a1a1"}, "password", "过于常见"),
        ({"password_confirm": "Different2026"}, "password_confirm", "两次"),
        ({"agree": ""}, None, "用户协议"),
        ({"email": "not-an-email"}, "email", "邮箱"),
    ],
)
def test_personal_registration_refusals(client, db, request_sms, personal_form, overrides, field, message):
    data = personal_form(**overrides)
    data["sms_code"] = request_sms(client, data["phone"], "register") if "phone" not in overrides else "123456"
    response = client.post("/account/register/personal", data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert message in (field_error(response, field) if field else text)
    assert accounts(db) == 0, "nothing is saved when anything is refused"


def test_form_keeps_what_was_typed_but_not_passwords(client, personal_form):
    data = personal_form(document_number="110105194912310021", sms_code="000000")
    html = client.post("/account/register/personal", data=data).get_data(as_text=True)
    assert 'value="110105194912310021"' in html
    assert 'value="刘德明"' in html
    assert 'value="liudeming@example.cn"' in html
    assert "Secure2026pass" not in html


def test_password_equal_to_id_number_is_refused(client, db, request_sms, personal_form):
    number = personal_form()["document_number"]
    data = personal_form(password=number, password_confirm=number)
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    assert "不能与证件号码或手机号相同" in (field_error(response, "password") or "")


def test_wrong_sms_code_is_refused(client, db, request_sms, personal_form):
    data = personal_form()
    right = request_sms(client, data["phone"], "register")
    data["sms_code"] = "000000" if right != "000000" else "111111"
    response = client.post("/account/register/personal", data=data)
    assert "验证码" in page_text(response)
    assert accounts(db) == 0


def test_sms_code_cannot_be_reused(client, db, request_sms, personal_form):
    data = personal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    assert client.post("/account/register/personal", data=data).status_code == 302
    client.post("/account/logout")
    other = personal_form(document_number=personal_form()["document_number"][:-1] + "0", phone=data["phone"])
    other["sms_code"] = data["sms_code"]
    response = client.post("/account/register/personal", data=other)
    assert response.status_code == 200


def test_duplicate_document_is_refused(client, db, register_person, request_sms, personal_form):
    first = register_person()
    data = personal_form(phone="13611112222", email="other@example.cn")
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    assert "该证件已注册账号" in (field_error(response, "document_number") or "")
    assert db.session.query(Account).filter_by(document_number=first["document_number"]).count() == 1


def test_duplicate_phone_is_refused(client, db, register_person, request_sms, personal_form):
    import datetime

    from app.services.accounts.identity_documents import make_resident_id

    first = register_person()
    data = personal_form(
        document_number=make_resident_id("110105", datetime.date(1990, 1, 1), 11), gender="M", phone=first["phone"]
    )
    data["sms_code"] = "123456"
    response = client.post("/account/register/personal", data=data)
    assert "该手机号已被其他账号绑定" not in page_text(response), "said before the SMS code was verified"
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    assert "该手机号已被其他账号绑定" in (field_error(response, "phone") or "")


def test_a_registered_document_or_uscc_is_not_revealed_without_the_sms_code(
    client, db, register_person, request_sms, personal_form, legal_form
):
    """Without the phone's code, a registered number gets the same answer as a free one (issue 14, item 6)."""
    register_person()
    taken = personal_form(phone="13611112222", email="other@example.cn", sms_code="000000")
    response = client.post("/account/register/personal", data=taken)
    assert "该证件已注册账号" not in page_text(response)
    assert "验证码已失效或未获取" in page_text(response)

    company = legal_form()
    company["sms_code"] = request_sms(client, company["phone"], "register")
    assert client.post("/account/register/legal", data=company).status_code == 302
    client.post("/account/logout")
    again = legal_form(phone="13655556666", email="x@example.cn", sms_code="000000")
    response = client.post("/account/register/legal", data=again)
    assert "统一社会信用代码已注册" not in page_text(response)
    assert "验证码已失效或未获取" in page_text(response)


def test_national_database_refusal_shows_faq5_advice(app, client, db, request_sms, personal_form):
    data = personal_form(document_number="110101199003070134", gender="M")
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    error = field_error(response, "document_number") or ""
    assert "身份证信息效验失败" in error
    assert "CTID" in error
    assert accounts(db) == 0


@pytest.mark.parametrize(
    "document_type, number, extra",
    [
        ("passport", "EA1234567", {}),
        ("passport", "X1234567", {"passport_country": "USA"}),
        ("hk_macao_permit", "H12345678", {}),
        ("taiwan_permit", "12345678", {}),
        ("foreign_permanent_id", "USA123456789012", {}),
    ],
)
def test_other_documents_register(client, db, request_sms, personal_form, document_type, number, extra):
    data = personal_form(document_type=document_type, document_number=number, birth_date="1985-01-01", **extra)
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/personal", data=data)
    assert response.status_code == 302, page_text(response)[:1500]
    account = db.session.query(Account).filter_by(phone=data["phone"]).one()
    assert account.document_type == document_type


def test_legal_registration_end_to_end(client, db, request_sms, legal_form):
    data = legal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/legal", data=data)
    assert response.status_code == 302, page_text(response)[:2000]
    account = db.session.query(Account).filter_by(phone=data["phone"]).one()
    assert account.kind == AccountKind.LEGAL
    assert account.enterprise.uscc == data["uscc"]
    assert account.enterprise.legal_rep_name == "周建华"
    assert account.enterprise.legal_rep_valid_to is None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"uscc": "91350100M000100Y44"}, "uscc", "校验"),
        ({"uscc": "91350100M000100Y4"}, "uscc", "18"),
        ({"entity_type": "individual_business"}, "uscc", "92"),
        ({"rep_document_number": "110105194912310021"}, "rep_document_number", "校验位错误"),
    ],
)
def test_legal_registration_refusals(client, db, legal_form, overrides, field, message):
    data = legal_form(sms_code="123456", **overrides)
    response = client.post("/account/register/legal", data=data)
    assert message in (field_error(response, field) or ""), page_text(response)[:1500]
    assert db.session.query(Enterprise).count() == 0


def test_one_uscc_one_live_account(client, db, request_sms, legal_form):
    data = legal_form()
    data["sms_code"] = request_sms(client, data["phone"], "register")
    assert client.post("/account/register/legal", data=data).status_code == 302
    client.post("/account/logout")
    again = legal_form(phone="13655556666", email="x@example.cn")
    again["sms_code"] = request_sms(client, again["phone"], "register")
    response = client.post("/account/register/legal", data=again)
    assert "统一社会信用代码已注册" in (field_error(response, "uscc") or "")


def test_agreement_pages_exist(client):
    assert "用户协议" in page_text(client.get("/account/agreement/user"))
    assert "隐私政策" in page_text(client.get("/account/agreement/privacy"))
    assert client.get("/account/agreement/other").status_code == 404


def test_a_pasted_credit_code_with_spaces_is_accepted(client, db, request_sms, legal_form):
    page = client.get("/account/register/legal").get_data(as_text=True)
    uscc_input = re.search(r'<input[^>]*id="uscc"[^>]*>', page).group(0)
    assert "maxlength" not in uscc_input  # the browser would cut " 9133…" to 18 characters, space included
    data = legal_form()
    code = data["uscc"]
    data["uscc"] = f" {code[:8]} {code[8:]}\u3000"
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/legal", data=data)
    assert response.status_code == 302, page_text(response)[:2000]
    assert db.session.query(Account).filter_by(phone=data["phone"]).one().enterprise.uscc == code


def test_a_person_and_the_company_he_represents_may_share_his_phone(
    client, db, register_person, request_sms, legal_form
):
    person = register_person()
    data = legal_form(phone=person["phone"], rep_name=person["name"], rep_document_number=person["document_number"])
    data["sms_code"] = request_sms(client, data["phone"], "register")
    response = client.post("/account/register/legal", data=data)
    assert response.status_code == 302, page_text(response)[:2000]
    client.post("/account/logout")
    kinds = sorted(a.kind for a in db.session.query(Account).filter_by(phone=person["phone"], status="active"))
    assert kinds == [AccountKind.LEGAL, AccountKind.PERSONAL]
    # Each still signs in as itself: the person by his phone, the company by its credit code.
    signed_in = client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    assert signed_in.status_code == 302
    client.post("/account/logout")
    signed_in = client.post(
        "/account/login", data={"kind": "legal", "identifier": data["uscc"], "password": data["password"]}
    )
    assert signed_in.status_code == 302
    # A second company account on the same phone is still refused.
    again = legal_form(phone=person["phone"], uscc=make_uscc("91330106MA2B3C4D6"), email="y@example.cn")
    again["sms_code"] = request_sms(client, again["phone"], "register")
    assert "该手机号已被其他账号绑定" in (
        field_error(client.post("/account/register/legal", data=again), "phone") or ""
    )
