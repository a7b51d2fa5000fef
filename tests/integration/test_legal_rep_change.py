"""法人变更 (manual 二.5), made safe: 实名认证 with a picture code and failure limits, 人脸识别 of the new
legal representative in this browser, the new phone proven by its SMS code, a cancellation proven by a
code sent to the account's bound phone, one 实名认证 for one change, every step audited."""

import re

import pytest

from app.models import Account, AccountStatus, AuditRecord, LegalRepChange, SmsOutboxMessage
from app.seed import demo_data
from app.services.accounts import recovery
from app.services.errors import ServiceError
from app.services.platform.sms import latest_outbox_code

NEW_PHONE = "13911112222"
STRANGER_PHONE = "13722223333"


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def login(client, identifier, password, kind="legal"):
    return client.post("/account/login", data={"kind": kind, "identifier": identifier, "password": password})


@pytest.fixture
def company(app, db):
    with app.app_context():
        demo_data.seed_register()
        demo_data.seed_portal_users()
        db.session.commit()
    return db.session.query(Account).filter_by(phone=demo_data.DEMO_COMPANY_PHONE).one()


def rep_form(**overrides):
    data = {
        "enterprise_name": demo_data.DEMO_COMPANY_NAME,
        "uscc": demo_data.DEMO_COMPANY_USCC,
        "rep_document_type": "resident_id",
        "rep_name": demo_data.DEMO_NEW_REP_NAME,
        "rep_document_number": demo_data.DEMO_NEW_REP_ID,
        "rep_valid_from": "2019-01-01",
        "rep_validity": "20",
        "rep_valid_to": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def check(known_captcha, new_captcha_id):
    """Post 实名认证 with a right picture code (unless the overrides say otherwise)."""

    def post(client, **overrides):
        data = {"captcha": known_captcha, "captcha_id": new_captcha_id(client), **rep_form()}
        data.update(overrides)
        return client.post("/account/legal-rep", data=data)

    return post


def face_token(client) -> str:
    page = client.get("/account/legal-rep/face")
    assert page.status_code == 200, page.headers.get("Location")
    return re.search(r'data-mobile-url="[^"]*/face/m/([^"]+)"', page.get_data(as_text=True)).group(1)


def pass_face_on_phone(app, token) -> None:
    """The new representative's phone goes through the mini-program's pages."""
    phone = app.test_client()
    assert phone.get(f"/face/m/{token}").status_code == 200
    assert phone.post(f"/face/m/{token}/start").status_code == 200
    assert phone.post(f"/face/m/{token}/complete").status_code == 200


@pytest.fixture
def verified(app, check):
    """实名认证 and 人脸识别 done in ``client``."""

    def run(client):
        response = check(client)
        assert response.headers["Location"].endswith("/account/legal-rep/face"), text(response)[:800]
        pass_face_on_phone(app, face_token(client))
        return client

    return run


@pytest.fixture
def flow_sms(known_captcha, new_captcha_id):
    """Press 获取短信验证码 on the 法人变更 page (``target`` new_phone or bound_phone)."""

    def send(client, target, phone=""):
        return client.post(
            "/account/legal-rep/sms",
            data={"purpose": target, "phone": phone, "captcha": known_captcha, "captcha_id": new_captcha_id(client)},
        )

    return send


def apply(client, code, phone=NEW_PHONE, password="NewBoss2026"):
    return client.post(
        "/account/legal-rep/next",
        data={
            "action": "apply",
            "apply-phone": phone,
            "apply-sms_code": code,
            "apply-password": password,
            "apply-password_confirm": password,
        },
    )


def cancel(client, code):
    return client.post(
        "/account/legal-rep/next", data={"action": "cancel", "cancel-sms_code": code, "cancel-confirm": "y"}
    )


def events(db, name):
    return db.session.query(AuditRecord).filter_by(event=name).order_by(AuditRecord.id).all()


def copy_of(app, client):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


# --- 实名认证 ---------------------------------------------------------------------------


def test_check_without_or_with_a_wrong_picture_code_is_refused(client, db, company, check):
    response = client.post("/account/legal-rep", data=rep_form())
    assert response.status_code == 200
    assert re.search(r'id="row-captcha".*?此项为必填项', response.get_data(as_text=True), re.S)
    assert demo_data.DEMO_NEW_REP_NAME in response.get_data(as_text=True), "what was typed is kept"

    response = check(client, captcha="ZZZZ")
    assert response.status_code == 200
    assert re.search(r'id="row-captcha".*?图形验证码错误', response.get_data(as_text=True), re.S)
    assert client.get("/account/legal-rep/face").status_code == 302
    assert not events(db, "account.legal_rep_check_passed")


def test_unknown_company_and_wrong_details_get_the_same_answer(client, db, company, check):
    wrong_details = text(check(client, rep_name="赵六"))
    unknown_company = text(
        check(client, uscc=demo_data.DEMO_OTHER_USCC, enterprise_name="上海示范工程咨询有限公司", rep_name="陈静")
    )
    assert "实名认证失败" in wrong_details and "010-58934213/010-58934446" in wrong_details
    strip = lambda page: page.replace("上海示范工程咨询有限公司", "").replace(demo_data.DEMO_COMPANY_NAME, "")  # noqa: E731
    answer = lambda page: re.search(r"实名认证失败.*?技术电话咨询|实名认证失败.*?010-58934446", strip(page)).group(0)  # noqa: E731
    assert answer(wrong_details) == answer(unknown_company)
    assert "未注册" not in unknown_company and "No legal-entity" not in unknown_company
    failures = events(db, "account.legal_rep_check_failed")
    assert sorted(record.detail["reason"] for record in failures)[-1] == "unknown_account"
    assert all(demo_data.DEMO_NEW_REP_ID not in str(record.detail) for record in failures), "masked"


def test_failures_per_uscc_lock_the_check_even_from_another_address(app, client, db, company, check):
    limit = app.config["LEGAL_REP_CHECK_FAILURES_PER_USCC"]
    for attempt in range(limit):
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{attempt + 1}"
        assert "实名认证失败" in text(
            check(client, rep_document_number=demo_data.DEMO_COMPANY_REP_ID, rep_name="李明华")
        )
    client.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    response = check(client)  # now the right details
    assert response.status_code == 200
    assert "实名认证失败次数过多" in text(response) and "分钟后再试" in text(response)
    assert client.get("/account/legal-rep/face").status_code == 302
    assert not events(db, "account.legal_rep_check_passed")
    assert events(db, "account.legal_rep_check_failed")[-1].detail["reason"] == "locked"


def test_failures_per_address_lock_the_check_for_every_company(app, client, db, company, check, monkeypatch):
    monkeypatch.setitem(app.config, "LEGAL_REP_CHECK_FAILURES_PER_ADDRESS", 3)
    for name in ("赵一", "赵二", "赵三"):
        check(client, uscc=demo_data.DEMO_OTHER_USCC, rep_name=name)
    response = check(client)
    assert "实名认证失败次数过多" in text(response)
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert check(other_address).headers["Location"].endswith("/account/legal-rep/face")


def test_a_passed_check_is_audited_masked(client, db, company, check):
    check(client)
    (record,) = events(db, "account.legal_rep_check_passed")
    assert record.account_id == company.id
    assert demo_data.DEMO_NEW_REP_ID not in str(record.detail) and demo_data.DEMO_COMPANY_USCC != record.subject


# --- 人脸识别 ---------------------------------------------------------------------------


def test_without_the_face_check_the_change_and_cancel_pages_refuse(client, db, company, check, request_sms, flow_sms):
    check(client)
    page = client.get("/account/legal-rep/next")
    assert page.headers["Location"].endswith("/account/legal-rep/face")
    assert flow_sms(client, "new_phone", NEW_PHONE).status_code == 403
    assert flow_sms(client, "bound_phone").status_code == 403
    assert db.session.query(SmsOutboxMessage).count() == 0
    response = apply(client, "123456")
    assert response.headers["Location"].endswith("/account/legal-rep/face")
    response = cancel(client, "123456")
    assert response.headers["Location"].endswith("/account/legal-rep/face")
    db.session.expire_all()
    assert company.status == AccountStatus.ACTIVE and company.phone == demo_data.DEMO_COMPANY_PHONE


def test_face_page_checks_the_new_representative_in_this_browser_only(app, client, db, company, check):
    check(client)
    page = text(client.get("/account/legal-rep/face"))
    assert "人脸识别" in page and "请新法定代表人王**本人完成人脸识别" in page
    token = face_token(client)
    other_browser = app.test_client()
    assert other_browser.get(f"/account/legal-rep/face/status/{token}").status_code == 403
    assert client.get(f"/account/legal-rep/face/status/{token}").get_json()["state"] == "pending"

    pass_face_on_phone(app, token)
    assert client.get(f"/account/legal-rep/face/status/{token}").get_json()["state"] == "verified"
    assert client.get(f"/account/legal-rep/face/continue/{token}").headers["Location"].endswith("/legal-rep/next")
    assert client.get("/account/legal-rep/next").status_code == 200
    (record,) = events(db, "account.legal_rep_face_passed")
    assert record.account_id == company.id
    # The other browser verifying itself does not open this browser's check, nor the other way round.
    assert other_browser.get("/account/legal-rep/next").status_code == 302


def test_a_face_check_of_an_earlier_verification_does_not_count_for_a_new_one(app, client, db, company, check):
    check(client)
    pass_face_on_phone(app, face_token(client))
    assert client.get("/account/legal-rep/next").status_code == 200
    check(client)  # a new 实名认证: a new face check is needed
    assert client.get("/account/legal-rep/next").headers["Location"].endswith("/account/legal-rep/face")


# --- 更换法人信息 ------------------------------------------------------------------------


def test_the_generic_sms_endpoint_no_longer_sends_legal_rep_codes(client, db, known_captcha, new_captcha_id):
    response = client.post(
        "/verify/sms",
        data={
            "phone": NEW_PHONE,
            "purpose": "legal_rep_change",
            "captcha": known_captcha,
            "captcha_id": new_captcha_id(client),
        },
    )
    assert response.status_code == 400 and latest_outbox_code(NEW_PHONE) is None


def test_change_needs_the_code_sent_to_the_typed_phone(client, db, company, verified, flow_sms):
    verified(client)
    assert flow_sms(client, "new_phone", STRANGER_PHONE).status_code == 200
    code_of_other_phone = latest_outbox_code(STRANGER_PHONE, "legal_rep_change")
    response = apply(client, code_of_other_phone, phone=NEW_PHONE)
    assert response.status_code == 200
    assert re.search(r'id="row-apply-sms_code".*?验证码已失效或未获取', response.get_data(as_text=True), re.S)
    assert NEW_PHONE in response.get_data(as_text=True), "the typed phone is kept"
    db.session.expire_all()
    assert company.phone == demo_data.DEMO_COMPANY_PHONE and not db.session.query(LegalRepChange).count()


def test_change_applies_tells_the_old_phone_ends_sessions_and_is_audited(app, client, db, company, verified, flow_sms):
    signed_in = app.test_client()
    assert login(signed_in, demo_data.DEMO_COMPANY_USCC, demo_data.DEMO_COMPANY_PASSWORD).status_code == 302
    assert signed_in.get("/user/").status_code == 200

    verified(client)
    page = text(client.get("/account/legal-rep/next"))
    assert "更换法人信息" in page and "注销账号" in page
    assert flow_sms(client, "new_phone", NEW_PHONE).status_code == 200
    response = apply(client, latest_outbox_code(NEW_PHONE, "legal_rep_change"))
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]

    change = db.session.query(LegalRepChange).one()
    assert change.before["legal_rep_name"] == "李明华" and change.before["phone"] == demo_data.DEMO_COMPANY_PHONE
    assert change.after["legal_rep_name"] == demo_data.DEMO_NEW_REP_NAME and change.after["phone"] == NEW_PHONE
    told = db.session.query(SmsOutboxMessage).filter_by(phone=demo_data.DEMO_COMPANY_PHONE).one()
    assert told.purpose == "legal_rep_changed"
    assert "更换法定代表人" in told.content and demo_data.DEMO_COMPANY_NAME in told.content
    assert signed_in.get("/user/").status_code == 302, "the account's other sessions ended"
    assert login(client, demo_data.DEMO_COMPANY_USCC, demo_data.DEMO_COMPANY_PASSWORD).status_code == 200
    assert login(client, demo_data.DEMO_COMPANY_USCC, "NewBoss2026").status_code == 302

    for name in (
        "account.legal_rep_check_passed",
        "account.legal_rep_face_passed",
        "account.legal_rep_sms_sent",
        "account.legal_rep_changed",
    ):
        (record,) = events(db, name)
        assert record.account_id == company.id, name
    sent = events(db, "account.legal_rep_sms_sent")[0]
    assert sent.detail["phone"] != NEW_PHONE and sent.detail["phone"].endswith("2222")


