"""人脸识别 in Chromium: the desktop page waits while a phone goes through the mini-program."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def log_in(page, live_server, person):
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["document_number"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))


def test_face_recognition_on_the_phone_moves_the_desktop_on(page, browser, live_server, register_person, screenshot):
    person = register_person()
    log_in(page, live_server, person)

    page.goto(live_server + "/face/online_service?next=/user/")
    expect(page.locator("#face-step-1")).to_have_text("第一步：使用支付宝或微信打开住房和城乡建设部政务服务门户小程序")
    expect(page.locator("#face-step-2")).to_have_text(
        "第二步：使用住房和城乡建设部政务服务门户小程序扫码完成人脸识别确认"
    )
    expect(page.locator(".face-code-alipay")).to_contain_text("使用支付宝扫一扫功能打开小程序")
    expect(page.locator(".face-code-wechat")).to_contain_text("使用微信扫一扫功能打开小程序")
    expect(page.locator("#face-hint")).to_have_text(
        "人脸识别成功后，页面会自动跳转，如果未能自动跳转，请于4秒后点击【手动跳转】"
    )
    expect(page.locator("#face-support")).to_contain_text("当前办理业务用户太多")
    qr_codes = page.locator("img.qr-code")
    expect(qr_codes).to_have_count(3)
    for index in range(3):  # real, local images
        expect(qr_codes.nth(index)).to_have_js_property("complete", True)
        expect(qr_codes.nth(index)).not_to_have_js_property("naturalWidth", 0)
    manual = page.locator("#manual-jump")
    expect(manual).to_have_text("【手动跳转】")
    expect(manual).to_be_disabled()
    expect(manual).to_be_enabled()  # after four seconds
    screenshot("face-desktop")

    mobile_url = page.get_attribute("#face-qr", "data-mobile-url")
    assert mobile_url.startswith(live_server + "/face/m/")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        phone.goto(mobile_url)
        expect(phone.locator("#apply-title")).to_have_text("住房和城乡建设部政务服务门户 申请使用")
        expect(phone.locator("#apply-text")).to_have_text("人脸识别功能验证你的身份信息，请确保为本人操作")
        screenshot("face-phone-apply", target=phone)
        expect(page.locator("#face-status")).to_have_attribute("data-state", "scanned")
        expect(page.locator("#face-status")).to_have_text("已扫码，请在手机上完成人脸识别")

        phone.get_by_role("button", name="下一步").click()
        expect(phone.locator("#face-liveness")).to_be_visible()
        expect(phone.locator("#liveness-instruction")).to_have_text("请正对手机屏幕，保持面部清晰")
        screenshot("face-phone-liveness", target=phone)

        expect(phone.locator("#face-success")).to_be_visible()
        expect(phone.locator("#success-title")).to_have_text("认证成功")
        expect(phone.locator("#success-text")).to_have_text("恭喜你，完成了身份验证")
        expect(phone.locator("#face-return")).to_have_text(re.compile(r"^返回 \([0-2]\)$"))
        expect(phone.locator(".mp-bar-title")).to_have_text("身份验证")
        screenshot("face-phone-success", target=phone)

        expect(page).to_have_url(re.compile(r"/user/$"))
        expect(page.locator("#user-welcome")).to_contain_text(person["name"])

        # 返回 (2) counts down, then the phone is back in the mini-program.
        expect(phone).to_have_url(re.compile(r"/face/mini-program/wechat$"))
        # The used code cannot be scanned again.
        phone.goto(mobile_url)
        expect(phone.locator("#invalid-title")).to_have_text("二维码无效或已过期")
        screenshot("face-phone-invalid", target=phone)
    finally:
        phone_context.close()

    # Verified for this purpose: the face page lets the citizen straight through.
    page.goto(live_server + "/face/online_service?next=/user/settings")
    expect(page).to_have_url(re.compile(r"/user/settings$"))
