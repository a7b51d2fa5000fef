"""人脸识别 in Chromium: the desktop page waits while a phone goes through the mini-program."""

import re

import pytest

pytestmark = pytest.mark.e2e


def log_in(page, live_server, person):
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["document_number"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/user/$"))


def test_face_recognition_on_the_phone_moves_the_desktop_on(page, browser, live_server, register_person, screenshot):
    person = register_person()
    log_in(page, live_server, person)

    page.goto(live_server + "/face/online_service?next=/user/")
    assert page.locator("#face-step-1").inner_text() == "第一步：使用支付宝或微信打开住房和城乡建设部政务服务门户小程序"
    assert (
        page.locator("#face-step-2").inner_text()
        == "第二步：使用住房和城乡建设部政务服务门户小程序扫码完成人脸识别确认"
    )
    assert "使用支付宝扫一扫功能打开小程序" in page.locator(".face-code-alipay").inner_text()
    assert "使用微信扫一扫功能打开小程序" in page.locator(".face-code-wechat").inner_text()
    assert (
        page.locator("#face-hint").inner_text()
        == "人脸识别成功后，页面会自动跳转，如果未能自动跳转，请于4秒后点击【手动跳转】"
    )
    assert "当前办理业务用户太多" in page.locator("#face-support").inner_text()
    qr_codes = page.locator("img.qr-code")
    assert qr_codes.count() == 3
    for index in range(3):
        assert qr_codes.nth(index).evaluate("img => img.complete && img.naturalWidth > 0"), "a real, local image"
    manual = page.locator("#manual-jump")
    assert manual.inner_text() == "【手动跳转】" and manual.is_disabled()
    manual_enabled = page.wait_for_function("() => !document.getElementById('manual-jump').disabled", timeout=8000)
    assert manual_enabled
    screenshot("face-desktop")

    mobile_url = page.get_attribute("#face-qr", "data-mobile-url")
    assert mobile_url.startswith(live_server + "/face/m/")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        phone.goto(mobile_url)
        assert phone.locator("#apply-title").inner_text() == "住房和城乡建设部政务服务门户 申请使用"
        assert phone.locator("#apply-text").inner_text() == "人脸识别功能验证你的身份信息，请确保为本人操作"
        screenshot("face-phone-apply", target=phone)
        page.wait_for_selector('#face-status[data-state="scanned"]', timeout=8000)
        assert page.locator("#face-status").inner_text() == "已扫码，请在手机上完成人脸识别"

        phone.get_by_role("button", name="下一步").click()
        phone.wait_for_selector("#face-liveness")
        assert phone.locator("#liveness-instruction").inner_text() == "请正对手机屏幕，保持面部清晰"
        screenshot("face-phone-liveness", target=phone)

        phone.wait_for_selector("#face-success", timeout=10000)
        assert phone.locator("#success-title").inner_text() == "认证成功"
        assert phone.locator("#success-text").inner_text() == "恭喜你，完成了身份验证"
        assert re.fullmatch(r"返回 \([0-2]\)", phone.locator("#face-return").inner_text())
        assert phone.locator(".mp-bar-title").inner_text() == "身份验证"
        screenshot("face-phone-success", target=phone)

        page.wait_for_url(re.compile(r"/user/$"), timeout=10000)
        assert person["name"] in page.locator("#user-welcome").inner_text()

        # 返回 (2) counts down, then the phone is back in the mini-program.
        phone.wait_for_url(re.compile(r"/face/mini-program/wechat$"), timeout=8000)
        # The used code cannot be scanned again.
        phone.goto(mobile_url)
        assert phone.locator("#invalid-title").inner_text() == "二维码无效或已过期"
        screenshot("face-phone-invalid", target=phone)
    finally:
        phone_context.close()

    # Verified for this purpose: the face page lets the citizen straight through.
    page.goto(live_server + "/face/online_service?next=/user/settings")
    page.wait_for_url(re.compile(r"/user/settings$"))
