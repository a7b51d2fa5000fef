"""Accounts in Chromium: register (personal, legal), log in on each tab, reset, cancel."""

import re

import pytest

from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e


def request_code(page, app, phone, purpose, captcha_text, scope="form"):
    """Answer the picture code and press 获取短信验证码; read the code from the outbox."""
    form = page.locator(scope)
    form.locator(".captcha-input").fill(captcha_text)
    form.locator(".sms-button").click()
    page.wait_for_selector('[data-ok-for="sms"]:not(:empty)')
    with app.app_context():
        return latest_outbox_code(phone, purpose)


def fill_person(page, prefix, name, number, valid_from, validity):
    page.select_option(f"#{prefix}document_type", "resident_id")
    page.fill(f"#{prefix}name", name)
    page.fill(f"#{prefix}document_number", number)
    page.fill(f"#{prefix}valid_from", valid_from)
    page.locator(f'[data-validity-for="{prefix}"][value="{validity}"]').check()


def test_register_personal_then_log_in(page, live_server, app, known_captcha, personal_form, screenshot):
    data = personal_form()
    page.goto(live_server + "/")
    page.locator("#register-link").hover()
    page.get_by_role("menuitem", name="个人注册").click()
    assert page.locator("h1").inner_text() == "个人注册"
    assert "请务必填写本人的证件信息" in page.locator(".notice-yellow").inner_text()
    fill_person(page, "", data["name"], data["document_number"], data["valid_from"], "20")
    assert page.input_value("#valid_to") == "2036-04-02"
    assert page.input_value("#birth_date") == "1986-04-02", "derived from the ID number"
    page.select_option("#gender", "M")
    page.fill("#phone", data["phone"])
    code = request_code(page, app, data["phone"], "register", known_captcha)
    assert (
        re.match(r"重新获取|\d+", page.locator(".sms-button").inner_text()) or page.locator(".sms-button").is_disabled()
    )
    page.fill("#sms_code", code)
    page.fill("#email", data["email"])
    page.fill("#password", data["password"])
    page.fill("#password_confirm", data["password"])
    page.check("#agree")
    screenshot("register-personal")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(re.compile(r"/user/$"))
    assert data["name"] in page.locator("#user-welcome").inner_text()

    page.locator("#logout-button").click()
    page.goto(live_server + "/account/login")
    page.fill("#identifier", data["document_number"])
    page.fill("#password", data["password"])
    page.locator("[data-toggle-password]").click()
    assert page.get_attribute("#password", "type") == "text", "the eye shows the password (FAQ 1)"
    screenshot("login-personal")
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/user/$"))
    page.get_by_role("link", name="账户设置").click()
    masked = page.locator("#masked-document").inner_text()
    assert masked.startswith(data["document_number"][:4]) and "*" in masked
    screenshot("account-settings")


def test_register_errors_show_beside_fields(page, live_server, personal_form, screenshot):
    page.goto(live_server + "/account/register/personal")
    page.fill("#document_number", "110105194912310021")
    page.fill("#name", "测试")
    page.get_by_role("button", name="注册").click()
    assert "校验位错误" in page.locator("#row-document_number .field-error").inner_text()
    assert page.input_value("#document_number") == "110105194912310021"
    screenshot("register-errors")


def test_register_legal_then_log_in_on_the_legal_tab(page, live_server, app, known_captcha, legal_form, screenshot):
    data = legal_form()
    page.goto(live_server + "/account/register")
    page.locator("#choose-legal").click()
    page.select_option("#entity_type", "enterprise")
    page.fill("#enterprise_name", data["enterprise_name"])
    page.fill("#uscc", data["uscc"])
    fill_person(page, "rep_", data["rep_name"], data["rep_document_number"], data["rep_valid_from"], "long")
    assert page.locator("#rep_valid_to").is_disabled()
    page.fill("#phone", data["phone"])
    page.fill("#sms_code", request_code(page, app, data["phone"], "register", known_captcha))
    page.fill("#email", data["email"])
    page.fill("#password", data["password"])
    page.fill("#password_confirm", data["password"])
    page.check("#agree")
    screenshot("register-legal")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(re.compile(r"/user/$"))
    page.locator("#logout-button").click()

    page.goto(live_server + "/account/login")
    page.locator("#tab-legal").click()
    page.fill("#identifier", data["uscc"])
    page.fill("#password", data["password"])
    screenshot("login-legal")
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/user/$"))
    assert data["enterprise_name"] in page.locator("#user-welcome").inner_text()


def test_reset_password_then_cancel_the_account(page, live_server, app, known_captcha, register_person, screenshot):
    person = register_person()
    page.goto(live_server + "/account/login")
    page.locator("#forgot-link").click()
    page.fill("#identifier", person["document_number"])
    page.fill("#phone", person["phone"])
    page.fill("#sms_code", request_code(page, app, person["phone"], "reset_password", known_captcha))
    screenshot("forgot")
    page.get_by_role("button", name="下一步").click()
    page.fill("#password", "Renewed2026pass")
    page.fill("#password_confirm", "Renewed2026pass")
    page.get_by_role("button", name="确定").click()
    page.wait_for_url(re.compile(r"/account/login"))
    page.fill("#identifier", person["phone"])
    page.fill("#password", "Renewed2026pass")
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/user/$"))
    page.locator("#logout-button").click()

    page.goto(live_server + "/account/forgot")
    page.locator("#cancel-account-link").click()
    page.fill("#identifier", person["document_number"])
    page.fill("#phone", person["phone"])
    page.fill("#sms_code", request_code(page, app, person["phone"], "cancel_account", known_captcha))
    page.check("#confirm")
    screenshot("cancel")
    page.get_by_role("button", name="确认注销").click()
    page.wait_for_url(live_server + "/")
    assert "已注销" in page.locator(".alert").inner_text()
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["phone"])
    page.fill("#password", "Renewed2026pass")
    page.locator("#login-form button[type=submit]").click()
    assert "账号或密码错误" in page.locator("#row-password .field-error").inner_text()
