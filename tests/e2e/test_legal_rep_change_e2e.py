"""法人变更 in Chromium (manual 二.5): 实名认证 with a picture code → 人脸识别 of the new legal representative
on the phone → the new phone's SMS code → 更换法人信息 → sign in with the new password."""

import re

import pytest
from playwright.sync_api import expect

from app.models import SmsOutboxMessage
from app.seed import demo_data
from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e

NEW_PHONE = "13911112222"


def test_company_changes_its_legal_representative(
    page, live_server, app, db, known_captcha, pass_face_check_on_phone, screenshot
):
    with app.app_context():
        demo_data.seed_register()
        demo_data.seed_portal_users()
        db.session.commit()

    page.goto(live_server + "/account/legal-rep")
    page.fill("#enterprise_name", demo_data.DEMO_COMPANY_NAME)
    page.fill("#uscc", demo_data.DEMO_COMPANY_USCC)
    page.select_option("#rep_document_type", "resident_id")
    page.fill("#rep_name", demo_data.DEMO_NEW_REP_NAME)
    page.fill("#rep_document_number", demo_data.DEMO_NEW_REP_ID)
    page.fill("#rep_valid_from", "2019-01-01")
    page.locator('[data-validity-for="rep_"][value="20"]').check()
    expect(page.locator("#row-captcha .captcha-img")).to_be_visible()
    page.fill("#captcha", "ZZZZ")  # a wrong picture code first: refused beside its field, the rest kept
    page.get_by_role("button", name="实名认证").click()
    expect(page.locator("#row-captcha .field-error")).to_have_text("图形验证码错误，已更换新图片")
    expect(page.locator("#rep_name")).to_have_value(demo_data.DEMO_NEW_REP_NAME)
    page.locator('[data-validity-for="rep_"][value="20"]').check()
    page.fill("#captcha", known_captcha)
    screenshot("legal-rep-check")
    page.get_by_role("button", name="实名认证").click()

    expect(page).to_have_url(re.compile(r"/account/legal-rep/face$"))
    expect(page.locator("#face-who")).to_have_text("请新法定代表人王**本人完成人脸识别。")
    expect(page.locator("#face-status")).to_have_attribute("data-state", "pending")
    screenshot("legal-rep-face")
    pass_face_check_on_phone(page)

    expect(page).to_have_url(re.compile(r"/account/legal-rep/next$"))
    expect(page.locator("#legal-rep-verified")).to_contain_text("新法定代表人已通过人脸识别")
    page.locator("#choose-apply").click()
    form = page.locator("#legal-rep-apply-form")
    page.fill("#apply-phone", NEW_PHONE)
    form.locator(".captcha-input").fill(known_captcha)
    form.locator(".sms-button").click()
    expect(form.locator('[data-ok-for="sms"]')).to_have_text("验证码已发送，请注意查收")
    with app.app_context():
        code = latest_outbox_code(NEW_PHONE, "legal_rep_change")
    page.fill("#apply-sms_code", code)
    page.fill("#apply-password", "NewBoss2026")
    page.fill("#apply-password_confirm", "NewBoss2026")
    screenshot("legal-rep-apply")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/account/login\?tab=legal$"))
    expect(page.locator(".alert-success")).to_contain_text("法定代表人信息已更换")
    with app.app_context():
        told = db.session.query(SmsOutboxMessage).filter_by(phone=demo_data.DEMO_COMPANY_PHONE).one()
        assert told.purpose == "legal_rep_changed"
    page.fill("#identifier", demo_data.DEMO_COMPANY_USCC)
    page.fill("#password", "NewBoss2026")
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    expect(page.locator("#user-welcome")).to_contain_text(demo_data.DEMO_COMPANY_NAME)
    screenshot("legal-rep-signed-in")


def test_company_cancels_its_account_with_the_code_of_the_bound_phone(
    page, live_server, app, db, known_captcha, pass_face_check_on_phone, screenshot
):
    with app.app_context():
        demo_data.seed_register()
        demo_data.seed_portal_users()
        db.session.commit()

    page.goto(live_server + "/account/legal-rep")
    page.fill("#enterprise_name", demo_data.DEMO_COMPANY_NAME)
    page.fill("#uscc", demo_data.DEMO_COMPANY_USCC)
    page.fill("#rep_name", demo_data.DEMO_NEW_REP_NAME)
    page.fill("#rep_document_number", demo_data.DEMO_NEW_REP_ID)
    page.fill("#rep_valid_from", "2019-01-01")
    page.locator('[data-validity-for="rep_"][value="long"]').check()
    page.fill("#captcha", known_captcha)
    page.get_by_role("button", name="实名认证").click()
    expect(page).to_have_url(re.compile(r"/account/legal-rep/face$"))
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/account/legal-rep/next$"))

    page.locator("#choose-cancel").click()
    expect(page.locator("#legal-rep-bound-phone")).to_have_text("短信验证码将发送至账号当前绑定的手机：139****9000")
    form = page.locator("#legal-rep-cancel-form")
    form.locator(".captcha-input").fill(known_captcha)
    form.locator(".sms-button").click()
    expect(form.locator('[data-ok-for="sms"]')).to_have_text("验证码已发送，请注意查收")
    with app.app_context():
        code = latest_outbox_code(demo_data.DEMO_COMPANY_PHONE, "legal_rep_cancel")
    page.fill("#cancel-sms_code", code)
    page.check("#cancel-confirm")
    screenshot("legal-rep-cancel")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("账号已注销")

    page.goto(live_server + "/account/login?tab=legal")
    page.fill("#identifier", demo_data.DEMO_COMPANY_USCC)
    page.fill("#password", demo_data.DEMO_COMPANY_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/login"))
