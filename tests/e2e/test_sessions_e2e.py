"""Sessions that end, in Chromium (issue 14 item 3): a copy of the session cookie in another browser is signed
out when its owner signs out, on the portal and in the back office (where signing out is a form's POST)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def copied_browser(browser, page):
    """Another browser holding a copy of ``page``'s cookies."""
    context = browser.new_context(locale="zh-CN")
    context.add_cookies(page.context.cookies())
    return context


def test_a_copied_portal_session_ends_at_sign_out(browser, page, live_server, register_person, screenshot):
    person = register_person()
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["phone"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    copy_context = copied_browser(browser, page)
    try:
        copy = copy_context.new_page()
        copy.goto(live_server + "/user/")
        expect(copy).to_have_url(re.compile(r"/user/$"))
        page.locator("#logout-button").click()
        expect(page.locator(".alert-success")).to_contain_text("您已安全退出")
        copy.goto(live_server + "/user/")
        expect(copy).to_have_url(re.compile(r"/account/login"))
    finally:
        copy_context.close()


def test_staff_sign_out_is_a_form_and_ends_a_copied_session(browser, page, live_server, staff_factory, screenshot):
    staff_factory("Statistician", username="clerk")
    page.goto(live_server + "/admin/login/")
    page.fill("#username", "clerk")
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    copy_context = copied_browser(browser, page)
    try:
        copy = copy_context.new_page()
        copy.goto(live_server + "/users/userinfo/")
        expect(copy).to_have_url(re.compile(r"/users/userinfo/$"))
        page.locator(".navbar-right .dropdown-toggle").last.click()
        logout = page.locator("#admin-logout-button")
        expect(logout).to_be_visible()
        expect(logout).to_have_text(re.compile("退出"))
        screenshot("admin-logout-menu")
        logout.click()
        expect(page).to_have_url(re.compile(r"/admin/login/"))
        copy.goto(live_server + "/users/userinfo/")
        expect(copy).to_have_url(re.compile(r"/admin/login/"))
    finally:
        copy_context.close()


def test_a_face_check_is_asked_again_after_signing_out(page, live_server, register_person, pass_face_check_on_phone):
    """Issue 14 item 2: a passed 人脸识别 belongs to the sign-in session and its purpose."""
    person = register_person()

    def sign_in():
        page.goto(live_server + "/account/login")
        page.fill("#identifier", person["phone"])
        page.fill("#password", person["password"])
        page.locator("#login-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/user/$"))

    sign_in()
    page.goto(live_server + "/face/online_service?next=/user/settings")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/user/settings$"))
    page.goto(live_server + "/face/online_service?next=/user/settings")
    expect(page).to_have_url(re.compile(r"/user/settings$"))  # passed: straight on
    page.goto(live_server + "/face/my_certificates?next=/user/")
    expect(page.locator("#face-qr")).to_be_visible()  # the other purpose asks its own check
    page.locator("#logout-button").click()
    sign_in()
    page.goto(live_server + "/face/online_service?next=/user/settings")
    expect(page).to_have_url(re.compile(r"/face/online_service"))
    expect(page.locator("#face-qr")).to_be_visible()