def test_a_copied_cookie_cannot_use_the_verification_again(app, client, db, company, verified, flow_sms):
    verified(client)
    copy = copy_of(app, client)
    flow_sms(client, "new_phone", NEW_PHONE)
    assert apply(client, latest_outbox_code(NEW_PHONE, "legal_rep_change")).status_code == 302

    assert copy.get("/account/legal-rep/next").headers["Location"].endswith("/account/legal-rep")
    assert flow_sms(copy, "bound_phone").status_code == 403
    assert flow_sms(copy, "new_phone", STRANGER_PHONE).status_code == 403
    response = apply(copy, "123456", phone=STRANGER_PHONE, password="Hijacked2026")
    assert response.headers["Location"].endswith("/account/legal-rep")
    assert db.session.query(LegalRepChange).count() == 1
    db.session.expire_all()
    assert company.status == AccountStatus.ACTIVE and company.phone == NEW_PHONE


def test_one_verification_is_claimed_once(app, db):
    with app.test_request_context():
        recovery._use_check("check-1")
        with pytest.raises(ServiceError) as refused:
            recovery._use_check("check-1")
        assert refused.value.code == "used"


# --- 注销账号 --------------------------------------------------------------------------


def test_cancellation_needs_the_code_sent_to_the_bound_phone(client, db, company, verified, flow_sms):
    verified(client)
    page = text(client.get("/account/legal-rep/next?action=cancel"))
    assert "139****9000" in page

    response = cancel(client, "")
    assert response.status_code == 200 and "此项为必填项" in text(response)
    # Whatever phone is typed, the code goes to the account's bound phone.
    assert flow_sms(client, "bound_phone", STRANGER_PHONE).status_code == 200
    assert latest_outbox_code(STRANGER_PHONE) is None
    code = latest_outbox_code(demo_data.DEMO_COMPANY_PHONE, "legal_rep_cancel")
    assert code is not None
    assert cancel(client, "000000" if code != "000000" else "000001").status_code == 200
    db.session.expire_all()
    assert company.status == AccountStatus.ACTIVE

    response = cancel(client, code)
    assert response.status_code == 302
    db.session.expire_all()
    assert company.status == AccountStatus.CANCELLED
    (record,) = events(db, "account.cancelled")
    assert record.detail["reason"] == "legal_rep_change"
    (sent,) = events(db, "account.legal_rep_sms_sent")
    assert sent.detail["purpose"] == "legal_rep_cancel" and sent.detail["phone"] == "139****9000"


def test_a_signed_in_citizen_cannot_start_a_legal_rep_face_check_of_their_own(client, db, register_person):
    person = register_person()
    assert login(client, person["phone"], person["password"], kind="personal").status_code == 302
    assert client.get("/face/legal_rep_change?next=/account/legal-rep/next").status_code == 404


def test_the_whole_change_must_happen_within_the_verifications_validity(
    app, client, db, company, verified, monkeypatch
):
    from app.views.portal import recovery as recovery_pages

    verified(client)
    assert client.get("/account/legal-rep/next").status_code == 200
    monkeypatch.setattr(recovery_pages, "VERIFIED_FOR_SECONDS", 0)
    response = client.get("/account/legal-rep/next")
    assert response.headers["Location"].endswith("/account/legal-rep")
    assert client.get("/account/legal-rep/face").headers["Location"].endswith("/account/legal-rep")


def test_the_check_takes_a_credit_code_pasted_with_spaces(client, db, company, check):
    page = client.get("/account/legal-rep").get_data(as_text=True)
    assert "maxlength" not in re.search(r'<input[^>]*id="uscc"[^>]*>', page).group(0)
    response = check(client, uscc=f" {demo_data.DEMO_COMPANY_USCC} ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/legal-rep/face")
